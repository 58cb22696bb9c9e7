-- Decline factors of one run ($1): one row per capability tier and method, with the tier's label.
select
    d.tier_id,
    coalesce(t.label, d.tier_id) as label,
    d.benchmark,
    d.threshold_model,
    d.threshold_score,
    d.method,
    d.n,
    d.start_date,
    d.end_date,
    d.factor_per_year,
    d.ci90_low,
    d.ci90_high,
    d.r_squared
from forecast.decline_rates as d
left join marts.capability_tiers as t using (tier_id)
where d.run_id = $1
order by d.benchmark, d.threshold_score, d.tier_id, d.method
