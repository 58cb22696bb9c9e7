-- Per feed: last good batch, rows loaded and quarantined, top quarantine reasons, stale or not.
with good_batches as (
    select
        feed,
        batch_id,
        fetched_at,
        row_number() over (partition by feed order by fetched_at desc, batch_id desc) as recency
    from meta.ingest_batches
    where status = 'loaded'
),
batch_totals as (
    select
        feed,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        count(*) filter (where status = 'failed') as failed_batches
    from meta.ingest_batches
    group by feed
),
reason_counts as (
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
),
fetch_health as (
    select
        feed,
        bool_or(last_status = 'failed') as stale,
        max(last_success_at) as last_fetch_success_at,
        string_agg(last_error, '; ') filter (where last_status = 'failed') as fetch_error
    from meta.fetch_state
    group by feed
)
select
    t.feed,
    g.batch_id as last_good_batch,
    strftime(g.fetched_at, '%Y-%m-%d %H:%M') as last_good_at,
    t.rows_loaded,
    t.rows_quarantined,
    t.failed_batches,
    coalesce(r.reasons, '') as top_quarantine_reasons,
    coalesce(h.stale, false) as stale,
    case
        when h.stale then round(date_diff('hour', coalesce(h.last_fetch_success_at, g.fetched_at), cast(now() at time zone 'UTC' as timestamp)) / 24.0, 1)
    end as stale_days,
    coalesce(h.fetch_error, '') as fetch_error
from batch_totals as t
left join good_batches as g on g.feed = t.feed and g.recency = 1
left join top_reasons as r on r.feed = t.feed
left join fetch_health as h on h.feed = t.feed
order by t.feed
