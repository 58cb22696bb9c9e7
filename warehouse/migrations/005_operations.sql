-- Operations: HTTP validators and health per feed endpoint, and the history of flow runs.
create table meta.fetch_state (
    feed varchar not null,
    url varchar not null,
    etag varchar,
    last_modified varchar,
    last_attempt_at timestamp not null,
    last_success_at timestamp,
    last_status varchar not null,
    last_error varchar,
    primary key (feed, url)
);
comment on table meta.fetch_state is 'One row per feed endpoint: conditional-GET validators, last attempt and last success, and the last error (a feed whose last attempt failed is stale).';

create table meta.flow_runs (
    run_id varchar primary key,
    flow varchar not null,
    parameters json not null,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    rows_per_stage json,
    warnings json,
    prefect_flow_run_id varchar
);
comment on table meta.flow_runs is 'One row per run of a flow (refresh, prices-daily): parameters, timing, status (running, success, partial, failed, crashed), rows per stage, warnings, Prefect flow-run id.';
