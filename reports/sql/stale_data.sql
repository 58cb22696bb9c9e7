-- Feeds whose newest observation is older than their freshness threshold at the run's as-of date ($1).
select feed, family, data_through, age_days, max_age_days
from marts.feed_freshness_as_of(cast($1 as date))
where stale
order by feed, family
