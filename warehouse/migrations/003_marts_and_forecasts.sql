-- Analyst-facing price index and the forecast tables.
create table marts.price_index (
    tier_id varchar not null,
    benchmark varchar not null,
    threshold_model varchar,
    threshold_score double not null,
    month date not null,
    cheapest_blended_usd_per_mtok double not null,
    cheapest_model varchar not null,
    price_observed_on date not null,
    qualifying_models bigint not null,
    primary key (tier_id, month)
);
comment on table marts.price_index is 'One row per capability tier per month: the cheapest blended (3:1) price in USD per 1M tokens among models scoring at or above the tier threshold, as known at month end.';

create table forecast.runs (
    run_id varchar primary key,
    as_of date not null,
    started_at timestamp not null,
    finished_at timestamp,
    data_vintage json not null,
    status varchar not null,
    message varchar
);
comment on table forecast.runs is 'One row per forecast run: as-of date, the data vintage per feed it used, and its status.';

create table forecast.values (
    run_id varchar not null,
    target varchar not null,
    series_id varchar not null,
    model varchar not null,
    ds date not null,
    mean double not null,
    lo_80 double not null,
    hi_80 double not null,
    lo_95 double not null,
    hi_95 double not null,
    unit varchar not null,
    primary key (run_id, target, series_id, ds)
);
comment on table forecast.values is 'One row per run per target per series per future period: point forecast (median on the original scale) and 80%/95% prediction intervals, in the unit column.';

create table forecast.decline_rates (
    run_id varchar not null,
    tier_id varchar not null,
    benchmark varchar not null,
    threshold_model varchar,
    threshold_score double not null,
    n bigint not null,
    start_date date not null,
    end_date date not null,
    factor_per_year double not null,
    ci90_low double not null,
    ci90_high double not null,
    r_squared double not null,
    method varchar not null,
    primary key (run_id, tier_id, method)
);
comment on table forecast.decline_rates is 'One row per run per capability tier per method: price decline factor per year (price divides by this each year) with its 90% CI.';

create table marts.capability_tiers (
    tier_id varchar primary key,
    benchmark varchar not null,
    threshold_model varchar,
    threshold_score double not null,
    label varchar not null
);
comment on table marts.capability_tiers is 'One row per capability tier: benchmark and threshold score (set directly or by the reference model''s earliest score).';
