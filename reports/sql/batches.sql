-- Every batch that loaded, per feed and source: where and when the data was retrieved.
select feed, source, batch_id, fetched_at, finished_at, sha256, rows_loaded, rows_quarantined
from meta.ingest_batches
where status = 'loaded'
order by feed, source, fetched_at, batch_id
