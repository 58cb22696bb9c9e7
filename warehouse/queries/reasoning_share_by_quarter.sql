-- What share of new model releases are reasoning (test-time compute) models, by quarter since 2023, with bounds for releases whose flag is unknown?
-- columns: quarter, n_releases, n_flag_known, n_reasoning, n_unknown, share, share_min, share_max
select
    period as quarter,
    n_releases,
    n_flag_known,
    n_reasoning,
    n_unknown,
    round(share, 3) as share,
    round(share_min, 3) as share_min,
    round(share_max, 3) as share_max
from marts.reasoning_adoption
where period_type = 'quarter' and organization = 'all' and period >= date '2023-01-01'
order by period
