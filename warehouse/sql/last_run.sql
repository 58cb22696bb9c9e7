-- The most recent forecast run, whatever its status.
select run_id, as_of, started_at, finished_at, status, message
from forecast.runs
order by started_at desc, run_id desc
limit 1
