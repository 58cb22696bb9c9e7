-- Forecasts made by earlier successful runs (as of a date before this run's, $1) for periods up to
-- this run's as-of date: the forecasts whose outcome this run's data can show.
with this_run as (
    select as_of
    from forecast.runs
    where run_id = $1
),
earlier_runs as (
    select r.run_id, r.as_of
    from forecast.runs as r
    cross join this_run
    where r.status = 'success' and r.as_of < this_run.as_of
)
select
    e.run_id,
    e.as_of as forecast_as_of,
    v.target,
    v.series_id,
    v.model,
    v.ds,
    v.median,
    v.lo_80,
    v.hi_80,
    v.lo_95,
    v.hi_95,
    v.unit
from forecast.values as v
join earlier_runs as e using (run_id)
cross join this_run
where v.ds <= this_run.as_of
order by e.as_of, e.run_id, v.target, v.series_id, v.ds
