-- Which runs are on the cost-quality frontier of each task in the latest month, reasoning or not?
-- columns: task, month, frontier_rank, model, is_reasoning, score, cost_usd_per_sample
with latest_month as (
    select task, max(month) as month
    from marts.cost_quality_frontier
    group by task
)

select
    f.task,
    f.month,
    f.frontier_rank,
    f.model,
    f.is_reasoning,
    f.score,
    round(f.cost_usd_per_sample, 6) as cost_usd_per_sample
from marts.cost_quality_frontier as f
join latest_month using (task, month)
order by f.task, f.frontier_rank
