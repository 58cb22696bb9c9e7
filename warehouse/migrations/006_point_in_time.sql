-- Point-in-time views of staging: what was known on a date (table macros taking the as-of date).
-- An observation counts from its own date (a price from the day it was observed, a live
-- vintage from its fetch date, a shipment estimate from the end of its quarter). Chip and
-- revenue estimates are revised by their sources; the latest vintage is used for past
-- quarters, so as-of runs on those are pseudo-real-time (documented in the README).
create macro staging.token_prices_as_of(as_of_date) as table
    select * from staging.token_prices where observed_on <= as_of_date;

create macro staging.model_capabilities_as_of(as_of_date) as table
    select * from staging.model_capabilities where observed_on <= as_of_date;

create macro staging.models_as_of(as_of_date) as table
    select m.*
    from staging.models as m
    join meta.ingest_batches as b using (batch_id)
    where coalesce(m.released_on, cast(b.fetched_at as date)) <= as_of_date;

create macro staging.chip_shipments_as_of(as_of_date) as table
    select * from staging.chip_shipments where period_end <= as_of_date;

create macro staging.vendor_revenue_as_of(as_of_date) as table
    select * from staging.vendor_revenue where period_end <= as_of_date;

create macro staging.demand_observations_as_of(as_of_date) as table
    select * from staging.demand_observations where observed_on <= as_of_date;

create macro staging.hardware_specs_as_of(as_of_date) as table
    select * from staging.hardware_specs where released_on is null or released_on <= as_of_date;

create macro staging.gpu_prices_as_of(as_of_date) as table
    select * from staging.gpu_prices where year <= year(as_of_date);
