-- Which feed identifiers did not resolve to a model any other feed knows (kept, never dropped)?
-- columns: feed, alias, model_id, match_method
with model_feeds as (
    select distinct
        model_id,
        case when source like 'epoch%' then 'epoch_models' else source end as feed
    from staging.models
)
select a.feed, a.alias, a.model_id, a.match_method
from staging.model_aliases as a
where not exists (
    select 1 from model_feeds as m where m.model_id = a.model_id and m.feed <> a.feed
)
order by a.feed, a.alias
