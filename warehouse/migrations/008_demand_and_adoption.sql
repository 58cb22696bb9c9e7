-- Installed compute, revenue reconciliation, token demand, reasoning adoption; growth, adoption,
-- token-multiplier, scenario and claims results.
create table marts.installed_compute (
    vendor varchar not null,
    quarter date not null,
    installed_h100e_p5 double not null,
    installed_h100e_p50 double not null,
    installed_h100e_p95 double not null,
    installed_units_p5 double not null,
    installed_units_p50 double not null,
    installed_units_p95 double not null,
    shipped_h100e_p50 double not null,
    retired_h100e_p50 double not null,
    service_life_years double,
    primary key (vendor, quarter)
);
comment on table marts.installed_compute is 'One row per vendor (and "all") per calendar quarter: installed AI accelerators in H100-equivalents and units (p5/p50/p95 by Monte Carlo over shipment uncertainty), after retiring chips older than the service life.';

create table marts.revenue_reconciliation (
    fiscal_quarter varchar primary key,
    period_start date not null,
    period_end date not null,
    datacenter_revenue_usd double,
    compute_revenue_usd double,
    gpu_price_low_usd double,
    gpu_price_high_usd double,
    implied_units_low double,
    implied_units_high double,
    shipped_units_p50 double,
    shipped_units_p5 double,
    shipped_units_p95 double,
    gap_ratio double,
    flagged boolean not null,
    note varchar
);
comment on table marts.revenue_reconciliation is 'One row per NVIDIA fiscal quarter: data-center compute revenue (USD), units it implies at reported GPU prices (low/high), NVIDIA units shipped per Epoch estimates (p5/p50/p95), and whether the gap exceeds the stated tolerance.';

create table marts.token_demand (
    observation_id varchar primary key,
    company varchar not null,
    product varchar not null,
    observed_on date not null,
    tokens_per_day double not null,
    source_type varchar,
    confidence varchar
);
comment on table marts.token_demand is 'One row per reported token-volume figure: tokens processed per day by a company or product on a date.';

create table marts.reasoning_adoption (
    period_type varchar not null,
    period date not null,
    organization varchar not null,
    n_releases bigint not null,
    n_reasoning bigint not null,
    n_unknown bigint not null,
    share double,
    share_min double,
    share_max double,
    primary key (period_type, period, organization)
);
comment on table marts.reasoning_adoption is 'One row per period (month or quarter) per organization (and "all"): new model releases, how many are reasoning (test-time compute) models, and the share; share_min/share_max bound it if every release with an unknown flag were non-reasoning/reasoning.';

create table forecast.growth_rates (
    run_id varchar not null,
    target varchar not null,
    series_id varchar not null,
    factor_per_year double not null,
    ci90_low double not null,
    ci90_high double not null,
    n bigint not null,
    start_date date not null,
    end_date date not null,
    r_squared double,
    method varchar not null,
    anchor_factor_per_year double,
    note varchar,
    primary key (run_id, target, series_id)
);
comment on table forecast.growth_rates is 'One row per run per growth quantity (installed compute per vendor, token demand, revenue): growth factor per year (value multiplies by this each year) with 90% CI, sample size and period, and a published anchor where one exists.';

create table forecast.adoption_fits (
    run_id varchar not null,
    model varchar not null,
    basis varchar not null,
    parameter varchar not null,
    estimate double,
    ci90_low double,
    ci90_high double,
    estimate_date date,
    ci90_low_date date,
    ci90_high_date date,
    note varchar,
    primary key (run_id, model, basis, parameter)
);
comment on table forecast.adoption_fits is 'One row per run per adoption model (logistic, bass) per basis per parameter: estimate with 90% CI (dates for the midpoint).';

create table forecast.token_multiplier (
    run_id varchar not null,
    task varchar not null,
    n_reasoning_models bigint not null,
    n_other_models bigint not null,
    multiplier double,
    ci90_low double,
    ci90_high double,
    reasoning_output_tokens_per_sample double,
    other_output_tokens_per_sample double,
    primary key (run_id, task)
);
comment on table forecast.token_multiplier is 'One row per run per benchmark task (and "all"): output tokens per sample of reasoning models divided by that of other models (geometric means) with a bootstrap 90% CI.';

create table forecast.scenario_parameters (
    run_id varchar not null,
    scenario varchar not null,
    parameter varchar not null,
    value double not null,
    unit varchar not null,
    basis varchar not null,
    primary key (run_id, scenario, parameter)
);
comment on table forecast.scenario_parameters is 'One row per run per scenario (bear, base, bull) per assumption: its value, unit and where it comes from.';

create table forecast.demand_scenarios (
    run_id varchar not null,
    scenario varchar not null,
    year integer not null,
    tokens_per_day double not null,
    reasoning_share double not null,
    token_mix_multiplier double not null,
    inference_flop_per_s double not null,
    installed_h100e double not null,
    inference_capacity_flop_per_s double not null,
    implied_utilization double not null,
    primary key (run_id, scenario, year)
);
comment on table forecast.demand_scenarios is 'One row per run per scenario (bear, base, bull) per year 2026-2028: implied tokens per day, reasoning share, token-mix multiplier, inference demand in FLOP/s, installed capacity (H100e and FLOP/s) and implied utilization; assumptions in forecast.scenario_parameters.';

create table forecast.claims (
    run_id varchar not null,
    claim_id varchar not null,
    claim_text varchar not null,
    metric varchar not null,
    estimate double,
    ci90_low double,
    ci90_high double,
    unit varchar,
    verdict varchar not null,
    evidence varchar not null,
    data_needed varchar,
    primary key (run_id, claim_id)
);
comment on table forecast.claims is 'One row per run per quantitative claim from the claims registry: our estimate with 90% CI, a verdict (supported, contradicted, inconclusive, not testable with ingested data) and the evidence; data_needed names what would settle an untestable claim.';
