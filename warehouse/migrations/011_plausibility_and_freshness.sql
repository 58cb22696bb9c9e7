-- Price plausibility (flagged listings and their effect on the index) and feed freshness
-- (data through, age, stale against a per-feed threshold).

create table marts.flagged_price_listings (
    source varchar not null,
    provider varchar not null,
    model varchar not null,
    model_id varchar not null,
    rule varchar not null,
    first_flagged_on date not null,
    last_flagged_on date not null,
    flagged_observations bigint not null,
    blended_usd_per_mtok double not null,
    sibling_median_usd_per_mtok double,
    siblings bigint not null,
    sibling_median_to_price_ratio double,
    reason varchar not null,
    tier_months_it_would_set bigint not null,
    primary key (source, provider, model, rule)
);
comment on table marts.flagged_price_listings is 'One row per price listing (source, provider, feed identifier) per plausibility rule it breaks on at least one date (transforms/data/price_plausibility.toml). Flagged observations stay in staging.token_prices and are left out of marts.price_index, marts.frontier_price and forecast.decline_rates.';
comment on column marts.flagged_price_listings.source is 'Price source of the listing (litellm, openrouter, epoch_prices...).';
comment on column marts.flagged_price_listings.provider is 'Provider as the source names it.';
comment on column marts.flagged_price_listings.model is 'Model identifier as the source names it (the listing key).';
comment on column marts.flagged_price_listings.model_id is 'Canonical model id (sources.identity) the listing is compared under.';
comment on column marts.flagged_price_listings.rule is 'Rule broken: sibling_outlier (more than the threshold below the median of at least two other listings of the model), internally_inconsistent (input price far above its own output price), unconfirmed_experimental (experimental/preview key no other listing confirms).';
comment on column marts.flagged_price_listings.first_flagged_on is 'First observation date on which the rule flagged the listing.';
comment on column marts.flagged_price_listings.last_flagged_on is 'Last observation date on which the rule flagged the listing.';
comment on column marts.flagged_price_listings.flagged_observations is 'Number of flagged observations (listing-days) of the listing under the rule.';
comment on column marts.flagged_price_listings.blended_usd_per_mtok is 'Blended (3 input : 1 output) price of the latest flagged observation, USD per 1M tokens.';
comment on column marts.flagged_price_listings.sibling_median_usd_per_mtok is 'Median current blended price of the other listings of the model on that date, USD per 1M tokens; null without siblings.';
comment on column marts.flagged_price_listings.siblings is 'Number of other listings of the model with a current price on that date.';
comment on column marts.flagged_price_listings.sibling_median_to_price_ratio is 'Sibling median divided by the flagged price (how many times cheaper the listing claims to be); null without siblings.';
comment on column marts.flagged_price_listings.reason is 'The reason in words, with the figures of the latest flagged date.';
comment on column marts.flagged_price_listings.tier_months_it_would_set is 'Tier-months of the price index this listing would set (be the cheapest offer) had flagged listings been kept (marts.flagged_price_effect).';

create table marts.flagged_price_effect (
    tier_id varchar not null,
    month date not null,
    cheapest_blended_usd_per_mtok double,
    with_flagged_usd_per_mtok double not null,
    flagged_model varchar not null,
    flagged_provider varchar not null,
    flagged_rules varchar not null,
    primary key (tier_id, month)
);
comment on table marts.flagged_price_effect is 'One row per capability tier per month in which a flagged listing would set the price index if it were not left out: the published index value and the value with flagged listings.';
comment on column marts.flagged_price_effect.tier_id is 'Capability tier (marts.capability_tiers).';
comment on column marts.flagged_price_effect.month is 'First day of the month.';
comment on column marts.flagged_price_effect.cheapest_blended_usd_per_mtok is 'The price index as published (flagged listings left out), USD per 1M tokens; null when no plausible listing qualifies that month.';
comment on column marts.flagged_price_effect.with_flagged_usd_per_mtok is 'The cheapest offer had flagged listings been kept, USD per 1M tokens.';
comment on column marts.flagged_price_effect.flagged_model is 'The flagged listing that would set the index (model identifier as its source names it).';
comment on column marts.flagged_price_effect.flagged_provider is 'Provider of that flagged listing.';
comment on column marts.flagged_price_effect.flagged_rules is 'The rules that flag it, comma-separated.';

