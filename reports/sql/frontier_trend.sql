-- Per benchmark: the latest frontier price and model, and the price twelve months before it.
with latest_month as (
    select benchmark, max(month) as month
    from marts.frontier_price
    group by benchmark
),
latest_price as (
    select f.benchmark, f.month, f.model, f.provider, f.score, f.blended_usd_per_mtok
    from marts.frontier_price as f
    join latest_month using (benchmark, month)
),
year_earlier_price as (
    select f.benchmark, f.month, f.model, f.blended_usd_per_mtok
    from marts.frontier_price as f
    join latest_month as l on l.benchmark = f.benchmark and f.month = l.month - interval 12 month
)
select
    l.benchmark,
    l.month,
    l.model,
    l.provider,
    l.score,
    l.blended_usd_per_mtok,
    y.month as year_earlier_month,
    y.model as year_earlier_model,
    y.blended_usd_per_mtok as year_earlier_usd_per_mtok
from latest_price as l
left join year_earlier_price as y using (benchmark)
order by l.benchmark
