-- The most recent forecast run that finished successfully.
select run_id
from forecast.runs
where status = 'success'
order by finished_at desc, run_id desc
limit 1
