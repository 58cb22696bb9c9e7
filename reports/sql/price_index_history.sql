-- The price index per capability tier and month, with the tier's label.
select
    p.tier_id,
    coalesce(t.label, p.tier_id) as label,
    p.benchmark,
    p.threshold_model,
    p.threshold_score,
    p.month,
    p.cheapest_blended_usd_per_mtok,
    p.cheapest_model,
    p.qualifying_models
from marts.price_index as p
left join marts.capability_tiers as t using (tier_id)
order by p.benchmark, p.threshold_score, p.tier_id, p.month
