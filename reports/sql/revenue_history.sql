-- NVIDIA data-center revenue per fiscal quarter, placed at the calendar quarter of the fiscal
-- quarter's midpoint (as the forecast series is), with the reconciliation against unit estimates.
with quarter_midpoints as (
    select
        *,
        period_start + cast((period_end - period_start) // 2 as integer) as midpoint
    from marts.revenue_reconciliation
)
select
    fiscal_quarter,
    period_start,
    period_end,
    cast(date_trunc('quarter', midpoint) as date) as calendar_quarter,
    datacenter_revenue_usd,
    compute_revenue_usd,
    implied_units_low,
    implied_units_high,
    shipped_units_p5,
    shipped_units_p50,
    shipped_units_p95,
    gap_ratio,
    flagged,
    note
from quarter_midpoints
order by period_start
