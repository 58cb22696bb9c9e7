-- Cost per task: what one benchmark question costs a model at each month's prices, the
-- cost-quality frontier, the cheapest cost per task at each capability tier, and its decline.
create table marts.cost_per_task (
    task varchar not null,
    benchmark varchar,
    model varchar not null,
    model_id varchar not null,
    variant varchar,
    is_reasoning boolean,
    month date not null,
    samples bigint not null,
    input_tokens_per_sample double not null,
    output_tokens_per_sample double not null,
    input_usd_per_mtok double not null,
    output_usd_per_mtok double not null,
    output_rate varchar not null,
    cost_usd_per_sample double not null,
    price_choice varchar not null,
    price_source varchar not null,
    price_provider varchar not null,
    price_model varchar not null,
    price_observed_on date not null,
    version_released_on date,
    score double,
    tokens_provenance varchar not null,
    primary key (model, task, month)
);
comment on table marts.cost_per_task is 'One row per evaluation run (model or reasoning-effort variant x benchmark task) per month with a current price listing: tokens per sample from staging.eval_token_usage (one campaign per model), priced at that month''s listing; cost in USD per sample (one question).';
comment on column marts.cost_per_task.task is 'Benchmark task as named in staging.eval_token_usage (GPQA Diamond, MATH level 5, OTIS Mock AIME 2024-2025).';
comment on column marts.cost_per_task.benchmark is 'Benchmark id of staging.model_capabilities the task maps to (transforms/data/eval_task_benchmarks.csv); null when unmapped.';
comment on column marts.cost_per_task.model is 'Model name of the evaluation run in staging.eval_token_usage, with its effort suffix (e.g. o1-mini-2024-09-12_high).';
comment on column marts.cost_per_task.model_id is 'Canonical model id (sources.identity.canonical_model_id) used to find price listings and scores.';
comment on column marts.cost_per_task.variant is 'Reasoning-effort setting of the run (high, medium, low, 16k, ...) from its name; null for a run without one.';
comment on column marts.cost_per_task.is_reasoning is 'True for a reasoning (test-time compute) run: the model is flagged reasoning in staging.models or the run names an effort setting; null = unknown.';
comment on column marts.cost_per_task.month is 'First day of the month whose prices (latest current listing on or before month end) price the run.';
comment on column marts.cost_per_task.samples is 'Samples scored in the run (epochs x questions); the token counts are totals over these.';
comment on column marts.cost_per_task.input_tokens_per_sample is 'Input (prompt) tokens per sample: input tokens / samples.';
comment on column marts.cost_per_task.output_tokens_per_sample is 'Output tokens per sample (answer and reasoning tokens together; the runs do not split them).';
comment on column marts.cost_per_task.input_usd_per_mtok is 'Input price of the chosen listing, USD per 1M tokens.';
comment on column marts.cost_per_task.output_usd_per_mtok is 'Price applied to the output tokens, USD per 1M tokens: the listing''s reasoning rate for a reasoning run where the listing gives one, else its output price.';
comment on column marts.cost_per_task.output_rate is 'Which rate priced the output tokens: output or reasoning.';
comment on column marts.cost_per_task.cost_usd_per_sample is 'Cost of one sample in USD: (input tokens x input price + output tokens x output price) / samples / 1e6.';
comment on column marts.cost_per_task.price_choice is 'How the listing was chosen: first_party (cheapest listing of the developer''s own API) or cheapest_credible (cheapest listing not flagged implausible, when no first-party listing is current).';
comment on column marts.cost_per_task.price_source is 'Source of the price (staging.token_prices.source): provenance of the price, with provider, model and date.';
comment on column marts.cost_per_task.price_provider is 'Provider of the chosen listing (staging.token_prices.provider).';
comment on column marts.cost_per_task.price_model is 'Feed identifier of the chosen listing (staging.token_prices.model).';
comment on column marts.cost_per_task.price_observed_on is 'Date of the price observation used (staging.token_prices.observed_on).';
comment on column marts.cost_per_task.version_released_on is 'Release date carried by a dated snapshot name (gpt-4o-2024-08-06); the run is priced from that month on; null for undated names.';
comment on column marts.cost_per_task.score is 'Score of the run''s model (its variant''s own score where one is ingested) on the benchmark, percent, as known at month end; null when none is ingested.';
comment on column marts.cost_per_task.tokens_provenance is 'Provenance of the token counts (staging.eval_token_usage.provenance).';

create table marts.cost_quality_frontier (
    task varchar not null,
    benchmark varchar,
    month date not null,
    model varchar not null,
    model_id varchar not null,
    variant varchar,
    is_reasoning boolean,
    score double not null,
    cost_usd_per_sample double not null,
    frontier_rank bigint not null,
    primary key (task, month, model)
);
comment on table marts.cost_quality_frontier is 'One row per task per month per run on the cost-quality Pareto frontier: no other run that month is at most as dear per sample and scores at least as high (one strictly).';
comment on column marts.cost_quality_frontier.task is 'Benchmark task (as in marts.cost_per_task).';
comment on column marts.cost_quality_frontier.benchmark is 'Benchmark id whose score places the run.';
comment on column marts.cost_quality_frontier.month is 'First day of the month whose prices cost the runs.';
comment on column marts.cost_quality_frontier.model is 'Evaluation run name (model with effort suffix).';
comment on column marts.cost_quality_frontier.model_id is 'Canonical model id.';
comment on column marts.cost_quality_frontier.variant is 'Reasoning-effort setting of the run; null for none.';
comment on column marts.cost_quality_frontier.is_reasoning is 'True for a reasoning run, false for a non-reasoning one, null = unknown.';
comment on column marts.cost_quality_frontier.score is 'Score on the benchmark, percent.';
comment on column marts.cost_quality_frontier.cost_usd_per_sample is 'Cost of one sample in USD at the month''s chosen listing.';
comment on column marts.cost_quality_frontier.frontier_rank is 'Position on the frontier from the cheapest (1) to the highest-scoring.';

