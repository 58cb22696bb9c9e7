-- Price index listings, the frontier price series, backtests, fallbacks and the decline sensitivity table.
alter table marts.price_index add column cheapest_provider varchar;

create table marts.frontier_price (
    benchmark varchar not null,
    month date not null,
    model_id varchar not null,
    model varchar not null,
    provider varchar not null,
    score double not null,
    blended_usd_per_mtok double not null,
    price_observed_on date not null,
    primary key (benchmark, month)
);
comment on table marts.frontier_price is 'One row per benchmark per month: the highest-scoring model with a current price listing and its cheapest blended (3:1) price in USD per 1M tokens.';

create table forecast.backtests (
    run_id varchar not null,
    target varchar not null,
    series_id varchar not null,
    model varchar not null,
    horizon integer not null,
    mase double,
    mase_vs_drift double,
    coverage_80 double,
    coverage_95 double,
    winkler double,
    n_windows integer not null,
    is_champion boolean not null,
    champion_reason varchar,
    primary key (run_id, target, series_id, model)
);
comment on table forecast.backtests is 'One row per run per target per series per candidate model: rolling-origin backtest metrics (MASE vs naive and vs drift on log values, 80%/95% interval coverage, 95% Winkler score in log units) and whether it was chosen champion, with the reason.';

create table forecast.fallbacks (
    run_id varchar not null,
    target varchar not null,
    series_id varchar not null,
    origin date,
    model varchar not null,
    fallback_from varchar not null,
    reason varchar not null
);
comment on table forecast.fallbacks is 'One row per model that failed to fit and was replaced (in a backtest window, or on the full history when origin is null): which model was used instead and why.';

create table forecast.decline_sensitivity (
    run_id varchar not null,
    tier_id varchar not null,
    variant varchar not null,
    n bigint,
    start_date date,
    end_date date,
    factor_per_year double,
    ci90_low double,
    ci90_high double,
    note varchar,
    primary key (run_id, tier_id, variant)
);
comment on table forecast.decline_sensitivity is 'One row per run per capability tier per variant (blend 3:1 or 1:1; with or without reasoning models; first-party or third-party prices): price decline factor per year by the frontier-lows method with 90% CI; null factor with a note when too few observations.';
