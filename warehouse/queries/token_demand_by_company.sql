-- How many tokens per day does each company report processing, per product: first and latest report, and growth between them?
-- columns: company, product, reports, first_reported_on, first_tokens_per_day, latest_reported_on, latest_tokens_per_day, growth_factor
with reports_per_product as (
    select
        company,
        product,
        count(*) as reports,
        min(observed_on) as first_reported_on,
        arg_min(tokens_per_day, observed_on) as first_tokens_per_day,
        max(observed_on) as latest_reported_on,
        arg_max(tokens_per_day, observed_on) as latest_tokens_per_day
    from marts.token_demand
    group by company, product
)
select
    company,
    product,
    reports,
    first_reported_on,
    first_tokens_per_day,
    latest_reported_on,
    latest_tokens_per_day,
    round(latest_tokens_per_day / nullif(first_tokens_per_day, 0), 1) as growth_factor
from reports_per_product
order by latest_tokens_per_day desc