create table marts.cost_per_task_index (
    tier_id varchar not null,
    task varchar not null,
    benchmark varchar not null,
    threshold_model varchar,
    threshold_score double not null,
    month date not null,
    cheapest_cost_usd_per_sample double not null,
    cheapest_model varchar not null,
    qualifying_runs bigint not null,
    primary key (tier_id, month)
);
comment on table marts.cost_per_task_index is 'One row per capability tier (with token counts for its benchmark) per month: the cheapest cost per sample in USD among runs scoring at or above the threshold.';
comment on column marts.cost_per_task_index.tier_id is 'Capability tier (marts.capability_tiers).';
comment on column marts.cost_per_task_index.task is 'Benchmark task whose runs are costed.';
comment on column marts.cost_per_task_index.benchmark is 'Benchmark id of the tier.';
comment on column marts.cost_per_task_index.threshold_model is 'Reference model that sets the threshold.';
comment on column marts.cost_per_task_index.threshold_score is 'Threshold score, percent (the reference model''s score).';
comment on column marts.cost_per_task_index.month is 'First day of the month.';
comment on column marts.cost_per_task_index.cheapest_cost_usd_per_sample is 'Cheapest cost of one sample in USD among qualifying runs that month.';
comment on column marts.cost_per_task_index.cheapest_model is 'Run (model with effort suffix) that is cheapest.';
comment on column marts.cost_per_task_index.qualifying_runs is 'Runs scoring at or above the threshold with a current price that month.';

create table forecast.cost_decline_rates (
    run_id varchar not null,
    tier_id varchar not null,
    task varchar not null,
    benchmark varchar not null,
    threshold_model varchar,
    threshold_score double not null,
    n bigint,
    start_date date,
    end_date date,
    factor_per_year double,
    ci90_low double,
    ci90_high double,
    r_squared double,
    method varchar not null,
    per_token_factor_per_year double,
    per_token_ci90_low double,
    per_token_ci90_high double,
    per_token_n bigint,
    per_task_to_per_token_ratio double,
    last_low varchar,
    factor_without_last_low double,
    note varchar,
    primary key (run_id, tier_id)
);
comment on table forecast.cost_decline_rates is 'One row per run per capability tier with token counts: cost-per-task decline factor per year (frontier-lows method on cost per sample) with 90% CI, next to the per-token factor of the same tier; null factor with a note when it cannot be fitted.';
comment on column forecast.cost_decline_rates.run_id is 'Forecast run (forecast.runs).';
comment on column forecast.cost_decline_rates.tier_id is 'Capability tier (marts.capability_tiers).';
comment on column forecast.cost_decline_rates.task is 'Benchmark task whose runs are costed.';
comment on column forecast.cost_decline_rates.benchmark is 'Benchmark id of the tier.';
comment on column forecast.cost_decline_rates.threshold_model is 'Reference model that sets the threshold.';
comment on column forecast.cost_decline_rates.threshold_score is 'Threshold score, percent.';
comment on column forecast.cost_decline_rates.n is 'Number of new cost lows the trend is fitted to; null when not fitted.';
comment on column forecast.cost_decline_rates.start_date is 'Date of the first new low.';
comment on column forecast.cost_decline_rates.end_date is 'Date of the last new low.';
comment on column forecast.cost_decline_rates.factor_per_year is 'Cost per task divides by this each year (exp(-slope) of OLS of ln cost on years); null when not fitted.';
comment on column forecast.cost_decline_rates.ci90_low is 'Lower bound of the 90% CI of factor_per_year (classical OLS, Student t, n - 2 df).';
comment on column forecast.cost_decline_rates.ci90_high is 'Upper bound of the 90% CI of factor_per_year.';
comment on column forecast.cost_decline_rates.r_squared is 'R squared of the fit on the new lows.';
comment on column forecast.cost_decline_rates.method is 'Method id: cost_per_task_frontier_lows_ols.';
comment on column forecast.cost_decline_rates.per_token_factor_per_year is 'Price-per-token decline factor per year of the same tier (forecast.decline_rates, frontier_lows_ols) in the same run.';
comment on column forecast.cost_decline_rates.per_token_ci90_low is 'Lower bound of the per-token factor''s 90% CI.';
comment on column forecast.cost_decline_rates.per_token_ci90_high is 'Upper bound of the per-token factor''s 90% CI.';
comment on column forecast.cost_decline_rates.per_token_n is 'New price lows behind the per-token factor.';
comment on column forecast.cost_decline_rates.per_task_to_per_token_ratio is 'factor_per_year / per_token_factor_per_year: below 1 the cost of a task falls slower than the price of a token (the cheapest qualifying runs use more tokens per task over time), above 1 faster.';
comment on column forecast.cost_decline_rates.last_low is 'The run and listing that set the latest new cost low (one row can move a factor fitted to few lows), with its cost per question in USD.';
comment on column forecast.cost_decline_rates.factor_without_last_low is 'factor_per_year refitted without the observation that set the latest low (a row-influence check); null when fewer than 3 lows remain.';
comment on column forecast.cost_decline_rates.note is 'Why a factor is missing (e.g. too few new lows), or null.';
