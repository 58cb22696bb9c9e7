-- Per feed: batches, rows loaded and quarantined, failed batches, and the most frequent failed checks.
with batch_totals as (
    select
        feed,
        count(*) as batches,
        sum(rows_in) as rows_in,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        count(*) filter (where status = 'failed') as failed_batches
    from meta.ingest_batches
    group by feed
),
check_counts as (
    select
        feed,
        check_name || ' on ' || coalesce(column_name, 'row') || ' (' || count(*) || ')' as failed_check,
        row_number() over (partition by feed order by count(*) desc, check_name, column_name) as rank
    from meta.quarantine
    group by feed, check_name, column_name
),
top_checks as (
    select feed, string_agg(failed_check, '; ' order by rank) as top_failed_checks
    from check_counts
    where rank <= 3
    group by feed
)
select t.*, coalesce(c.top_failed_checks, '') as top_failed_checks
from batch_totals as t
left join top_checks as c using (feed)
order by t.feed
