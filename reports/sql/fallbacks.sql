-- Model fallbacks of one run ($1): failed fits and what replaced them.
select target, series_id, origin, model, fallback_from, reason
from forecast.fallbacks
where run_id = $1
order by target, series_id, origin nulls first, fallback_from
