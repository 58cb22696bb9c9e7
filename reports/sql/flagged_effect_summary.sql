-- The effect of leaving flagged listings out of the price index: tier-months in the published
-- index, how many a flagged listing would set, and in how many tiers.
select
    (select count(*) from marts.price_index) as index_tier_months,
    count(*) as tier_months_set_by_flagged,
    count(distinct tier_id) as tiers_affected,
    min(month) as first_month,
    max(month) as last_month,
    median(cheapest_blended_usd_per_mtok / with_flagged_usd_per_mtok) as median_published_to_flagged_ratio
from marts.flagged_price_effect
