-- Proper scores for champion selection (weighted interval score on logs), pooled family scores,
-- and the hindcast record: forecasts made as of past dates held against what was later observed.
alter table forecast.backtests add column wis double;
comment on column forecast.backtests.wis is 'Mean weighted interval score (median, 80% and 95% intervals; natural-log units; lower is better; a quantile approximation of the CRPS) over this series'' backtest windows at the leads the family is scored at.';

create table forecast.backtest_family (
    run_id varchar not null,
    target varchar not null,
    model varchar not null,
    lead integer not null,
    n_series integer not null,
    n_points integer not null,
    wis double,
    wis_vs_naive double,
    wis_vs_drift double,
    mean_log_error double,
    mean_abs_log_error double,
    mase double,
    coverage_80 double,
    coverage_95 double,
    is_champion boolean not null,
    champion_reason varchar,
    primary key (run_id, target, model, lead)
);
comment on table forecast.backtest_family is 'One row per run per target (forecast family) per candidate model per lead time (lead 0 = pooled over the scored leads): rolling-origin backtest scores pooled over the family''s series, the basis of champion selection.';
comment on column forecast.backtest_family.run_id is 'Forecast run (forecast.runs.run_id).';
comment on column forecast.backtest_family.target is 'Forecast family (forecast.values.target), e.g. price_index, installed_h100e.';
comment on column forecast.backtest_family.model is 'Candidate model alias.';
comment on column forecast.backtest_family.lead is 'Periods ahead of the backtest origin (months for monthly families, quarters for quarterly); 0 = pooled over the scored leads.';
comment on column forecast.backtest_family.n_series is 'Number of the family''s series with scored points.';
comment on column forecast.backtest_family.n_points is 'Number of scored (origin, series, lead) points.';
comment on column forecast.backtest_family.wis is 'Mean weighted interval score on natural logs (median, 80% and 95% intervals); lower is better; approximates the CRPS.';
comment on column forecast.backtest_family.wis_vs_naive is 'wis divided by the naive model''s wis on the same lead (below 1 beats naive); null when naive is not a candidate.';
comment on column forecast.backtest_family.wis_vs_drift is 'wis divided by the drift random walk''s wis on the same lead (below 1 beats drift); null when drift is not a candidate.';
comment on column forecast.backtest_family.mean_log_error is 'Mean of ln(forecast median / outcome): positive when forecasts were too high (log units, about a fraction for small values).';
comment on column forecast.backtest_family.mean_abs_log_error is 'Mean |ln(forecast median / outcome)| (log units).';
comment on column forecast.backtest_family.mase is 'Mean absolute error on logs scaled by the in-sample one-step naive error (reported, not used for selection).';
comment on column forecast.backtest_family.coverage_80 is 'Share of outcomes inside the 80% prediction interval (0..1).';
comment on column forecast.backtest_family.coverage_95 is 'Share of outcomes inside the 95% prediction interval (0..1).';
comment on column forecast.backtest_family.is_champion is 'Whether this model was chosen champion of the family in this run.';
comment on column forecast.backtest_family.champion_reason is 'On the champion''s rows: the selection rule''s reason (pooled score, leads, coverage filter).';

create table forecast.hindcast_runs (
    hindcast_id varchar not null,
    as_of date not null,
    forecast_run_id varchar,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    n_values integer not null,
    message varchar,
    primary key (hindcast_id, as_of)
);
comment on table forecast.hindcast_runs is 'One row per hindcast per as-of date: the forecast run made (in a scratch copy of the warehouse) from what was known on that date. These runs are never in forecast.runs, so they never become the latest forecast.';
comment on column forecast.hindcast_runs.hindcast_id is 'Hindcast identifier (hindcast-<UTC timestamp>), one per `infercast hindcast` invocation.';
comment on column forecast.hindcast_runs.as_of is 'The as-of date the forecast was made from (only data known by then).';
comment on column forecast.hindcast_runs.forecast_run_id is 'The run id the forecast stage gave that as-of forecast in the scratch copy (same rule as forecast.runs.run_id).';
comment on column forecast.hindcast_runs.started_at is 'UTC time this as-of forecast started.';
comment on column forecast.hindcast_runs.finished_at is 'UTC time this as-of forecast finished (null if it failed).';
comment on column forecast.hindcast_runs.status is 'success or failed.';
comment on column forecast.hindcast_runs.n_values is 'Number of forecast points (target, series, period) the as-of run produced.';
comment on column forecast.hindcast_runs.message is 'Why it failed, or the run''s notes.';

