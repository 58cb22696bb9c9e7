-- How fast is each capability tier (e.g. GPT-4-level MMLU) getting cheaper, by method, with a 90% CI?
-- columns: tier_id, tier_label, method, factor_per_year, ci90_low, ci90_high, n, start_date, end_date, as_of
select
    tier_id,
    tier_label,
    method,
    round(factor_per_year, 2) as factor_per_year,
    round(ci90_low, 2) as ci90_low,
    round(ci90_high, 2) as ci90_high,
    n,
    start_date,
    end_date,
    as_of
from marts.latest_decline_rates
order by benchmark, threshold_score, method
