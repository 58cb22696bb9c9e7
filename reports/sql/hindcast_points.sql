-- What the latest hindcast's champion forecast then, and what happened: one row per as-of date,
-- family and series at the family's headline horizon (12 months ahead, or 4 quarters).
with latest_hindcast as (
    select hindcast_id
    from forecast.hindcast_runs
    order by started_at desc, hindcast_id desc
    limit 1
)
select p.as_of, p.target, p.series_id, p.model, p.ds, p.lead, p.median, p.lo_80, p.hi_80, p.lo_95, p.hi_95, p.observed, p.unit
from forecast.hindcast_points as p
join latest_hindcast using (hindcast_id)
where p.method = 'champion'
    and p.lead = case when p.target in ('price_index', 'frontier_price') then 12 else 4 end
order by p.target, p.series_id, p.as_of
