-- Which is the cheapest model reaching GPQA Diamond >= 50%, and what does one question cost it, by month?
-- columns: month, model, score, cost_usd_per_sample, input_tokens_per_sample, output_tokens_per_sample, price_choice, price_provider, price_observed_on, qualifying_runs
with qualifying as (
    select *
    from marts.cost_per_task
    where task = 'GPQA Diamond' and score >= 50
),

ranked as (
    select
        *,
        row_number() over (partition by month order by cost_usd_per_sample, model) as cost_rank,
        count(*) over (partition by month) as qualifying_runs
    from qualifying
)

select
    month,
    model,
    score,
    round(cost_usd_per_sample, 6) as cost_usd_per_sample,
    round(input_tokens_per_sample) as input_tokens_per_sample,
    round(output_tokens_per_sample) as output_tokens_per_sample,
    price_choice,
    price_provider,
    price_observed_on,
    qualifying_runs
from ranked
where cost_rank = 1
order by month
