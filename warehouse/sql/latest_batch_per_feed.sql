-- The latest batch of each feed, whatever its status.
with ranked_batches as (
    select
        *,
        row_number() over (partition by feed order by finished_at desc, batch_id desc) as recency
    from meta.ingest_batches
)
select feed, batch_id, status, fetched_at, rows_in, rows_loaded, rows_quarantined, message
from ranked_batches
where recency = 1
order by feed
