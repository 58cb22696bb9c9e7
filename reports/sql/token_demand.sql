-- Reported token volumes (tokens per day), one row per report.
select observation_id, company, product, observed_on, tokens_per_day, source_type, confidence
from marts.token_demand
order by company, observed_on, product
