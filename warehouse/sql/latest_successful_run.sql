-- The latest successful forecast run: the greatest as-of date (see migration 014).
select run_id
from forecast.latest_successful_run
