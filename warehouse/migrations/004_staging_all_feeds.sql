-- Staging tables for models, model aliases, chips, revenue, hardware, demand and eval token usage.
create table staging.models (
    source varchar not null,
    model_id varchar not null,
    model_name varchar not null,
    organization varchar not null,
    released_on date,
    open_weights boolean,
    is_reasoning boolean,
    reasoning_mode varchar,
    provenance varchar not null,
    batch_id varchar not null,
    primary key (source, model_id)
);
comment on table staging.models is 'One row per model per asserting source: canonical model id, organization, release date, open weights, reasoning flag and mode (always_on, hybrid, none; null = unknown).';

create table staging.model_aliases (
    feed varchar not null,
    alias varchar not null,
    model_id varchar not null,
    match_method varchar not null,
    provenance varchar not null,
    batch_id varchar not null,
    primary key (feed, alias)
);
comment on table staging.model_aliases is 'One row per feed identifier (LiteLLM key, OpenRouter id, Epoch name): the canonical model id it maps to and how it was matched.';

create table staging.chip_shipments (
    vendor varchar not null,
    chip varchar not null,
    period_start date not null,
    period_end date not null,
    units_p5 double not null,
    units_p50 double not null,
    units_p95 double not null,
    h100e_p5 double not null,
    h100e_p50 double not null,
    h100e_p95 double not null,
    estimate_vintage date not null,
    provenance varchar not null,
    batch_id varchar not null,
    primary key (vendor, chip, period_start, estimate_vintage)
);
comment on table staging.chip_shipments is 'One row per vendor per chip per period per estimate vintage: AI chips shipped, in units and H100-equivalents, 5th/50th/95th percentiles.';

create table staging.vendor_revenue (
    company varchar not null,
    fiscal_quarter varchar not null,
    period_start date not null,
    period_end date not null,
    total_revenue_usd double not null,
    datacenter_revenue_usd double,
    compute_revenue_usd double,
    provenance varchar not null,
    batch_id varchar not null,
    primary key (company, fiscal_quarter)
);
comment on table staging.vendor_revenue is 'One row per company per fiscal quarter: total, data-center and data-center compute revenue in USD.';

create table staging.gpu_prices (
    chip varchar not null,
    year integer not null,
    price_low_usd double not null,
    price_high_usd double not null,
    provenance varchar not null,
    batch_id varchar not null,
    primary key (chip, year)
);
comment on table staging.gpu_prices is 'One row per GPU model per year: reported price range per unit in USD.';

create table staging.hardware_specs (
    chip varchar primary key,
    vendor varchar not null,
    chip_type varchar not null,
    released_on date,
    release_price_usd double,
    fp64_flop_per_s double,
    fp32_flop_per_s double,
    fp16_flop_per_s double,
    tf32_flop_per_s double,
    tensor_fp16_bf16_flop_per_s double,
    int8_op_per_s double,
    fp8_flop_per_s double,
    fp4_flop_per_s double,
    memory_bytes double,
    memory_bandwidth_bytes_per_s double,
    tdp_w double,
    provenance varchar not null,
    batch_id varchar not null
);
comment on table staging.hardware_specs is 'One row per accelerator: vendor, release date and price (USD), peak throughput by precision (FLOP/s), memory (bytes), bandwidth (bytes/s), TDP (W).';

create table staging.demand_observations (
    observation_id varchar primary key,
    company varchar not null,
    product varchar not null,
    observed_on date not null,
    tokens_per_day double,
    messages_per_day double,
    active_users double,
    active_users_period varchar not null,
    source_type varchar not null,
    confidence varchar not null,
    source_url varchar not null,
    provenance varchar not null,
    batch_id varchar not null
);
comment on table staging.demand_observations is 'One row per reported usage figure of an AI product on a date: tokens per day, messages per day, active users (and their period).';

create table staging.eval_token_usage (
    model varchar not null,
    task varchar not null,
    epochs integer not null,
    samples integer not null,
    input_tokens double not null,
    output_tokens double not null,
    total_tokens double not null,
    provenance varchar not null,
    batch_id varchar not null,
    primary key (model, task)
);
comment on table staging.eval_token_usage is 'One row per model per benchmark task: tokens used over all samples and epochs of an evaluation run.';
