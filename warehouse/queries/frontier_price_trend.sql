-- What does the best-scoring available model cost each month, per benchmark?
-- columns: benchmark, month, model_id, provider, score, blended_usd_per_mtok, change_vs_year_before
with frontier_with_last_year as (
    select
        *,
        lag(blended_usd_per_mtok, 12) over (partition by benchmark order by month) as blended_year_before
    from marts.frontier_price
)
select
    benchmark,
    month,
    model_id,
    provider,
    score,
    blended_usd_per_mtok,
    round(blended_usd_per_mtok / blended_year_before, 3) as change_vs_year_before
from frontier_with_last_year
order by benchmark, month
