-- Price listings the plausibility check flags, with how many tier-months of the price index
-- each would set if it were kept (marts.flagged_price_effect).
with effect as (
    select flagged_provider as provider, flagged_model as model, count(*) as tier_months
    from marts.flagged_price_effect
    group by all
)
select
    f.source,
    f.provider,
    f.model,
    f.model_id,
    f.rule,
    f.first_flagged_on,
    f.last_flagged_on,
    f.blended_usd_per_mtok,
    f.sibling_median_usd_per_mtok,
    f.siblings,
    f.sibling_median_to_price_ratio,
    f.reason,
    coalesce(e.tier_months, 0) as tier_months
from marts.flagged_price_listings as f
left join effect as e on e.provider = f.provider and e.model = f.model
order by tier_months desc, f.rule, f.provider, f.model
