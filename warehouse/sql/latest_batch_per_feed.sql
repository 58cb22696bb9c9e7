-- The latest batch of each feed, whatever its status, and the feed's rows loaded over all its
-- batches (the one definition of "rows loaded": the sum of meta.ingest_batches.rows_loaded, the
-- same figure as marts.feed_status.rows_loaded and `infercast status`).
with ranked_batches as (
    select
        *,
        row_number() over (partition by feed order by finished_at desc, batch_id desc) as recency,
        sum(rows_loaded) over (partition by feed) as feed_rows_loaded
    from meta.ingest_batches
)
select feed, batch_id, status, fetched_at, rows_in, rows_loaded, rows_quarantined, message, feed_rows_loaded
from ranked_batches
where recency = 1
order by feed
