-- The earliest date anything in staging is known from (the rule of the staging.*_as_of macros).
with first_dates as (
    select min(observed_on) as first_on from staging.token_prices
    union all
    select min(observed_on) from staging.model_capabilities
    union all
    select min(period_end) from staging.chip_shipments
    union all
    select min(period_end) from staging.vendor_revenue
    union all
    select min(observed_on) from staging.demand_observations
)
select min(first_on) as earliest_observation
from first_dates
