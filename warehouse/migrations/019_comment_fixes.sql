-- Migration 015 rewrote these comments from an older reading of the mart: n_releases counts every
-- release (not only those with a known flag) and share's denominator is n_flag_known. Each comment
-- ends with the column's formula, which tests/warehouse/test_documented_warehouse.py evaluates.
comment on column marts.reasoning_adoption.n_releases is 'New model releases dated in the period, whether or not a source gives their reasoning flag (count). Formula: n_flag_known + n_unknown.';
comment on column marts.reasoning_adoption.n_flag_known is 'Releases in the period whose reasoning flag some source gives (count): the denominator of share. Formula: n_releases - n_unknown.';
comment on column marts.reasoning_adoption.n_reasoning is 'Releases in the period flagged as reasoning (test-time compute) models, always-on or hybrid (count).';
comment on column marts.reasoning_adoption.n_unknown is 'Releases in the period whose reasoning flag no source gives (count; outside share, inside share_min and share_max).';
comment on column marts.reasoning_adoption.share is 'Reasoning share of the releases whose flag is known (0..1; null when n_flag_known is 0). Formula: n_reasoning / n_flag_known.';
comment on column marts.reasoning_adoption.share_min is 'Share if every release with an unknown flag were non-reasoning (0..1). Formula: n_reasoning / n_releases.';
comment on column marts.reasoning_adoption.share_max is 'Share if every release with an unknown flag were reasoning (0..1). Formula: (n_reasoning + n_unknown) / n_releases.';

-- The migration log was the one relation without a table comment.
comment on table meta.schema_migrations is 'One row per applied migration (warehouse/migrations/NNN_name.sql): number, name, checksum and when it was applied. A migration already listed here is not applied again.';
