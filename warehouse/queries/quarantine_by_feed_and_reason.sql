-- Which rows did validation hold back, per feed, table and reason, and in how many batches?
-- columns: feed, staging_table, check_name, column_name, quarantined_checks, rows, batches, example_value
select
    feed,
    staging_table,
    check_name,
    coalesce(column_name, '(row)') as column_name,
    count(*) as quarantined_checks,
    count(distinct (batch_id, source_row)) as rows,
    count(distinct batch_id) as batches,
    min(offending_value) as example_value
from meta.quarantine
group by all
order by feed, quarantined_checks desc, check_name
