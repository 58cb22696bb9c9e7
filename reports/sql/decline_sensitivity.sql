-- Decline-factor sensitivity of one run ($1): one row per capability tier and variant, with the tier's label.
select
    s.tier_id,
    coalesce(t.label, s.tier_id) as label,
    t.benchmark,
    t.threshold_score,
    s.variant,
    s.n,
    s.start_date,
    s.end_date,
    s.factor_per_year,
    s.ci90_low,
    s.ci90_high,
    s.note
from forecast.decline_sensitivity as s
left join marts.capability_tiers as t using (tier_id)
where s.run_id = $1
order by t.benchmark, t.threshold_score, s.tier_id, s.variant
