-- Per feed (from the marts.feed_status view): last good batch, rows loaded and quarantined,
-- the top quarantine reasons, data through and its age, stale or not and why.
with reason_counts as (
    select
        feed,
        check_name || ' on ' || coalesce(column_name, 'row') || ': ' || count(*) as reason,
        row_number() over (partition by feed order by count(*) desc, check_name) as rank
    from meta.quarantine
    group by feed, check_name, column_name
),
top_reasons as (
    select feed, string_agg(reason, '; ' order by rank) as reasons
    from reason_counts
    where rank <= 3
    group by feed
)
select
    s.feed,
    s.last_good_batch,
    strftime(s.last_good_at, '%Y-%m-%d %H:%M') as last_good_at,
    s.rows_loaded,
    s.rows_quarantined,
    s.failed_batches,
    coalesce(r.reasons, '') as top_quarantine_reasons,
    s.data_through,
    s.data_age_days,
    s.max_age_days,
    s.stale,
    s.stale_reason,
    s.stale_days,
    coalesce(s.fetch_error, '') as fetch_error
from marts.feed_status as s
left join top_reasons as r on r.feed = s.feed
order by s.feed
