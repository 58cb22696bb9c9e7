-- For each feed and source, the latest batch that loaded: the data a run is built on.
with loaded_batches as (
    select
        feed,
        source,
        batch_id,
        fetched_at,
        sha256,
        rows_loaded,
        row_number() over (partition by feed, source order by fetched_at desc, batch_id desc) as recency
    from meta.ingest_batches
    where status = 'loaded'
)
select feed, source, batch_id, strftime(fetched_at, '%Y-%m-%d %H:%M:%S') as fetched_at, sha256, rows_loaded
from loaded_batches
where recency = 1
order by feed, source
