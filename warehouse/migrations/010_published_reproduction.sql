-- The published decline table (Epoch AI, 2025-03) reproduced on its own inputs, next to
-- infercast's own frontier-lows estimate (forecasts.published_reproduction).
create table if not exists forecast.published_reproduction (
    run_id varchar not null,
    tier_id varchar not null,
    benchmark varchar,
    threshold_score double,
    n bigint,
    start_date date,
    end_date date,
    factor_per_year double,
    ci90_low double,
    ci90_high double,
    r_squared double,
    published_n bigint,
    published_end_date date,
    published_factor_per_year double,
    published_ci90_low double,
    published_ci90_high double,
    ratio_to_published double,
    within_1_5x boolean,
    infercast_n bigint,
    infercast_factor_per_year double,
    infercast_to_published double,
    explanation varchar,
    method varchar,
    primary key (run_id, tier_id)
);

comment on table forecast.published_reproduction is 'One row per forecast run per published capability tier: the frontier-lows decline factor per year on the published method''s own inputs (Epoch AI price-vs-benchmark points, 3:1 blend, reasoning models out) next to the published figure (Epoch AI 2025-03, CC BY 4.0) and infercast''s own estimate on all sources, with why the latter differs by more than 2x.';
comment on column forecast.published_reproduction.run_id is 'Forecast run (forecast.runs.run_id).';
comment on column forecast.published_reproduction.tier_id is 'Capability tier (marts.capability_tiers.tier_id) of the published table.';
comment on column forecast.published_reproduction.benchmark is 'Benchmark id of the tier.';
comment on column forecast.published_reproduction.threshold_score is 'Threshold score of the tier: the lower bound of the published performance_range (percent; Chatbot Arena in Elo).';
comment on column forecast.published_reproduction.n is 'Number of frontier lows (published points that set a new price low) in the reproduction fit.';
comment on column forecast.published_reproduction.start_date is 'Release date of the first low in the reproduction fit.';
comment on column forecast.published_reproduction.end_date is 'Release date of the last low in the reproduction fit.';
comment on column forecast.published_reproduction.factor_per_year is 'Reproduced decline factor per year (price divides by it each year; exp(-OLS slope of ln USD per 1M tokens on years)).';
comment on column forecast.published_reproduction.ci90_low is 'Lower bound of the 90% CI of the reproduced factor per year (classical OLS, Student t on n-2 df).';
comment on column forecast.published_reproduction.ci90_high is 'Upper bound of the 90% CI of the reproduced factor per year.';
comment on column forecast.published_reproduction.r_squared is 'R squared of the reproduction fit (0..1).';
comment on column forecast.published_reproduction.published_n is 'Sample size of the published fit.';
comment on column forecast.published_reproduction.published_end_date is 'End of the published fit window (date of its last low).';
comment on column forecast.published_reproduction.published_factor_per_year is 'Published decline factor per year (Epoch AI 2025-03).';
comment on column forecast.published_reproduction.published_ci90_low is 'Lower bound of the published 90% CI of the factor per year.';
comment on column forecast.published_reproduction.published_ci90_high is 'Upper bound of the published 90% CI of the factor per year.';
comment on column forecast.published_reproduction.ratio_to_published is 'Reproduced factor divided by the published factor (1 = identical).';
comment on column forecast.published_reproduction.within_1_5x is 'True when the reproduced factor is within a factor 1.5 of the published one (ratio in 1/1.5..1.5).';
comment on column forecast.published_reproduction.infercast_n is 'Number of frontier lows in infercast''s own fit on all price sources (method frontier_lows_ols).';
comment on column forecast.published_reproduction.infercast_factor_per_year is 'Infercast''s own frontier-lows decline factor per year on all price sources.';
comment on column forecast.published_reproduction.infercast_to_published is 'Infercast''s own factor divided by the published factor.';
comment on column forecast.published_reproduction.explanation is 'Why infercast''s own factor differs from the published one by more than 2x, computed from the lows (extra sources, later price cuts, lowest price); null within 2x.';
comment on column forecast.published_reproduction.method is 'Method id of the reproduction: epoch_published_inputs.';
