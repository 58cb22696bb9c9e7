-- Do reasoning models cost more per token: what is the median latest first-party price of reasoning, non-reasoning and unflagged models priced since 2025 (not quality-adjusted)?
-- columns: reasoning_flag, n_models, median_blended_usd_per_mtok, median_output_usd_per_mtok
with first_party_prices as (
    select model_id, is_reasoning, observed_on, blended_usd_per_mtok, output_usd_per_mtok
    from marts.model_price_history
    where listing_party = 'first-party' and blended_usd_per_mtok is not null and observed_on >= date '2025-01-01'
),
latest_per_model as (
    select *
    from first_party_prices
    qualify row_number() over (partition by model_id order by observed_on desc, blended_usd_per_mtok) = 1
)
select
    case when is_reasoning then 'reasoning' when not is_reasoning then 'non-reasoning' else 'unknown' end
        as reasoning_flag,
    count(*) as n_models,
    round(median(blended_usd_per_mtok), 3) as median_blended_usd_per_mtok,
    round(median(output_usd_per_mtok), 3) as median_output_usd_per_mtok
from latest_per_model
group by reasoning_flag
order by reasoning_flag
