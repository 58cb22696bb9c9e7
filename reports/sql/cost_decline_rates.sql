-- Cost-per-task decline factors of one run ($1), one row per capability tier, with the tier's label.
select
    d.tier_id,
    coalesce(t.label, d.tier_id) as label,
    d.task,
    d.benchmark,
    d.threshold_model,
    d.threshold_score,
    d.n,
    d.start_date,
    d.end_date,
    d.factor_per_year,
    d.ci90_low,
    d.ci90_high,
    d.r_squared,
    d.per_token_factor_per_year,
    d.per_token_ci90_low,
    d.per_token_ci90_high,
    d.per_token_n,
    d.per_task_to_per_token_ratio,
    d.last_low,
    d.factor_without_last_low,
    d.note
from forecast.cost_decline_rates as d
left join marts.capability_tiers as t using (tier_id)
where d.run_id = $1
order by d.benchmark, d.threshold_score, d.tier_id