-- Freshness thresholds: written from warehouse/data/freshness_thresholds.csv by every marts build.
create table meta.freshness_thresholds (
    feed varchar primary key,
    max_age_days integer not null,
    why varchar not null
);
comment on table meta.freshness_thresholds is 'One row per feed: how old its newest observation may be (days, at the as-of date) before the feed counts as stale; loaded from warehouse/data/freshness_thresholds.csv.';
comment on column meta.freshness_thresholds.feed is 'Feed id (sources.registry).';
comment on column meta.freshness_thresholds.max_age_days is 'Largest age in days of the newest observation at which the feed is still fresh.';
comment on column meta.freshness_thresholds.why is 'Why this threshold: how often the source publishes.';

-- The newest observation date of each feed, per staging table (family) it loads into.
create or replace view marts.data_through as
with observation_dates as (
    select batch_id, 'token prices' as family, max(observed_on) as data_through
    from staging.token_prices group by batch_id
    union all
    select batch_id, 'capability scores', max(observed_on) from staging.model_capabilities group by batch_id
    union all
    select batch_id, 'model releases', max(released_on) from staging.models group by batch_id
    union all
    select batch_id, 'chip shipments', max(period_end) from staging.chip_shipments group by batch_id
    union all
    select batch_id, 'chip shipments (value)', max(period_end) from staging.vendor_revenue group by batch_id
    union all
    select batch_id, 'hardware specs', max(released_on) from staging.hardware_specs group by batch_id
    union all
    select batch_id, 'inference demand', max(observed_on) from staging.demand_observations group by batch_id
)
select b.feed, d.family, max(d.data_through) as data_through
from observation_dates as d
join meta.ingest_batches as b on b.batch_id = d.batch_id
where d.data_through is not null
group by b.feed, d.family;
comment on view marts.data_through is 'One row per feed per data family it loads (token prices, capability scores, model releases, chip shipments, chip shipments (value), hardware specs, inference demand): the newest observation date in staging. Chip shipments and revenue count a period at its end date.';
comment on column marts.data_through.feed is 'Feed id.';
comment on column marts.data_through.family is 'Data family (the staging table the rows are in).';
comment on column marts.data_through.data_through is 'Newest observation date of the feed in that family (observed_on, released_on or period_end).';

-- Freshness at a date: the age of each feed's newest observation and whether it exceeds the threshold.
create or replace macro marts.feed_freshness_as_of(as_of_date) as table
select
    d.feed,
    d.family,
    d.data_through,
    date_diff('day', d.data_through, cast(as_of_date as date)) as age_days,
    t.max_age_days,
    coalesce(date_diff('day', d.data_through, cast(as_of_date as date)) > t.max_age_days, false) as stale
from marts.data_through as d
left join meta.freshness_thresholds as t on t.feed = d.feed;

create or replace view marts.feed_freshness as
select * from marts.feed_freshness_as_of(cast(now() at time zone 'UTC' as date));
comment on view marts.feed_freshness is 'One row per feed per data family: newest observation (data through), its age in days today (UTC), the feed''s threshold and stale when the age exceeds it. marts.feed_freshness_as_of(date) gives the same at another date (a run''s as-of).';
comment on column marts.feed_freshness.feed is 'Feed id.';
comment on column marts.feed_freshness.family is 'Data family.';
comment on column marts.feed_freshness.data_through is 'Newest observation date of the feed in that family.';
comment on column marts.feed_freshness.age_days is 'Days from data_through to today (UTC).';
comment on column marts.feed_freshness.max_age_days is 'The feed''s freshness threshold in days (meta.freshness_thresholds); null when none is set.';
comment on column marts.feed_freshness.stale is 'True when age_days exceeds max_age_days.';

