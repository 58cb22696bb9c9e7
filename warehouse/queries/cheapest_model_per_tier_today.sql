-- Which model is the cheapest at each capability tier in the latest month, and at what price?
-- columns: tier_id, tier_label, month, cheapest_model, cheapest_model_id, cheapest_developer, cheapest_provider, cheapest_blended_usd_per_mtok, price_observed_on, qualifying_models
with latest_month_per_tier as (
    select tier_id, max(month) as month
    from marts.cheapest_per_tier
    group by tier_id
)
select
    c.tier_id,
    c.tier_label,
    c.month,
    c.cheapest_model,
    c.cheapest_model_id,
    c.cheapest_developer,
    c.cheapest_provider,
    c.cheapest_blended_usd_per_mtok,
    c.price_observed_on,
    c.qualifying_models
from marts.cheapest_per_tier as c
join latest_month_per_tier as l using (tier_id, month)
order by c.benchmark, c.threshold_score
