-- "Latest" is the run with the greatest as-of date among successful forecast runs (ties: the one
-- that finished last). By finish time alone a backdated run (`forecast --as-of` a past date, a
-- hindcast) would become the latest, and a reused run would keep its old finish time.

create or replace view forecast.latest_successful_run as
select run_id, as_of
from forecast.runs
where status = 'success'
order by as_of desc, finished_at desc nulls last, run_id desc
limit 1;
comment on view forecast.latest_successful_run is 'One row (none without a successful run): the latest successful forecast run, the one with the greatest as_of date (ties: finished last). Every latest_* view, `infercast status` and the report default use it.';
comment on column forecast.latest_successful_run.run_id is 'Forecast run id (forecast.runs.run_id).';
comment on column forecast.latest_successful_run.as_of is 'The run''s as-of date: it used only what was known on this day.';

create or replace view marts.latest_forecast as
select r.run_id, r.as_of, v.* exclude (run_id)
from forecast.values as v
join forecast.latest_successful_run as r using (run_id);
comment on view marts.latest_forecast is 'One row per target per series per future period of the latest successful forecast run (greatest as_of; with its as_of date): point forecast (median) and 80%/95% prediction intervals, in the unit column (usd_per_mtok, h100e, tokens_per_day, usd, share).';

create or replace view marts.latest_decline_rates as
select
    r.run_id,
    r.as_of,
    d.tier_id,
    t.label as tier_label,
    d.benchmark,
    d.threshold_model,
    d.threshold_score,
    d.method,
    d.factor_per_year,
    d.ci90_low,
    d.ci90_high,
    d.n,
    d.start_date,
    d.end_date,
    d.r_squared
from forecast.decline_rates as d
join forecast.latest_successful_run as r using (run_id)
left join marts.capability_tiers as t using (tier_id);
comment on view marts.latest_decline_rates is 'One row per capability tier per method of the latest successful forecast run (greatest as_of): price decline factor per year (the price divides by it each year, unitless) with its 90% CI, sample size and period.';

-- Column comments (the point-forecast column is left to the migration that names it).
comment on column marts.latest_forecast.run_id is 'Forecast run id: the latest successful run (forecast.latest_successful_run).';
comment on column marts.latest_forecast.as_of is 'The run''s as-of date: it used only what was known on this day.';
comment on column marts.latest_forecast.target is 'What is forecast (the target of the run).';
comment on column marts.latest_forecast.series_id is 'The series within the target.';
comment on column marts.latest_forecast.model is 'The forecasting model that produced the row.';
comment on column marts.latest_forecast.ds is 'The future period the row forecasts (period start date).';
comment on column marts.latest_forecast.lo_80 is 'Lower bound of the 80% prediction interval, in unit.';
comment on column marts.latest_forecast.hi_80 is 'Upper bound of the 80% prediction interval, in unit.';
comment on column marts.latest_forecast.lo_95 is 'Lower bound of the 95% prediction interval, in unit.';
comment on column marts.latest_forecast.hi_95 is 'Upper bound of the 95% prediction interval, in unit.';
comment on column marts.latest_forecast.unit is 'Unit of the forecast values: usd_per_mtok, h100e, tokens_per_day, usd or share.';
comment on column marts.latest_decline_rates.run_id is 'Forecast run id: the latest successful run (forecast.latest_successful_run).';
comment on column marts.latest_decline_rates.as_of is 'The run''s as-of date: it used only what was known on this day.';
comment on column marts.latest_decline_rates.tier_id is 'Capability tier id (marts.capability_tiers).';
comment on column marts.latest_decline_rates.tier_label is 'The tier''s label.';
comment on column marts.latest_decline_rates.benchmark is 'Benchmark that defines the tier.';
comment on column marts.latest_decline_rates.threshold_model is 'Reference model whose earliest score sets the threshold (null when the score is given).';
comment on column marts.latest_decline_rates.threshold_score is 'Benchmark score a model needs to qualify for the tier (percent).';
comment on column marts.latest_decline_rates.method is 'Estimation method: frontier_lows_ols or monthly_index_loglinear_ols_hac.';
comment on column marts.latest_decline_rates.factor_per_year is 'Price decline factor per year: the price divides by it each year (unitless).';
comment on column marts.latest_decline_rates.ci90_low is 'Lower bound of the 90% CI of factor_per_year.';
comment on column marts.latest_decline_rates.ci90_high is 'Upper bound of the 90% CI of factor_per_year.';
comment on column marts.latest_decline_rates.n is 'Number of observations the fit used.';
comment on column marts.latest_decline_rates.start_date is 'First observation date of the fit.';
comment on column marts.latest_decline_rates.end_date is 'Last observation date of the fit.';
comment on column marts.latest_decline_rates.r_squared is 'R squared of the log-linear fit (unitless, 0..1).';
