-- Batches that failed to load (rejected payloads), newest first.
select feed, source, batch_id, fetched_at, rows_in, rows_quarantined, message
from meta.ingest_batches
where status = 'failed'
order by fetched_at desc, batch_id