-- marts.feed_status (first defined in 009) gains data through, its age and a stale flag that
-- is also true when the newest data is older than the feed's threshold, not only when a fetch failed.
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
        bool_or(last_status = 'failed') as fetch_failed,
        max(last_success_at) as last_fetch_success_at,
        string_agg(last_error, '; ') filter (where last_status = 'failed') as fetch_error
    from meta.fetch_state
    group by feed
),
newest_data as (
    select feed, max(data_through) as data_through
    from marts.feed_freshness
    group by feed
),
data_age as (
    select
        n.feed,
        n.data_through,
        date_diff('day', n.data_through, cast(now() at time zone 'UTC' as date)) as data_age_days,
        t.max_age_days
    from newest_data as n
    left join meta.freshness_thresholds as t on t.feed = n.feed
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
    a.data_through,
    a.data_age_days,
    a.max_age_days,
    coalesce(h.fetch_failed, false) or coalesce(a.data_age_days > a.max_age_days, false) as stale,
    concat_ws(
        '; ',
        case when h.fetch_failed then 'last fetch failed' end,
        case
            when a.data_age_days > a.max_age_days
                then 'newest data ' || a.data_age_days || ' days old (threshold ' || a.max_age_days || ')'
        end
    ) as stale_reason,
    case
        -- meta timestamps are naive UTC, so "now" is taken in UTC too (not the session's time zone)
        when h.fetch_failed then round(
            date_diff('hour', coalesce(h.last_fetch_success_at, g.fetched_at), now() at time zone 'UTC') / 24.0, 1
        )
    end as stale_days,
    h.fetch_error
from batch_totals as t
left join ranked_good_batches as g on g.feed = t.feed and g.recency = 1
left join ranked_batches as l on l.feed = t.feed and l.recency = 1
left join fetch_health as h on h.feed = t.feed
left join data_age as a on a.feed = t.feed;
comment on view marts.feed_status is 'One row per feed that has any batch: its last good batch (id, fetched_at, rows loaded), the status of its latest batch, batch and failed-batch counts, rows loaded and quarantined over all batches, the newest observation (data through) with its age today (UTC), and whether it is stale: the last live fetch failed, or the newest data is older than the feed''s threshold (meta.freshness_thresholds).';
comment on column marts.feed_status.feed is 'Feed id.';
comment on column marts.feed_status.last_good_batch is 'Id of the feed''s latest loaded batch.';
comment on column marts.feed_status.last_good_at is 'When that batch was fetched (naive UTC).';
comment on column marts.feed_status.last_good_rows_loaded is 'Rows that batch loaded into staging.';
comment on column marts.feed_status.last_batch_status is 'Status of the feed''s latest batch (loaded, failed...).';
comment on column marts.feed_status.batches is 'Number of batches of the feed.';
comment on column marts.feed_status.failed_batches is 'Number of failed batches.';
comment on column marts.feed_status.rows_loaded is 'Rows loaded over all batches.';
comment on column marts.feed_status.rows_quarantined is 'Rows quarantined over all batches.';
comment on column marts.feed_status.data_through is 'Newest observation date of the feed over all its data families (marts.feed_freshness has them per family).';
comment on column marts.feed_status.data_age_days is 'Days from data_through to today (UTC).';
comment on column marts.feed_status.max_age_days is 'The feed''s freshness threshold in days (meta.freshness_thresholds); null when none is set.';
comment on column marts.feed_status.stale is 'True when the last live fetch failed or data_age_days exceeds max_age_days.';
comment on column marts.feed_status.stale_reason is 'Why the feed is stale, in words; empty when fresh.';
comment on column marts.feed_status.stale_days is 'When the last fetch failed: days since the last successful fetch (or the last good batch).';
comment on column marts.feed_status.fetch_error is 'The error of the failed fetch(es).';
