-- Per data family at a date ($1): the newest observation over all feeds, its age in days,
-- which feeds are stale by their threshold, and which feed holds the newest data.
select
    family,
    max(data_through) as data_through,
    date_diff('day', max(data_through), cast($1 as date)) as age_days,
    arg_max(feed, data_through) as newest_feed,
    coalesce(string_agg(feed, ', ' order by feed) filter (where stale), '') as stale_feeds
from marts.feed_freshness_as_of(cast($1 as date))
group by family
order by family