create table forecast.hindcast_points (
    hindcast_id varchar not null,
    as_of date not null,
    target varchar not null,
    series_id varchar not null,
    model varchar not null,
    method varchar not null,
    ds date not null,
    lead integer not null,
    median double not null,
    lo_80 double,
    hi_80 double,
    lo_95 double,
    hi_95 double,
    observed double not null,
    unit varchar,
    primary key (hindcast_id, as_of, target, series_id, method, ds)
);
comment on table forecast.hindcast_points is 'One row per hindcast per as-of date per target per series per method per forecast period that was later observed: what was forecast then and what happened (the current marts).';
comment on column forecast.hindcast_points.hindcast_id is 'Hindcast identifier (forecast.hindcast_runs).';
comment on column forecast.hindcast_points.as_of is 'The as-of date the forecast was made from.';
comment on column forecast.hindcast_points.target is 'Forecast family (forecast.values.target).';
comment on column forecast.hindcast_points.series_id is 'Series within the family (tier, benchmark, vendor, company...).';
comment on column forecast.hindcast_points.model is 'Model that made the forecast (the champion alias for method champion).';
comment on column forecast.hindcast_points.method is 'champion (what the pipeline published), naive or drift_rw (benchmarks fitted on the same as-of history).';
comment on column forecast.hindcast_points.ds is 'First day of the forecast period.';
comment on column forecast.hindcast_points.lead is 'Periods from the last observation known at as_of to ds (months or quarters, the family''s frequency).';
comment on column forecast.hindcast_points.median is 'Forecast median (point forecast) in unit.';
comment on column forecast.hindcast_points.lo_80 is 'Lower bound of the 80% prediction interval, in unit.';
comment on column forecast.hindcast_points.hi_80 is 'Upper bound of the 80% prediction interval, in unit.';
comment on column forecast.hindcast_points.lo_95 is 'Lower bound of the 95% prediction interval, in unit.';
comment on column forecast.hindcast_points.hi_95 is 'Upper bound of the 95% prediction interval, in unit.';
comment on column forecast.hindcast_points.observed is 'The value later observed for ds in the current marts, in unit.';
comment on column forecast.hindcast_points.unit is 'Unit of median, bounds and observed (usd_per_mtok, h100e, usd, tokens_per_day, share).';

create table forecast.hindcast_scores (
    hindcast_id varchar not null,
    target varchar not null,
    method varchar not null,
    lead integer not null,
    n_points integer not null,
    n_origins integer not null,
    coverage_80 double,
    coverage_95 double,
    mean_log_error double,
    mean_abs_log_error double,
    crps double,
    crps_vs_naive double,
    crps_vs_drift double,
    primary key (hindcast_id, target, method, lead)
);
comment on table forecast.hindcast_scores is 'One row per hindcast per target per method per lead (0 = all leads pooled): how the forecasts made as of past dates held against what was later observed.';
comment on column forecast.hindcast_scores.hindcast_id is 'Hindcast identifier (forecast.hindcast_runs).';
comment on column forecast.hindcast_scores.target is 'Forecast family (forecast.values.target).';
comment on column forecast.hindcast_scores.method is 'champion, naive or drift_rw (see forecast.hindcast_points.method).';
comment on column forecast.hindcast_scores.lead is 'Periods ahead (months or quarters, the family''s frequency); 0 = all leads pooled.';
comment on column forecast.hindcast_scores.n_points is 'Number of (as-of date, series, period) points scored.';
comment on column forecast.hindcast_scores.n_origins is 'Number of distinct as-of dates among the points.';
comment on column forecast.hindcast_scores.coverage_80 is 'Share of outcomes inside the 80% prediction interval (0..1).';
comment on column forecast.hindcast_scores.coverage_95 is 'Share of outcomes inside the 95% prediction interval (0..1).';
comment on column forecast.hindcast_scores.mean_log_error is 'Mean of ln(median / observed) (log units; positive = forecast too high); null for families with non-positive values.';
comment on column forecast.hindcast_scores.mean_abs_log_error is 'Mean |ln(median / observed)| (log units).';
comment on column forecast.hindcast_scores.crps is 'Mean CRPS on natural logs, approximated by the weighted interval score of the median and the 80% and 95% intervals (lower is better).';
comment on column forecast.hindcast_scores.crps_vs_naive is 'crps divided by naive''s crps on the same points (below 1 beats naive).';
comment on column forecast.hindcast_scores.crps_vs_drift is 'crps divided by the drift random walk''s crps on the same points (below 1 beats drift).';
