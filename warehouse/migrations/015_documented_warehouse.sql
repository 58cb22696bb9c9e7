-- A documented warehouse: every column has a comment stating its meaning and unit; the point
-- forecast is stored under the name of what it is (a median); model-level marts carry the
-- canonical model id and developer; price listings say whether they are first-party.
-- docs/data_dictionary.md is generated from these comments (python -m warehouse.dictionary).

-- The point forecast is the median on the original scale (the models forecast logs).
alter table forecast.values rename column mean to median;

alter table marts.price_index add column cheapest_model_id varchar;

create table marts.model_developers (
    model_id varchar primary key,
    organization varchar,
    developer varchar
);
comment on table marts.model_developers is 'One row per canonical model id in staging.models: the organization its sources give and the canonical developer it normalises to (rules and mapping in transforms/data/developers.csv).';

create table marts.developer_providers (
    developer varchar not null,
    provider_prefix varchar not null,
    primary key (developer, provider_prefix)
);
comment on table marts.developer_providers is 'One row per canonical developer per provider-name prefix that is the developer''s own API or cloud (a listing at such a provider is first-party; any other provider is a reseller). From transforms/data/developers.csv.';

-- Same run as migration 014 (the greatest as_of among successful runs), with the point
-- forecast under its stored name, median.
create or replace view marts.latest_forecast as
select
    r.run_id,
    r.as_of,
    v.target,
    v.series_id,
    v.model,
    v.ds,
    v.median,
    v.lo_80,
    v.hi_80,
    v.lo_95,
    v.hi_95,
    v.unit
from forecast.values as v
join forecast.latest_successful_run as r using (run_id);
comment on view marts.latest_forecast is 'One row per target per series per future period of the latest successful forecast run (greatest as_of; with its as_of date): point forecast (median) and 80%/95% prediction intervals, in the unit column (usd_per_mtok, h100e, tokens_per_day, usd, share).';

create or replace view marts.cheapest_per_tier as
select
    i.tier_id,
    t.label as tier_label,
    i.benchmark,
    i.threshold_model,
    i.threshold_score,
    i.month,
    i.cheapest_model,
    i.cheapest_model_id,
    d.developer as cheapest_developer,
    i.cheapest_provider,
    i.cheapest_blended_usd_per_mtok,
    i.price_observed_on,
    i.qualifying_models
from marts.price_index as i
left join marts.capability_tiers as t using (tier_id)
left join marts.model_developers as d on d.model_id = i.cheapest_model_id;
comment on view marts.cheapest_per_tier is 'One row per capability tier per month: the tier''s label and threshold, and the cheapest qualifying model (feed name, canonical id, developer), its provider and its blended (3:1) price in USD per 1M tokens, as known at month end.';

-- A listing is first-party when its provider is the model developer's own API or cloud.
create or replace view marts.model_price_history as
with price_feeds as (
    select
        *,
        case
            when source in ('litellm', 'openrouter') then source
            when source like 'epoch%' then 'epoch_models'
            else source
        end as alias_feed
    from staging.token_prices
),
priced as (
    select
        coalesce(a.model_id, p.model) as model_id,
        p.model,
        p.model_version,
        p.provider,
        p.source,
        p.observed_on,
        p.input_usd_per_mtok,
        p.output_usd_per_mtok,
        p.blended_usd_per_mtok,
        p.cached_input_usd_per_mtok,
        coalesce(a.match_method, 'unmatched') as match_method,
        p.batch_id
    from price_feeds as p
    left join staging.model_aliases as a on a.feed = p.alias_feed and a.alias = p.model
)
select
    p.model_id,
    p.model,
    p.model_version,
    d.developer,
    p.provider,
    case
        when lower(p.provider) = 'unspecified' or d.developer is null then null
        when exists (
            select 1
            from marts.developer_providers as f
            where f.developer = d.developer and starts_with(lower(p.provider), f.provider_prefix)
        ) then 'first-party'
        when exists (select 1 from marts.developer_providers as f where f.developer = d.developer) then 'reseller'
    end as listing_party,
    p.source,
    p.observed_on,
    p.input_usd_per_mtok,
    p.output_usd_per_mtok,
    p.blended_usd_per_mtok,
    p.cached_input_usd_per_mtok,
    p.match_method,
    p.batch_id
from priced as p
left join marts.model_developers as d using (model_id);
comment on view marts.model_price_history is 'One row per observed price of a model at a provider on a date (source x provider x model x version x date), keyed by canonical model_id (the raw model name where no alias maps it), with its canonical developer and whether the listing is first-party or a reseller; prices in USD per 1M tokens, blended = (3 input + 1 output) / 4.';

