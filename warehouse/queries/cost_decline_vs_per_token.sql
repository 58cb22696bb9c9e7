-- How fast does the cost of a question at constant quality fall, next to the price of a token (latest run)?
-- columns: tier_id, task, threshold_model, threshold_score, factor_per_year, ci90_low, ci90_high, n, per_token_factor_per_year, per_token_n, per_task_to_per_token_ratio, note, run_id
with latest_run as (
    select run_id
    from forecast.runs
    where status = 'success'
    order by as_of desc, finished_at desc
    limit 1
)

select
    d.tier_id,
    d.task,
    d.threshold_model,
    d.threshold_score,
    round(d.factor_per_year, 2) as factor_per_year,
    round(d.ci90_low, 2) as ci90_low,
    round(d.ci90_high, 2) as ci90_high,
    d.n,
    round(d.per_token_factor_per_year, 2) as per_token_factor_per_year,
    d.per_token_n,
    round(d.per_task_to_per_token_ratio, 2) as per_task_to_per_token_ratio,
    d.note,
    d.run_id
from forecast.cost_decline_rates as d
join latest_run using (run_id)
order by d.benchmark, d.threshold_score
