-- What is the latest forecast of the cheapest price of GPT-4-level (MMLU) capability, with 80% and 95% intervals?
-- columns: ds, median, lo_80, hi_80, lo_95, hi_95, unit, model, as_of
select
    ds,
    round(median, 4) as median,
    round(lo_80, 4) as lo_80,
    round(hi_80, 4) as hi_80,
    round(lo_95, 4) as lo_95,
    round(hi_95, 4) as hi_95,
    unit,
    model,
    as_of
from marts.latest_forecast
where target = 'price_index' and series_id = 'mmlu_gpt4_0314'
order by ds
