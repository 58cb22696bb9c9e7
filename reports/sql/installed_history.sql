-- Installed compute per vendor (and "all") per quarter: p5/p50/p95 in H100-equivalents.
select
    vendor,
    quarter,
    installed_h100e_p5,
    installed_h100e_p50,
    installed_h100e_p95,
    shipped_h100e_p50,
    retired_h100e_p50,
    service_life_years
from marts.installed_compute
order by vendor = 'all' desc, vendor, quarter
