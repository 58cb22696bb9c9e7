-- Demand scenarios of one run ($1), bear, base, bull, by year.
select
    scenario,
    year,
    tokens_per_day,
    reasoning_share,
    token_mix_multiplier,
    inference_flop_per_s,
    installed_h100e,
    inference_capacity_flop_per_s,
    implied_utilization,
    capacity_consistent,
    consistency_note
from forecast.demand_scenarios
where run_id = $1
order by case scenario when 'bear' then 0 when 'base' then 1 when 'bull' then 2 else 3 end, scenario, year
