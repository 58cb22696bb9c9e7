-- What happened, per forecast target, series and period, from the marts (as they are now).
-- NVIDIA fiscal quarters sit at the calendar quarter of their midpoint, as in the forecast series.
-- Token demand is left out: its reports are irregular, of different products, and not on quarter starts.
with price_index_actuals as (
    select 'price_index' as target, tier_id as series_id, month as ds, cheapest_blended_usd_per_mtok as actual
    from marts.price_index
),
frontier_price_actuals as (
    select 'frontier_price' as target, benchmark as series_id, month as ds, blended_usd_per_mtok as actual
    from marts.frontier_price
),
installed_actuals as (
    select 'installed_h100e' as target, vendor as series_id, quarter as ds, installed_h100e_p50 as actual
    from marts.installed_compute
),
revenue_actuals as (
    select
        'nvidia_datacenter_revenue' as target,
        'Nvidia' as series_id,
        cast(date_trunc('quarter', period_start + cast((period_end - period_start) // 2 as integer)) as date) as ds,
        datacenter_revenue_usd as actual
    from marts.revenue_reconciliation
    where datacenter_revenue_usd is not null
),
reasoning_share_actuals as (
    select 'reasoning_share' as target, organization as series_id, period as ds, share as actual
    from marts.reasoning_adoption
    where period_type = 'quarter' and organization = 'all' and share is not null
)
select * from price_index_actuals
union all
select * from frontier_price_actuals
union all
select * from installed_actuals
union all
select * from revenue_actuals
union all
select * from reasoning_share_actuals
