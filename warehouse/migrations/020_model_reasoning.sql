-- One reasoning flag per canonical model (with what it rests on), carried into the price views so
-- an analyst can compare reasoning and non-reasoning prices; the cheapest listing per tier says
-- whether it is first-party.
create table marts.model_reasoning (
    model_id varchar primary key,
    released_on date,
    is_reasoning boolean,
    reasoning_mode varchar,
    reasoning_flag_basis varchar,
    flag_sources varchar,
    sources varchar
);
comment on table marts.model_reasoning is 'One row per canonical model id in staging.models: its earliest release date and the reasoning (test-time compute) flag marts.reasoning_adoption counts, with the basis of the flag (a feed states it, or the model was released before the first reasoning model); null flag = no source knows.';
comment on column marts.model_reasoning.model_id is 'Canonical model id (staging.models.model_id; joins marts.model_developers).';
comment on column marts.model_reasoning.released_on is 'Earliest release date any source gives (null when none does).';
comment on column marts.model_reasoning.is_reasoning is 'True if any source flags it a reasoning model (always-on or hybrid), false if a source says not (or it was released before the first reasoning model), null when unknown.';
comment on column marts.model_reasoning.reasoning_mode is 'always_on, hybrid (reasoning can be switched off) or none; null when unknown or when the source gives the flag but not the mode.';
comment on column marts.model_reasoning.reasoning_flag_basis is '''source'' (a feed states the flag; see flag_sources), ''released before the first reasoning model'' (no feed states it; the release predates the first release any feed flags as reasoning), or null (flag unknown).';
comment on column marts.model_reasoning.flag_sources is 'Comma-separated staging.models sources that state a reasoning flag for the model (null when none does).';
comment on column marts.model_reasoning.sources is 'Comma-separated staging.models sources that list the model.';

-- The canonical id the price index gives each price feed name, so the price view keys a name no
-- alias covers (Epoch's benchmark names) by the same id as marts.price_index.cheapest_model_id.
create table marts.price_model_ids (
    source varchar not null,
    model varchar not null,
    model_id varchar not null,
    primary key (source, model)
);
comment on table marts.price_model_ids is 'One row per model name a price source uses (staging.token_prices): the canonical model id the price index computes for it (sources.identity.canonical_model_id).';
comment on column marts.price_model_ids.source is 'Price source (staging.token_prices.source).';
comment on column marts.price_model_ids.model is 'Model name as that source spells it.';
comment on column marts.price_model_ids.model_id is 'Canonical model id (as in marts.price_index.cheapest_model_id).';

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
        coalesce(a.model_id, c.model_id, p.model) as model_id,
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
    left join marts.price_model_ids as c on c.source = p.source and c.model = p.model
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
    p.batch_id,
    r.is_reasoning
from priced as p
left join marts.model_developers as d using (model_id)
left join marts.model_reasoning as r using (model_id);
comment on view marts.model_price_history is 'One row per observed price of a model at a provider on a date (source x provider x model x version x date), keyed by canonical model_id (the raw model name where no alias maps it), with its canonical developer, its reasoning flag and whether the listing is first-party or a reseller; prices in USD per 1M tokens, blended = (3 input + 1 output) / 4.';

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
    -- The party depends only on provider and developer, so any matching price row gives it.
    (
        select any_value(h.listing_party)
        from marts.model_price_history as h
        where h.model_id = i.cheapest_model_id and h.provider = i.cheapest_provider
    ) as cheapest_listing_party,
    r.is_reasoning as cheapest_is_reasoning,
    i.cheapest_blended_usd_per_mtok,
    i.price_observed_on,
    i.qualifying_models
from marts.price_index as i
left join marts.capability_tiers as t using (tier_id)
left join marts.model_developers as d on d.model_id = i.cheapest_model_id
left join marts.model_reasoning as r on r.model_id = i.cheapest_model_id;
comment on view marts.cheapest_per_tier is 'One row per capability tier per month: the tier''s label and threshold, and the cheapest qualifying model (feed name, canonical id, developer, reasoning flag), its provider and whether that listing is first-party, and its blended (3:1) price in USD per 1M tokens, as known at month end.';

-- The by-organization rows now group on the canonical developer.
comment on column marts.reasoning_adoption.organization is 'Canonical developer (marts.model_developers.developer: Google for Google DeepMind, DeepMind, Google Brain; a comma list''s first known developer), ''unknown'' when no source identifies the developer, or ''all'' for every release.';

-- Replacing a view drops its column comments, so every column is described again.
comment on column marts.model_price_history.model_id is 'Canonical model id: the alias table''s, else the one the price index computes (marts.price_model_ids), else the raw name.';
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
comment on column marts.model_price_history.is_reasoning is 'Whether the model is a reasoning model (marts.model_reasoning.is_reasoning; null when no source knows).';
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
comment on column marts.cheapest_per_tier.cheapest_listing_party is 'first-party (the developer''s own API or cloud) or reseller, as in marts.model_price_history.listing_party; null when unknown.';
comment on column marts.cheapest_per_tier.cheapest_is_reasoning is 'Its reasoning flag (marts.model_reasoning.is_reasoning; null when unknown).';
comment on column marts.cheapest_per_tier.cheapest_blended_usd_per_mtok is 'Cheapest blended (3:1) price, USD per 1M tokens.';
comment on column marts.cheapest_per_tier.price_observed_on is 'Date that price was observed.';
comment on column marts.cheapest_per_tier.qualifying_models is 'Distinct qualifying models with a current price (count).';

-- Models known only from a price listing (Epoch's benchmark names such as Llama-3-Instruct-70B)
-- now have a row too, with the developer read from the id.
comment on table marts.model_developers is 'One row per canonical model id in staging.models or priced in marts.model_price_history: the organization its sources give and the canonical developer it normalises to (rules and mapping in transforms/data/developers.csv).';
comment on column marts.model_developers.organization is 'First non-empty organization its sources give, as written (null when none does, as for a model known only from its price listings).';
