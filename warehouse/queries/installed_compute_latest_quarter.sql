-- How much AI compute is installed per vendor in the latest quarter, in H100-equivalents with the 5th-95th percentile range?
-- columns: vendor, quarter, installed_h100e_p5, installed_h100e_p50, installed_h100e_p95, shipped_h100e_p50, share_of_all
with latest_quarter as (
    select max(quarter) as quarter
    from marts.installed_compute
),
latest_installed as (
    select c.*
    from marts.installed_compute as c
    join latest_quarter using (quarter)
)
select
    vendor,
    quarter,
    round(installed_h100e_p5) as installed_h100e_p5,
    round(installed_h100e_p50) as installed_h100e_p50,
    round(installed_h100e_p95) as installed_h100e_p95,
    round(shipped_h100e_p50) as shipped_h100e_p50,
    round(installed_h100e_p50 / max(installed_h100e_p50) filter (where vendor = 'all') over (), 3) as share_of_all
from latest_installed
order by vendor = 'all', installed_h100e_p50 desc
