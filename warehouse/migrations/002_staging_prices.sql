-- Staging tables for token prices and model capability scores (append-only history).
create table staging.token_prices (
    source varchar not null,
    provider varchar not null,
    model varchar not null,
    model_version varchar not null,
    observed_on date not null,
    input_usd_per_mtok double,
    output_usd_per_mtok double,
    blended_usd_per_mtok double,
    cached_input_usd_per_mtok double,
    reasoning_usd_per_mtok double,
    provenance varchar not null,
    batch_id varchar not null,
    primary key (source, provider, model, model_version, observed_on)
);
comment on table staging.token_prices is 'One row per observed price of one model at one provider on one date; USD per 1M tokens; blended = (3 input + 1 output) / 4.';

create table staging.model_capabilities (
    source varchar not null,
    model varchar not null,
    observed_on date not null,
    benchmark varchar not null,
    score double not null,
    provenance varchar not null,
    batch_id varchar not null,
    primary key (source, model, observed_on, benchmark)
);
comment on table staging.model_capabilities is 'One row per model per benchmark per observation date; score in percent (Chatbot Arena: Elo points).';
