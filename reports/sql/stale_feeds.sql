-- Feed endpoints whose last fetch failed (the feed is stale), with the age of their last good data
-- at the time of the run ($1: the run's reference timestamp).
with last_good_batches as (
    select feed, max(fetched_at) as last_loaded_at
    from meta.ingest_batches
    where status = 'loaded'
    group by feed
)
select
    s.feed,
    s.url,
    s.last_attempt_at,
    s.last_success_at,
    s.last_error,
    g.last_loaded_at,
    round(date_diff('hour', coalesce(s.last_success_at, g.last_loaded_at), cast($1 as timestamp)) / 24.0, 1)
        as data_age_days
from meta.fetch_state as s
left join last_good_batches as g using (feed)
where s.last_status = 'failed'
order by s.feed, s.url
