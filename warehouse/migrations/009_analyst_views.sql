-- Convenience views for analysts: the latest forecast and decline rates, a model's price history
-- across providers, the cheapest model per tier, and the health of each feed.

-- The latest successful forecast run (the rule `infercast status` and the reports use).
create or replace view marts.latest_forecast as
with latest_successful_run as (
    select run_id, as_of
    from forecast.runs
    where status = 'success'
    order by finished_at desc, run_id desc
    limit 1
)
select
    r.run_id,
    r.as_of,
    v.target,
    v.series_id,
    v.model,
    v.ds,
    v.mean,
    v.lo_80,
    v.hi_80,
    v.lo_95,
    v.hi_95,
    v.unit
from forecast.values as v
join latest_successful_run as r using (run_id);
comment on view marts.latest_forecast is 'One row per target per series per future period of the latest successful forecast run (with its as_of date): point forecast (median) and 80%/95% prediction intervals, in the unit column (usd_per_mtok, h100e, tokens_per_day, usd, share).';

-- Prices of one model across providers and sources, by canonical model id. A price row is
-- linked to its feed's alias table (LiteLLM keys, OpenRouter ids; Epoch AI names through the
-- epoch_models aliases); a name no alias covers is its own id (match_method 'unmatched').
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
)
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
left join staging.model_aliases as a on a.feed = p.alias_feed and a.alias = p.model;
comment on view marts.model_price_history is 'One row per observed price of a model at a provider on a date (source x provider x model x version x date), keyed by canonical model_id (the raw model name where no alias maps it); prices in USD per 1M tokens, blended = (3 input + 1 output) / 4.';

create or replace view marts.cheapest_per_tier as
select
    i.tier_id,
    t.label as tier_label,
    i.benchmark,
    i.threshold_model,
    i.threshold_score,
    i.month,
    i.cheapest_model,
    i.cheapest_provider,
    i.cheapest_blended_usd_per_mtok,
    i.price_observed_on,
    i.qualifying_models
from marts.price_index as i
left join marts.capability_tiers as t using (tier_id);
comment on view marts.cheapest_per_tier is 'One row per capability tier per month: the tier''s label and threshold, and the cheapest qualifying model, its provider and its blended (3:1) price in USD per 1M tokens, as known at month end.';

create or replace view marts.latest_decline_rates as
with latest_successful_run as (
    select run_id, as_of
    from forecast.runs
    where status = 'success'
    order by finished_at desc, run_id desc
    limit 1
)
select
    r.run_id,
    r.as_of,
    d.tier_id,
    t.label as tier_label,
    d.benchmark,
    d.threshold_model,
    d.threshold_score,
    d.method,
    d.factor_per_year,
    d.ci90_low,
    d.ci90_high,
    d.n,
    d.start_date,
    d.end_date,
    d.r_squared
from forecast.decline_rates as d
join latest_successful_run as r using (run_id)
left join marts.capability_tiers as t using (tier_id);
comment on view marts.latest_decline_rates is 'One row per capability tier per method of the latest successful forecast run: price decline factor per year (the price divides by it each year, unitless) with its 90% CI, sample size and period.';

create or replace view marts.feed_status as
with ranked_good_batches as (
    select
        feed,
        batch_id,
        fetched_at,
        rows_loaded,
        row_number() over (partition by feed order by fetched_at desc, batch_id desc) as recency
    from meta.ingest_batches
    where status = 'loaded'
),
ranked_batches as (
    select
        feed,
        status,
        row_number() over (partition by feed order by finished_at desc, batch_id desc) as recency
    from meta.ingest_batches
),
batch_totals as (
    select
        feed,
        count(*) as batches,
        count(*) filter (where status = 'failed') as failed_batches,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined
    from meta.ingest_batches
    group by feed
),
fetch_health as (
    select
        feed,
        bool_or(last_status = 'failed') as stale,
        max(last_success_at) as last_fetch_success_at,
        string_agg(last_error, '; ') filter (where last_status = 'failed') as fetch_error
    from meta.fetch_state
    group by feed
)
select
    t.feed,
    g.batch_id as last_good_batch,
    g.fetched_at as last_good_at,
    g.rows_loaded as last_good_rows_loaded,
    l.status as last_batch_status,
    t.batches,
    t.failed_batches,
    t.rows_loaded,
    t.rows_quarantined,
    coalesce(h.stale, false) as stale,
    case
        -- meta timestamps are naive UTC, so "now" is taken in UTC too (not the session's time zone)
        when h.stale then round(
            date_diff('hour', coalesce(h.last_fetch_success_at, g.fetched_at), now() at time zone 'UTC') / 24.0, 1
        )
    end as stale_days,
    h.fetch_error
from batch_totals as t
left join ranked_good_batches as g on g.feed = t.feed and g.recency = 1
left join ranked_batches as l on l.feed = t.feed and l.recency = 1
left join fetch_health as h on h.feed = t.feed;
comment on view marts.feed_status is 'One row per feed that has any batch: its last good batch (id, fetched_at, rows loaded), the status of its latest batch, batch and failed-batch counts, rows loaded and quarantined over all batches, and whether it is stale (last live fetch failed) with the age in days of its last good data.';
