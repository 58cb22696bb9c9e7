-- Per feed: how many of its model identifiers resolve to a model that another feed also knows.
with model_feeds as (
    select distinct
        model_id,
        case when source like 'epoch%' then 'epoch_models' else source end as feed
    from staging.models
),
aliases_matched as (
    select
        a.feed,
        a.alias,
        exists (
            select 1 from model_feeds as m where m.model_id = a.model_id and m.feed <> a.feed
        ) as matched_elsewhere
    from staging.model_aliases as a
)
select
    feed,
    count(*) as identifiers,
    count(*) filter (where matched_elsewhere) as matched,
    round(count(*) filter (where matched_elsewhere) / count(*), 3) as match_rate,
    count(*) filter (where not matched_elsewhere) as unmatched
from aliases_matched
group by feed
order by feed
