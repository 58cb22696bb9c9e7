-- What has GPT-4o cost over time, at each provider and in each source?
-- columns: observed_on, source, provider, model, input_usd_per_mtok, output_usd_per_mtok, blended_usd_per_mtok
select
    observed_on,
    source,
    provider,
    model,
    input_usd_per_mtok,
    output_usd_per_mtok,
    blended_usd_per_mtok
from marts.model_price_history
where model_id = 'gpt-4o'
order by observed_on, source, provider, model
