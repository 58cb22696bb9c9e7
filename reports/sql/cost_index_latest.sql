-- The latest month of the cost-per-task index: per tier, the cheapest qualifying run and its cost.
with last_month as (
    select tier_id, max(month) as month from marts.cost_per_task_index group by tier_id
)
select i.tier_id, coalesce(t.label, i.tier_id) as label, i.month, i.cheapest_model, i.cheapest_cost_usd_per_sample, i.qualifying_runs,
    c.price_choice, c.price_source, c.price_provider, c.price_model, c.price_observed_on
from marts.cost_per_task_index as i
join last_month using (tier_id, month)
left join marts.capability_tiers as t using (tier_id)
left join marts.cost_per_task as c on c.model = i.cheapest_model and c.task = i.task and c.month = i.month
order by i.tier_id
