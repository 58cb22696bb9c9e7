-- Which price listings does the plausibility check leave out of the price index, why, and how many tier-months would each have set?
-- columns: source, provider, model, model_id, rule, first_flagged_on, last_flagged_on, blended_usd_per_mtok, sibling_median_usd_per_mtok, sibling_median_to_price_ratio, tier_months_it_would_set, reason
select
    source,
    provider,
    model,
    model_id,
    rule,
    first_flagged_on,
    last_flagged_on,
    blended_usd_per_mtok,
    sibling_median_usd_per_mtok,
    sibling_median_to_price_ratio,
    tier_months_it_would_set,
    reason
from marts.flagged_price_listings
order by tier_months_it_would_set desc, rule, provider, model
