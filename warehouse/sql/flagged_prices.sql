-- Per plausibility rule: how many listings it flags, how many tier-months of the price index
-- they would have set had they been kept, and the listings that would set the most.
with effect_by_listing as (
    select flagged_provider as provider, flagged_model as model, count(*) as tier_months
    from marts.flagged_price_effect
    group by all
),
ranked as (
    select
        f.rule,
        f.provider || ' ' || f.model || ' $' || round(f.blended_usd_per_mtok, 4) || '/1M'
        || coalesce(' (' || round(f.sibling_median_to_price_ratio, 1) || 'x below siblings)', '') as example,
        coalesce(e.tier_months, 0) as tier_months,
        row_number() over (partition by f.rule order by coalesce(e.tier_months, 0) desc, f.model) as rank
    from marts.flagged_price_listings as f
    left join effect_by_listing as e on e.provider = f.provider and e.model = f.model
)
select
    rule,
    count(*) as listings,
    (
        select count(*) from marts.flagged_price_effect as x
        where list_contains(string_split(x.flagged_rules, ','), ranked.rule)
    ) as tier_months,
    string_agg(example, '; ' order by rank) filter (where rank <= 3) as examples
from ranked
group by rule
order by rule
