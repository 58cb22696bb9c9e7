-- Reasoning token multiplier of one run ($1), per task, the pooled "all" row first.
select
    task,
    n_reasoning_models,
    n_other_models,
    multiplier,
    ci90_low,
    ci90_high,
    reasoning_output_tokens_per_sample,
    other_output_tokens_per_sample
from forecast.token_multiplier
where run_id = $1
order by task = 'all' desc, task
