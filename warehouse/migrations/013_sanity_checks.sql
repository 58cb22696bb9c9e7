-- Physical and logical sanity checks of each forecast run, scenario years marked when demand
-- exceeds capacity, and release counts of the adoption mart named for what they count.

create table forecast.checks (
    run_id varchar not null,
    check_id varchar not null,
    subject varchar not null,
    passed boolean not null,
    observed double,
    expected_low double,
    expected_high double,
    message varchar not null,
    primary key (run_id, check_id, subject)
);
comment on table forecast.checks is 'One row per run per sanity check per subject (forecasts.sanity): whether the run passed it, the observed value and the accepted range; every failure is also copied into forecast.runs.message.';
comment on column forecast.checks.run_id is 'Forecast run (forecast.runs.run_id).';
comment on column forecast.checks.check_id is 'Which check: compute_growth_in_ci, scenario_drivers_ordered, utilization_within_capacity, shares_in_unit_interval.';
comment on column forecast.checks.subject is 'What was checked: a series (target/series_id), a scenario parameter, or a scenario/year.';
comment on column forecast.checks.passed is 'True when the observed value lies in the accepted range; false is a warning of the run.';
comment on column forecast.checks.observed is 'The checked quantity in its own unit: growth factor over four quarters (x), utilization or share (fraction), or bull minus bear (parameter unit).';
comment on column forecast.checks.expected_low is 'Lower end of the accepted range, in the unit of observed (e.g. the measured growth 90% CI low); null when the check is an ordering.';
comment on column forecast.checks.expected_high is 'Upper end of the accepted range, in the unit of observed; null when the check is an ordering.';
comment on column forecast.checks.message is 'The check in words, with the figures.';

alter table forecast.demand_scenarios add column capacity_consistent boolean;
alter table forecast.demand_scenarios add column consistency_note varchar;
comment on column forecast.demand_scenarios.capacity_consistent is 'False when implied_utilization is above 1: the demand path does not fit on the inference capacity, so the year is not a forecast (demand is not capped).';
comment on column forecast.demand_scenarios.consistency_note is 'Why a year is marked inconsistent (by how much demand exceeds capacity); null when consistent.';

alter table marts.reasoning_adoption add column n_flag_known bigint;
comment on column marts.reasoning_adoption.n_releases is 'New model releases dated in the period (every release, whether or not a source gives its reasoning flag) = n_flag_known + n_unknown.';
comment on column marts.reasoning_adoption.n_flag_known is 'Releases in the period whose reasoning flag some source gives: the denominator of share.';
comment on column marts.reasoning_adoption.n_reasoning is 'Releases in the period flagged as reasoning (test-time compute) models, always-on or hybrid.';
comment on column marts.reasoning_adoption.n_unknown is 'Releases in the period whose reasoning flag no source gives (excluded from share, included in share_min/share_max).';
