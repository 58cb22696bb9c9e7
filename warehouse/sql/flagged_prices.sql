-- Per plausibility rule: how many listings it flags, how many tier-months of the price index
-- they would have set had they been kept, and the listings that would set the most.
with ranked as (
    select
        rule,
        provider || ' ' || model || ' $' || round(blended_usd_per_mtok, 4) || '/1M'
        || coalesce(' (median of ' || siblings || ' other listings: ' || round(sibling_median_to_price_ratio, 1)
            || 'x this price)', '') as example,
        row_number() over (partition by rule order by tier_months_it_would_set desc, model) as rank
    from marts.flagged_price_listings
),
months_by_rule as (
    select r.rule, count(*) as tier_months
    from marts.flagged_price_effect as e, unnest(string_split(e.flagged_rules, ',')) as r(rule)
    group by r.rule
)
select
    ranked.rule,
    count(*) as listings,
    coalesce(any_value(m.tier_months), 0) as tier_months,
    string_agg(example, '; ' order by rank) filter (where rank <= 3) as examples
from ranked
left join months_by_rule as m on m.rule = ranked.rule
group by ranked.rule
order by ranked.rule
