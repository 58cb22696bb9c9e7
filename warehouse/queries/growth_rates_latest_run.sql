-- How fast are installed compute, token demand and NVIDIA data-center revenue growing per year, with a 90% CI?
-- columns: target, series_id, factor_per_year, ci90_low, ci90_high, anchor_factor_per_year, n, start_date, end_date, note
with latest_successful_run as (
    select run_id
    from forecast.latest_successful_run  -- greatest as-of date among successful runs
)
select
    g.target,
    g.series_id,
    round(g.factor_per_year, 2) as factor_per_year,
    round(g.ci90_low, 2) as ci90_low,
    round(g.ci90_high, 2) as ci90_high,
    g.anchor_factor_per_year,
    g.n,
    g.start_date,
    g.end_date,
    g.note
from forecast.growth_rates as g
join latest_successful_run using (run_id)
order by g.target, g.series_id
