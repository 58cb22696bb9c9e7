-- The latest hindcast's scores (forecasts made as of past dates against what happened), per family and lead.
with latest_hindcast as (
    select hindcast_id
    from forecast.hindcast_runs
    order by started_at desc, hindcast_id desc
    limit 1
)
select s.*, (select min(as_of) from forecast.hindcast_runs r where r.hindcast_id = s.hindcast_id) as first_as_of,
    (select max(as_of) from forecast.hindcast_runs r where r.hindcast_id = s.hindcast_id) as last_as_of
from forecast.hindcast_scores as s
join latest_hindcast using (hindcast_id)
where s.lead = 0
    or (s.target in ('price_index', 'frontier_price') and s.lead in (6, 12, 24))
    or (s.target not in ('price_index', 'frontier_price') and s.lead in (2, 4, 8))
order by s.target, s.method, s.lead
