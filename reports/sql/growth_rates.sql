-- Growth factors of one run ($1) for one target ($2), one row per series.
select
    series_id,
    factor_per_year,
    ci90_low,
    ci90_high,
    n,
    start_date,
    end_date,
    r_squared,
    method,
    anchor_factor_per_year,
    note
from forecast.growth_rates
where run_id = $1 and target = $2
order by series_id = 'all' desc, series_id