-- Column comments: meaning and unit of every column (generated tables and views above included).
comment on column meta.schema_migrations.version is 'Migration number (the NNN of warehouse/migrations/NNN_name.sql).';
comment on column meta.schema_migrations.name is 'Migration name (the file name after the number).';
comment on column meta.schema_migrations.checksum is 'sha256 of the migration file as applied (hex).';
comment on column meta.schema_migrations.applied_at is 'When the migration was applied (local timestamp of the writer).';
comment on column meta.ingest_batches.batch_id is 'Identifier of the load (one payload of one feed); referenced by batch_id in staging and meta.quarantine.';
comment on column meta.ingest_batches.feed is 'Feed id (litellm, openrouter, epoch_prices, epoch_models, epoch_chips, nvidia_revenue, epoch_hardware, epoch_usage).';
comment on column meta.ingest_batches.source is 'Where the payload came from: the URL fetched, the file given with --file, or the bundled snapshot path.';
comment on column meta.ingest_batches.fetched_at is 'When the payload was fetched or, for bundled and --file payloads, read (naive UTC).';
comment on column meta.ingest_batches.sha256 is 'sha256 of the raw payload (hex); the archive is content-addressed by it.';
comment on column meta.ingest_batches.archive_path is 'Path of the archived raw payload, relative to the home''s archive directory.';
comment on column meta.ingest_batches.rows_in is 'Rows parsed from the payload (count).';
comment on column meta.ingest_batches.rows_loaded is 'Rows of this batch written to staging (count; excludes quarantined rows and rows already present). The one definition of "rows loaded" used by infercast sources, status and marts.feed_status.';
comment on column meta.ingest_batches.rows_quarantined is 'Rows that failed a check and went to meta.quarantine (count).';
comment on column meta.ingest_batches.rows_duplicate is 'Rows already in staging under the same natural key, skipped (count).';
comment on column meta.ingest_batches.status is 'Outcome of the load: loaded, unchanged (payload already loaded), or failed.';
comment on column meta.ingest_batches.message is 'Error or note of the load (null when none).';
comment on column meta.ingest_batches.finished_at is 'When the load finished (naive UTC).';
comment on column meta.quarantine.batch_id is 'Batch the rejected row came from (meta.ingest_batches.batch_id).';
comment on column meta.quarantine.feed is 'Feed id of that batch.';
comment on column meta.quarantine.staging_table is 'Staging table the row was meant for (schema.table).';
comment on column meta.quarantine.source_row is 'Row number of the rejected row in the parsed payload (0-based; null when not known).';
comment on column meta.quarantine.column_name is 'Column whose check failed (null for a row-level check).';
comment on column meta.quarantine.check_name is 'Name of the failed check (pandera check or plausibility rule).';
comment on column meta.quarantine.offending_value is 'The failing value as text (null for a row-level check).';
comment on column meta.quarantine.raw_row is 'The whole parsed row as JSON.';
comment on column meta.fetch_state.feed is 'Feed id.';
comment on column meta.fetch_state.url is 'Endpoint URL of the feed.';
comment on column meta.fetch_state.etag is 'ETag of the last successful response (for conditional GET; null when the server sent none).';
comment on column meta.fetch_state.last_modified is 'Last-Modified header of the last successful response (as sent, HTTP date text).';
comment on column meta.fetch_state.last_attempt_at is 'When the endpoint was last tried (naive UTC).';
comment on column meta.fetch_state.last_success_at is 'When the endpoint last answered successfully (naive UTC; null if never).';
comment on column meta.fetch_state.last_status is 'Outcome of the last attempt: the HTTP outcome of a success (e.g. ok, not modified) or failed.';
comment on column meta.fetch_state.last_error is 'Error of the last attempt (null when it succeeded).';
comment on column meta.flow_runs.run_id is 'Identifier of the flow run.';
comment on column meta.flow_runs.flow is 'Flow name (refresh, prices-daily, ...).';
comment on column meta.flow_runs.parameters is 'Parameters the flow was run with (JSON).';
comment on column meta.flow_runs.started_at is 'When the flow run started (naive UTC).';
comment on column meta.flow_runs.finished_at is 'When it finished (naive UTC; null while running or after a crash).';
comment on column meta.flow_runs.status is 'running, success, partial, failed or crashed.';
comment on column meta.flow_runs.rows_per_stage is 'Rows written per stage and table (JSON object).';
comment on column meta.flow_runs.warnings is 'Warnings raised during the run (JSON list of sentences).';
comment on column meta.flow_runs.prefect_flow_run_id is 'Prefect''s id of the flow run (null when run without Prefect).';
comment on column staging.token_prices.source is 'Feed or sub-source of the price (litellm, openrouter, epoch_*).';
comment on column staging.token_prices.provider is 'Provider selling the model as the feed names it (OpenAI, vertex_ai, together_ai, ...).';
comment on column staging.token_prices.model is 'Model name as the feed spells it (map to model_id through staging.model_aliases).';
comment on column staging.token_prices.model_version is 'Version or variant key of the listing within the feed ('''' when the feed has none).';
comment on column staging.token_prices.observed_on is 'Date the price was observed (vintage date of the listing).';
comment on column staging.token_prices.input_usd_per_mtok is 'Price of input (prompt) tokens, USD per 1M tokens.';
comment on column staging.token_prices.output_usd_per_mtok is 'Price of output (completion) tokens, USD per 1M tokens.';
comment on column staging.token_prices.blended_usd_per_mtok is 'Blended price (3 input + 1 output) / 4, USD per 1M tokens.';
comment on column staging.token_prices.cached_input_usd_per_mtok is 'Price of cached input tokens, USD per 1M tokens (null when not offered).';
comment on column staging.token_prices.reasoning_usd_per_mtok is 'Price of reasoning tokens where billed separately, USD per 1M tokens (null otherwise).';
comment on column staging.token_prices.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.token_prices.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.model_capabilities.source is 'Feed or sub-source of the score.';
comment on column staging.model_capabilities.model is 'Model name as the source spells it.';
comment on column staging.model_capabilities.observed_on is 'Date of the evaluation or of the table it was read from.';
comment on column staging.model_capabilities.benchmark is 'Benchmark id (mmlu, gpqa_diamond, chatbot_arena_elo, ...).';
comment on column staging.model_capabilities.score is 'Score on the benchmark: percent correct (0..100); Chatbot Arena in Elo points.';
comment on column staging.model_capabilities.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.model_capabilities.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.models.source is 'Source asserting the model''s facts (epoch_notable, epoch_benchmarking_hub, litellm, openrouter, ...).';
comment on column staging.models.model_id is 'Canonical model id (lower-case slug shared across feeds).';
comment on column staging.models.model_name is 'Model name as the source spells it.';
comment on column staging.models.organization is 'Developer organization as the source writes it (free text, may be a comma list or ''''; the canonical developer is in marts.model_developers.developer).';
comment on column staging.models.released_on is 'Release or publication date (null when unknown).';
comment on column staging.models.open_weights is 'Whether the weights are downloadable (null = unknown).';
comment on column staging.models.is_reasoning is 'Whether the model uses test-time compute / reasoning (null = unknown).';
comment on column staging.models.reasoning_mode is 'always_on, hybrid or none (null = unknown).';
comment on column staging.models.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.models.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.model_aliases.feed is 'Feed whose identifier this is (litellm, openrouter, epoch_models).';
comment on column staging.model_aliases.alias is 'The feed''s identifier of the model (LiteLLM key, OpenRouter id, Epoch name).';
comment on column staging.model_aliases.model_id is 'Canonical model id it maps to.';
comment on column staging.model_aliases.match_method is 'How the mapping was made (exact, normalized, ...).';
comment on column staging.model_aliases.provenance is 'Where the mapping comes from.';
comment on column staging.model_aliases.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.chip_shipments.vendor is 'Chip vendor (NVIDIA, Google TPU, AMD, Amazon Trainium).';
comment on column staging.chip_shipments.chip is 'Chip model (H100, TPU v5e, MI300X, ...).';
comment on column staging.chip_shipments.period_start is 'First day of the shipment period (calendar quarter).';
comment on column staging.chip_shipments.period_end is 'Last day of the shipment period.';
comment on column staging.chip_shipments.units_p5 is 'Chips shipped in the period, 5th percentile (units).';
comment on column staging.chip_shipments.units_p50 is 'Chips shipped in the period, median (units).';
comment on column staging.chip_shipments.units_p95 is 'Chips shipped in the period, 95th percentile (units).';
comment on column staging.chip_shipments.h100e_p5 is 'Shipped compute in H100-equivalents, 5th percentile.';
comment on column staging.chip_shipments.h100e_p50 is 'Shipped compute in H100-equivalents, median.';
comment on column staging.chip_shipments.h100e_p95 is 'Shipped compute in H100-equivalents, 95th percentile.';
comment on column staging.chip_shipments.estimate_vintage is 'Date of the estimate (sources revise past quarters; latest vintage wins).';
comment on column staging.chip_shipments.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.chip_shipments.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.vendor_revenue.company is 'Company reporting the revenue (Nvidia).';
comment on column staging.vendor_revenue.fiscal_quarter is 'Fiscal quarter label as reported (FY26Q3).';
comment on column staging.vendor_revenue.period_start is 'First calendar day of the fiscal quarter.';
comment on column staging.vendor_revenue.period_end is 'Last calendar day of the fiscal quarter.';
comment on column staging.vendor_revenue.total_revenue_usd is 'Total revenue in the quarter, USD.';
comment on column staging.vendor_revenue.datacenter_revenue_usd is 'Data-center segment revenue, USD (null when not reported).';
comment on column staging.vendor_revenue.compute_revenue_usd is 'Data-center compute revenue (excluding networking), USD (null when not reported).';
comment on column staging.vendor_revenue.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.vendor_revenue.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.gpu_prices.chip is 'GPU model.';
comment on column staging.gpu_prices.year is 'Calendar year of the reported price.';
comment on column staging.gpu_prices.price_low_usd is 'Low end of the reported unit price, USD per chip.';
comment on column staging.gpu_prices.price_high_usd is 'High end of the reported unit price, USD per chip.';
comment on column staging.gpu_prices.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.gpu_prices.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.hardware_specs.chip is 'Accelerator name.';
comment on column staging.hardware_specs.vendor is 'Manufacturer.';
comment on column staging.hardware_specs.chip_type is 'GPU, TPU or other accelerator type.';
comment on column staging.hardware_specs.released_on is 'Release date (null when unknown).';
comment on column staging.hardware_specs.release_price_usd is 'Launch price, USD per chip (null when unknown).';
comment on column staging.hardware_specs.fp64_flop_per_s is 'Peak FP64 throughput, FLOP/s.';
comment on column staging.hardware_specs.fp32_flop_per_s is 'Peak FP32 throughput, FLOP/s.';
comment on column staging.hardware_specs.fp16_flop_per_s is 'Peak FP16 (non-tensor) throughput, FLOP/s.';
comment on column staging.hardware_specs.tf32_flop_per_s is 'Peak TF32 tensor throughput, FLOP/s.';
comment on column staging.hardware_specs.tensor_fp16_bf16_flop_per_s is 'Peak FP16/BF16 tensor throughput, FLOP/s.';
comment on column staging.hardware_specs.int8_op_per_s is 'Peak INT8 throughput, operations/s.';
comment on column staging.hardware_specs.fp8_flop_per_s is 'Peak FP8 throughput, FLOP/s.';
comment on column staging.hardware_specs.fp4_flop_per_s is 'Peak FP4 throughput, FLOP/s.';
comment on column staging.hardware_specs.memory_bytes is 'Memory capacity, bytes.';
comment on column staging.hardware_specs.memory_bandwidth_bytes_per_s is 'Memory bandwidth, bytes/s.';
comment on column staging.hardware_specs.tdp_w is 'Thermal design power, watts.';
comment on column staging.hardware_specs.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.hardware_specs.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.demand_observations.observation_id is 'Identifier of the reported figure.';
comment on column staging.demand_observations.company is 'Company the figure is about.';
comment on column staging.demand_observations.product is 'Product or service (ChatGPT, Gemini, all of Google, ...).';
comment on column staging.demand_observations.observed_on is 'Date the figure refers to.';
comment on column staging.demand_observations.tokens_per_day is 'Tokens processed per day (null when the report gives another measure).';
comment on column staging.demand_observations.messages_per_day is 'Messages or queries per day (null when not reported).';
comment on column staging.demand_observations.active_users is 'Active users (count; period in active_users_period; null when not reported).';
comment on column staging.demand_observations.active_users_period is 'Period of the active-user count (daily, weekly, monthly; '''' when none).';
comment on column staging.demand_observations.source_type is 'Kind of source (company statement, earnings call, press, estimate).';
comment on column staging.demand_observations.confidence is 'Source''s confidence in the figure (high, medium, low).';
comment on column staging.demand_observations.source_url is 'URL of the report.';
comment on column staging.demand_observations.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.demand_observations.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column staging.eval_token_usage.model is 'Model evaluated (as the source names it).';
comment on column staging.eval_token_usage.task is 'Benchmark task.';
comment on column staging.eval_token_usage.epochs is 'Epochs of the evaluation run (count).';
comment on column staging.eval_token_usage.samples is 'Samples per epoch (count).';
comment on column staging.eval_token_usage.input_tokens is 'Input tokens used over all samples and epochs.';
comment on column staging.eval_token_usage.output_tokens is 'Output tokens used over all samples and epochs (reasoning tokens included).';
comment on column staging.eval_token_usage.total_tokens is 'Input plus output tokens.';
comment on column staging.eval_token_usage.provenance is 'Where the row comes from: file, row and licence.';
comment on column staging.eval_token_usage.batch_id is 'Batch that loaded the row (meta.ingest_batches).';
comment on column marts.price_index.tier_id is 'Capability tier id (transforms/data/capability_tiers.csv).';
comment on column marts.price_index.benchmark is 'Benchmark defining the tier.';
comment on column marts.price_index.threshold_model is 'Reference model that set the threshold (null when set directly).';
comment on column marts.price_index.threshold_score is 'Minimum score to qualify (benchmark units: percent, or Elo points).';
comment on column marts.price_index.month is 'Month (first day); prices as known at the month''s end.';
comment on column marts.price_index.cheapest_blended_usd_per_mtok is 'Cheapest blended (3:1) price among qualifying models, USD per 1M tokens.';
comment on column marts.price_index.cheapest_model is 'The cheapest qualifying model, as its price feed names it.';
comment on column marts.price_index.price_observed_on is 'Date the cheapest price was observed.';
comment on column marts.price_index.qualifying_models is 'Distinct qualifying models with a current price (count).';
comment on column marts.price_index.cheapest_provider is 'Provider of the cheapest listing.';
comment on column marts.price_index.cheapest_model_id is 'Canonical model id of the cheapest model (joins marts.model_developers, staging.models).';
comment on column marts.capability_tiers.tier_id is 'Capability tier id.';
comment on column marts.capability_tiers.benchmark is 'Benchmark defining the tier.';
comment on column marts.capability_tiers.threshold_model is 'Reference model that sets the threshold (null when set directly).';
comment on column marts.capability_tiers.threshold_score is 'Minimum score to qualify (benchmark units: percent, or Elo points).';
comment on column marts.capability_tiers.label is 'Human-readable tier label.';
comment on column marts.frontier_price.benchmark is 'Benchmark ranking the frontier.';
comment on column marts.frontier_price.month is 'Month (first day).';
comment on column marts.frontier_price.model_id is 'Canonical id of the highest-scoring model with a current price.';
comment on column marts.frontier_price.model is 'That model as its price feed names it.';
comment on column marts.frontier_price.provider is 'Provider of its cheapest listing.';
comment on column marts.frontier_price.score is 'Its score on the benchmark (percent, or Elo points).';
comment on column marts.frontier_price.blended_usd_per_mtok is 'Its cheapest blended (3:1) price, USD per 1M tokens.';
comment on column marts.frontier_price.price_observed_on is 'Date that price was observed.';
comment on column marts.installed_compute.vendor is 'Chip vendor, or ''all''.';
comment on column marts.installed_compute.quarter is 'Calendar quarter (first day); stock at its end.';
comment on column marts.installed_compute.installed_h100e_p5 is 'Installed accelerators in H100-equivalents, 5th percentile.';
comment on column marts.installed_compute.installed_h100e_p50 is 'Installed accelerators in H100-equivalents, median.';
comment on column marts.installed_compute.installed_h100e_p95 is 'Installed accelerators in H100-equivalents, 95th percentile.';
comment on column marts.installed_compute.installed_units_p5 is 'Installed accelerators in units, 5th percentile.';
comment on column marts.installed_compute.installed_units_p50 is 'Installed accelerators in units, median.';
comment on column marts.installed_compute.installed_units_p95 is 'Installed accelerators in units, 95th percentile.';
comment on column marts.installed_compute.shipped_h100e_p50 is 'Shipped in the quarter, H100-equivalents, median.';
comment on column marts.installed_compute.retired_h100e_p50 is 'Retired in the quarter (older than the service life), H100-equivalents, median.';
comment on column marts.installed_compute.service_life_years is 'Service life assumed for retirement, years.';
comment on column marts.revenue_reconciliation.fiscal_quarter is 'NVIDIA fiscal quarter (FY26Q3).';
comment on column marts.revenue_reconciliation.period_start is 'First calendar day of the fiscal quarter.';
comment on column marts.revenue_reconciliation.period_end is 'Last calendar day of the fiscal quarter.';
comment on column marts.revenue_reconciliation.datacenter_revenue_usd is 'Data-center revenue, USD.';
comment on column marts.revenue_reconciliation.compute_revenue_usd is 'Data-center compute revenue, USD.';
comment on column marts.revenue_reconciliation.gpu_price_low_usd is 'Low reported GPU unit price for the year, USD.';
comment on column marts.revenue_reconciliation.gpu_price_high_usd is 'High reported GPU unit price for the year, USD.';
comment on column marts.revenue_reconciliation.implied_units_low is 'Units the compute revenue implies at the high price (count).';
comment on column marts.revenue_reconciliation.implied_units_high is 'Units the compute revenue implies at the low price (count).';
comment on column marts.revenue_reconciliation.shipped_units_p50 is 'NVIDIA units shipped per Epoch AI, median (count).';
comment on column marts.revenue_reconciliation.shipped_units_p5 is 'NVIDIA units shipped per Epoch AI, 5th percentile (count).';
comment on column marts.revenue_reconciliation.shipped_units_p95 is 'NVIDIA units shipped per Epoch AI, 95th percentile (count).';
comment on column marts.revenue_reconciliation.gap_ratio is 'Shipped units p50 divided by the geometric mean of implied_units_low and implied_units_high (1 = the two sources agree; unitless).';
comment on column marts.revenue_reconciliation.flagged is 'True when shipped units p50 lie outside the revenue-implied range widened by the tolerance (the two sources disagree); false when inside or not comparable.';
comment on column marts.revenue_reconciliation.note is 'Which calendar quarter was compared, and why the row is flagged or could not be compared.';
comment on column marts.token_demand.observation_id is 'Identifier of the reported figure (staging.demand_observations).';
comment on column marts.token_demand.company is 'Company the figure is about.';
comment on column marts.token_demand.product is 'Product or service.';
comment on column marts.token_demand.observed_on is 'Date the figure refers to.';
comment on column marts.token_demand.tokens_per_day is 'Tokens processed per day.';
comment on column marts.token_demand.source_type is 'Kind of source (company statement, earnings call, press, estimate).';
comment on column marts.token_demand.confidence is 'Source''s confidence in the figure (high, medium, low).';
comment on column marts.reasoning_adoption.period_type is 'month or quarter.';
comment on column marts.reasoning_adoption.period is 'First day of the period.';
comment on column marts.reasoning_adoption.organization is 'Developer organization, or ''all''.';
comment on column marts.reasoning_adoption.n_releases is 'Releases in the period whose reasoning flag is known (count; releases with an unknown flag are in n_unknown).';
comment on column marts.reasoning_adoption.n_reasoning is 'Of those, reasoning (test-time compute) models (count).';
comment on column marts.reasoning_adoption.n_unknown is 'Releases in the period whose reasoning flag is unknown (count).';
comment on column marts.reasoning_adoption.share is 'n_reasoning / n_releases (0..1; null when n_releases is 0).';
comment on column marts.reasoning_adoption.share_min is 'Share if every unknown release were non-reasoning (0..1).';
comment on column marts.reasoning_adoption.share_max is 'Share if every unknown release were reasoning (0..1).';
comment on column marts.model_developers.model_id is 'Canonical model id (staging.models.model_id).';
comment on column marts.model_developers.organization is 'First non-empty organization its sources give, as written (null when none does).';
comment on column marts.model_developers.developer is 'Canonical developer (Google for Google DeepMind, DeepMind, Google Brain; the first known developer of a comma list; inferred from the model id when the organization is empty; null when nothing identifies it).';
comment on column marts.developer_providers.developer is 'Canonical developer (as in marts.model_developers.developer).';
comment on column marts.developer_providers.provider_prefix is 'Lower-case prefix of a provider name that is the developer''s own API or cloud.';
comment on column forecast.runs.run_id is 'Run id: run-YYYYMMDD-<hash of as-of date, data vintage, tiers and method version>.';
comment on column forecast.runs.as_of is 'Date the run forecasts from (data observed after it is ignored).';
comment on column forecast.runs.started_at is 'When the run started (naive UTC).';
comment on column forecast.runs.finished_at is 'When the run finished (naive UTC; null while running or after a failure).';
comment on column forecast.runs.data_vintage is 'Per feed, the payloads (sha256, fetched_at) the run used (JSON).';
comment on column forecast.runs.status is 'running, success or failed.';
comment on column forecast.runs.message is 'Error or note of the run (null when none).';
comment on column forecast.values.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.values.target is 'Forecast quantity (price_index, frontier_price, installed_h100e, token_demand, datacenter_revenue, reasoning_share).';
comment on column forecast.values.series_id is 'Series within the target (tier id, benchmark, vendor, company, ''all'').';
comment on column forecast.values.model is 'Champion model that produced the forecast (alias).';
comment on column forecast.values.ds is 'Future period (first day of the month or quarter).';
comment on column forecast.values.median is 'Point forecast: the median on the original scale, in the unit column.';
comment on column forecast.values.lo_80 is 'Lower end of the 80% prediction interval, in the unit column.';
comment on column forecast.values.hi_80 is 'Upper end of the 80% prediction interval, in the unit column.';
comment on column forecast.values.lo_95 is 'Lower end of the 95% prediction interval, in the unit column.';
comment on column forecast.values.hi_95 is 'Upper end of the 95% prediction interval, in the unit column.';
comment on column forecast.values.unit is 'Unit of median and bounds (usd_per_mtok, h100e, tokens_per_day, usd, share).';
comment on column forecast.decline_rates.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.decline_rates.tier_id is 'Capability tier id.';
comment on column forecast.decline_rates.benchmark is 'Benchmark defining the tier.';
comment on column forecast.decline_rates.threshold_model is 'Reference model that set the threshold (null when set directly).';
comment on column forecast.decline_rates.threshold_score is 'Minimum score to qualify (percent, or Elo points).';
comment on column forecast.decline_rates.n is 'Observations in the fit (count).';
comment on column forecast.decline_rates.start_date is 'First observation used.';
comment on column forecast.decline_rates.end_date is 'Last observation used.';
comment on column forecast.decline_rates.factor_per_year is 'Price decline factor per year (the price divides by it each year; unitless).';
comment on column forecast.decline_rates.ci90_low is 'Lower end of its 90% confidence interval.';
comment on column forecast.decline_rates.ci90_high is 'Upper end of its 90% confidence interval.';
comment on column forecast.decline_rates.r_squared is 'R squared of the log-linear fit (0..1).';
comment on column forecast.decline_rates.method is 'Estimation method (frontier lows, index regression, ...).';
comment on column forecast.backtests.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.backtests.target is 'Forecast quantity.';
comment on column forecast.backtests.series_id is 'Series within the target.';
comment on column forecast.backtests.model is 'Candidate model (alias).';
comment on column forecast.backtests.horizon is 'Longest horizon scored, in periods (months or quarters of the series).';
comment on column forecast.backtests.mase is 'Mean absolute scaled error against the naive forecast, on log values (unitless; below 1 beats naive).';
comment on column forecast.backtests.mase_vs_drift is 'Mean absolute scaled error against the drift forecast, on log values (unitless).';
comment on column forecast.backtests.coverage_80 is 'Share of held-out values inside the 80% interval (0..1).';
comment on column forecast.backtests.coverage_95 is 'Share of held-out values inside the 95% interval (0..1).';
comment on column forecast.backtests.winkler is 'Mean 95% Winkler interval score, log units (lower is better).';
comment on column forecast.backtests.n_windows is 'Rolling-origin windows scored (count).';
comment on column forecast.backtests.is_champion is 'Whether this candidate was chosen to forecast the series.';
comment on column forecast.backtests.champion_reason is 'Why it was (or was not) chosen (null for other candidates).';
comment on column forecast.fallbacks.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.fallbacks.target is 'Forecast quantity.';
comment on column forecast.fallbacks.series_id is 'Series within the target.';
comment on column forecast.fallbacks.origin is 'Backtest origin where the fit failed (null = the fit on the full history).';
comment on column forecast.fallbacks.model is 'Model used instead.';
comment on column forecast.fallbacks.fallback_from is 'Model that failed to fit.';
comment on column forecast.fallbacks.reason is 'Why it failed (error text of the fit).';
comment on column forecast.decline_sensitivity.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.decline_sensitivity.tier_id is 'Capability tier id.';
comment on column forecast.decline_sensitivity.variant is 'Variant of the inputs (blend_3to1, blend_1to1, without_reasoning_models, first_party, third_party).';
comment on column forecast.decline_sensitivity.n is 'Observations in the fit (count; null when not fitted).';
comment on column forecast.decline_sensitivity.start_date is 'First observation used.';
comment on column forecast.decline_sensitivity.end_date is 'Last observation used.';
comment on column forecast.decline_sensitivity.factor_per_year is 'Price decline factor per year (unitless; null when too few observations).';
comment on column forecast.decline_sensitivity.ci90_low is 'Lower end of its 90% confidence interval.';
comment on column forecast.decline_sensitivity.ci90_high is 'Upper end of its 90% confidence interval.';
comment on column forecast.decline_sensitivity.note is 'Why the variant has no factor (null when it has one).';
comment on column forecast.growth_rates.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.growth_rates.target is 'Growth quantity (installed_h100e, token_demand, datacenter_revenue).';
comment on column forecast.growth_rates.series_id is 'Series within the target (vendor, company, ''all'').';
comment on column forecast.growth_rates.factor_per_year is 'Growth factor per year (the value multiplies by it each year; unitless).';
comment on column forecast.growth_rates.ci90_low is 'Lower end of its 90% confidence interval.';
comment on column forecast.growth_rates.ci90_high is 'Upper end of its 90% confidence interval.';
comment on column forecast.growth_rates.n is 'Observations in the fit (count).';
comment on column forecast.growth_rates.start_date is 'First observation used.';
comment on column forecast.growth_rates.end_date is 'Last observation used.';
comment on column forecast.growth_rates.r_squared is 'R squared of the log-linear fit (0..1; null when not a regression).';
comment on column forecast.growth_rates.method is 'Estimation method.';
comment on column forecast.growth_rates.anchor_factor_per_year is 'Published growth factor per year to compare with (null when none).';
comment on column forecast.growth_rates.note is 'Caveat on the estimate (null when none).';
comment on column forecast.adoption_fits.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.adoption_fits.model is 'Adoption model (logistic, bass).';
comment on column forecast.adoption_fits.basis is 'Data the model was fitted to (e.g. quarterly share of releases).';
comment on column forecast.adoption_fits.parameter is 'Parameter name (midpoint, slope_per_year, p, q, ceiling, ...).';
comment on column forecast.adoption_fits.estimate is 'Point estimate (unit depends on the parameter; null for date parameters).';
comment on column forecast.adoption_fits.ci90_low is 'Lower end of its 90% confidence interval.';
comment on column forecast.adoption_fits.ci90_high is 'Upper end of its 90% confidence interval.';
comment on column forecast.adoption_fits.estimate_date is 'The estimate as a date (for the midpoint; null otherwise).';
comment on column forecast.adoption_fits.ci90_low_date is 'Lower end of the 90% interval as a date (null otherwise).';
comment on column forecast.adoption_fits.ci90_high_date is 'Upper end of the 90% interval as a date (null otherwise).';
comment on column forecast.adoption_fits.note is 'Caveat on the fit (null when none).';
comment on column forecast.token_multiplier.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.token_multiplier.task is 'Benchmark task, or ''all''.';
comment on column forecast.token_multiplier.n_reasoning_models is 'Reasoning models evaluated on the task (count).';
comment on column forecast.token_multiplier.n_other_models is 'Other models evaluated on the task (count).';
comment on column forecast.token_multiplier.multiplier is 'Output tokens per sample of reasoning models / other models (geometric means; unitless).';
comment on column forecast.token_multiplier.ci90_low is 'Lower end of its bootstrap 90% confidence interval.';
comment on column forecast.token_multiplier.ci90_high is 'Upper end of its bootstrap 90% confidence interval.';
comment on column forecast.token_multiplier.reasoning_output_tokens_per_sample is 'Geometric mean output tokens per sample, reasoning models.';
comment on column forecast.token_multiplier.other_output_tokens_per_sample is 'Geometric mean output tokens per sample, other models.';
comment on column forecast.scenario_parameters.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.scenario_parameters.scenario is 'bear, base or bull.';
comment on column forecast.scenario_parameters.parameter is 'Assumption name (forecasts/data/demand_scenarios.csv).';
comment on column forecast.scenario_parameters.value is 'Its value, in the unit column.';
comment on column forecast.scenario_parameters.unit is 'Unit of the value.';
comment on column forecast.scenario_parameters.basis is 'Where the value comes from.';
comment on column forecast.demand_scenarios.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.demand_scenarios.scenario is 'bear, base or bull.';
comment on column forecast.demand_scenarios.year is 'Calendar year (end of year).';
comment on column forecast.demand_scenarios.tokens_per_day is 'Implied tokens served per day.';
comment on column forecast.demand_scenarios.reasoning_share is 'Assumed reasoning share of tokens (0..1).';
comment on column forecast.demand_scenarios.token_mix_multiplier is 'Tokens per request relative to a non-reasoning mix (unitless).';
comment on column forecast.demand_scenarios.inference_flop_per_s is 'Inference demand, FLOP/s.';
comment on column forecast.demand_scenarios.installed_h100e is 'Installed accelerators, H100-equivalents.';
comment on column forecast.demand_scenarios.inference_capacity_flop_per_s is 'Inference capacity of the installed accelerators, FLOP/s.';
comment on column forecast.demand_scenarios.implied_utilization is 'Demand / capacity (a ratio; 1 = 100%; above 1 is physically impossible and flagged).';
comment on column forecast.claims.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.claims.claim_id is 'Claim id in the claims registry.';
comment on column forecast.claims.claim_text is 'The claim as stated by its source.';
comment on column forecast.claims.metric is 'Quantity the claim is tested on.';
comment on column forecast.claims.estimate is 'Our estimate of the metric, in the unit column (null when not testable).';
comment on column forecast.claims.ci90_low is 'Lower end of its 90% interval.';
comment on column forecast.claims.ci90_high is 'Upper end of its 90% interval.';
comment on column forecast.claims.unit is 'Unit of estimate and interval.';
comment on column forecast.claims.verdict is 'supported, contradicted, inconclusive or not testable with ingested data.';
comment on column forecast.claims.evidence is 'The reasoning and numbers behind the verdict.';
comment on column forecast.claims.data_needed is 'What data would settle an untestable claim (null otherwise).';
comment on column marts.latest_forecast.run_id is 'Latest successful forecast run.';
comment on column marts.latest_forecast.as_of is 'Its as-of date.';
comment on column marts.latest_forecast.target is 'Forecast quantity.';
comment on column marts.latest_forecast.series_id is 'Series within the target.';
comment on column marts.latest_forecast.model is 'Champion model (alias).';
comment on column marts.latest_forecast.ds is 'Future period (first day of the month or quarter).';
comment on column marts.latest_forecast.median is 'Point forecast: the median on the original scale, in the unit column.';
comment on column marts.latest_forecast.lo_80 is 'Lower end of the 80% prediction interval, in the unit column.';
comment on column marts.latest_forecast.hi_80 is 'Upper end of the 80% prediction interval, in the unit column.';
comment on column marts.latest_forecast.lo_95 is 'Lower end of the 95% prediction interval, in the unit column.';
comment on column marts.latest_forecast.hi_95 is 'Upper end of the 95% prediction interval, in the unit column.';
comment on column marts.latest_forecast.unit is 'Unit of median and bounds (usd_per_mtok, h100e, tokens_per_day, usd, share).';
comment on column marts.model_price_history.model_id is 'Canonical model id (the raw model name when no alias maps it).';
comment on column marts.model_price_history.model is 'Model name as the price feed spells it.';
comment on column marts.model_price_history.model_version is 'Version or variant key of the listing ('''' when none).';
comment on column marts.model_price_history.developer is 'Canonical developer of the model (marts.model_developers; null when unknown).';
comment on column marts.model_price_history.provider is 'Provider selling the model.';
comment on column marts.model_price_history.listing_party is 'first-party (the developer''s own API or cloud) or reseller; null when the developer or provider is unknown.';
comment on column marts.model_price_history.source is 'Feed or sub-source of the price.';
comment on column marts.model_price_history.observed_on is 'Date the price was observed.';
comment on column marts.model_price_history.input_usd_per_mtok is 'Input token price, USD per 1M tokens.';
comment on column marts.model_price_history.output_usd_per_mtok is 'Output token price, USD per 1M tokens.';
comment on column marts.model_price_history.blended_usd_per_mtok is 'Blended price (3 input + 1 output) / 4, USD per 1M tokens.';
comment on column marts.model_price_history.cached_input_usd_per_mtok is 'Cached input token price, USD per 1M tokens (null when not offered).';
comment on column marts.model_price_history.match_method is 'How the feed name was mapped to model_id (''unmatched'' when no alias covers it).';
comment on column marts.model_price_history.batch_id is 'Batch that loaded the price (meta.ingest_batches).';
comment on column marts.cheapest_per_tier.tier_id is 'Capability tier id.';
comment on column marts.cheapest_per_tier.tier_label is 'Human-readable tier label.';
comment on column marts.cheapest_per_tier.benchmark is 'Benchmark defining the tier.';
comment on column marts.cheapest_per_tier.threshold_model is 'Reference model that set the threshold (null when set directly).';
comment on column marts.cheapest_per_tier.threshold_score is 'Minimum score to qualify (percent, or Elo points).';
comment on column marts.cheapest_per_tier.month is 'Month (first day); prices as known at its end.';
comment on column marts.cheapest_per_tier.cheapest_model is 'Cheapest qualifying model, as its price feed names it.';
comment on column marts.cheapest_per_tier.cheapest_model_id is 'Its canonical model id.';
comment on column marts.cheapest_per_tier.cheapest_developer is 'Its canonical developer (null when unknown).';
comment on column marts.cheapest_per_tier.cheapest_provider is 'Provider of the cheapest listing.';
comment on column marts.cheapest_per_tier.cheapest_blended_usd_per_mtok is 'Cheapest blended (3:1) price, USD per 1M tokens.';
comment on column marts.cheapest_per_tier.price_observed_on is 'Date that price was observed.';
comment on column marts.cheapest_per_tier.qualifying_models is 'Distinct qualifying models with a current price (count).';
comment on column marts.latest_decline_rates.run_id is 'Latest successful forecast run.';
comment on column marts.latest_decline_rates.as_of is 'Its as-of date.';
comment on column marts.latest_decline_rates.tier_id is 'Capability tier id.';
comment on column marts.latest_decline_rates.tier_label is 'Human-readable tier label.';
comment on column marts.latest_decline_rates.benchmark is 'Benchmark defining the tier.';
comment on column marts.latest_decline_rates.threshold_model is 'Reference model that set the threshold (null when set directly).';
comment on column marts.latest_decline_rates.threshold_score is 'Minimum score to qualify (percent, or Elo points).';
comment on column marts.latest_decline_rates.method is 'Estimation method.';
comment on column marts.latest_decline_rates.factor_per_year is 'Price decline factor per year (the price divides by it each year; unitless).';
comment on column marts.latest_decline_rates.ci90_low is 'Lower end of its 90% confidence interval.';
comment on column marts.latest_decline_rates.ci90_high is 'Upper end of its 90% confidence interval.';
comment on column marts.latest_decline_rates.n is 'Observations in the fit (count).';
comment on column marts.latest_decline_rates.start_date is 'First observation used.';
comment on column marts.latest_decline_rates.end_date is 'Last observation used.';
comment on column marts.latest_decline_rates.r_squared is 'R squared of the log-linear fit (0..1).';
comment on column marts.feed_status.feed is 'Feed id.';
comment on column marts.feed_status.last_good_batch is 'Latest batch that loaded rows (meta.ingest_batches.batch_id).';
comment on column marts.feed_status.last_good_at is 'When that batch''s payload was fetched or read (naive UTC).';
comment on column marts.feed_status.last_good_rows_loaded is 'Rows loaded by that batch (count; meta.ingest_batches.rows_loaded).';
comment on column marts.feed_status.last_batch_status is 'Status of the feed''s latest batch (loaded, unchanged, failed).';
comment on column marts.feed_status.batches is 'Batches of the feed (count).';
comment on column marts.feed_status.failed_batches is 'Failed batches of the feed (count).';
comment on column marts.feed_status.rows_loaded is 'Rows loaded over all batches of the feed (count; sum of meta.ingest_batches.rows_loaded).';
comment on column marts.feed_status.rows_quarantined is 'Rows quarantined over all batches (count).';
comment on column marts.feed_status.stale is 'Whether the feed''s last live fetch failed.';
comment on column marts.feed_status.stale_days is 'Age of the last good data in days when stale (null otherwise).';
comment on column marts.feed_status.fetch_error is 'Error of the failed live fetch (null otherwise).';
