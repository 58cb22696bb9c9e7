-- Schemas of the warehouse and the bookkeeping tables of the pipeline.
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists marts;
create schema if not exists forecast;
create schema if not exists meta;

create table meta.ingest_batches (
    batch_id varchar primary key,
    feed varchar not null,
    source varchar not null,
    fetched_at timestamp not null,
    sha256 varchar not null,
    archive_path varchar,
    rows_in bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_duplicate bigint not null,
    status varchar not null,
    message varchar,
    finished_at timestamp not null
);
comment on table meta.ingest_batches is 'One row per load of one payload into staging (feed, source, sha256, row counts, status).';

create table meta.quarantine (
    batch_id varchar not null,
    feed varchar not null,
    staging_table varchar not null,
    source_row bigint,
    column_name varchar,
    check_name varchar not null,
    offending_value varchar,
    raw_row json
);
comment on table meta.quarantine is 'One row per failed check of a row that was not loaded; raw_row holds the parsed row as JSON.';
