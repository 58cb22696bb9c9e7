-- The published table reproduced on its own inputs, for one run ($1): one row per published tier,
-- with the published figure and infercast's own frontier-lows estimate on all sources.
select
    r.tier_id,
    coalesce(t.label, r.tier_id) as label,
    r.n,
    r.start_date,
    r.end_date,
    r.factor_per_year,
    r.ci90_low,
    r.ci90_high,
    r.published_n,
    r.published_end_date,
    r.published_factor_per_year,
    r.published_ci90_low,
    r.published_ci90_high,
    r.ratio_to_published,
    r.within_1_5x,
    r.infercast_n,
    r.infercast_factor_per_year,
    r.infercast_to_published,
    r.explanation
from forecast.published_reproduction as r
left join marts.capability_tiers as t using (tier_id)
where r.run_id = $1
order by r.benchmark, r.threshold_score, r.tier_id
