-- Quarantined rows, newest batch first, optionally for one feed and/or one batch.
select
    q.feed,
    q.batch_id,
    q.staging_table,
    q.source_row,
    q.column_name,
    q.check_name,
    q.offending_value,
    b.source
from meta.quarantine as q
left join meta.ingest_batches as b using (batch_id)
where (? is null or q.feed = ?)
  and (? is null or q.batch_id = ?)
order by b.finished_at desc nulls last, q.batch_id, q.source_row
