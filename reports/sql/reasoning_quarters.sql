-- Quarterly share of new releases (all organizations) that are reasoning models.
select period, n_releases, n_flag_known, n_reasoning, n_unknown, share, share_min, share_max
from marts.reasoning_adoption
where period_type = 'quarter' and organization = 'all'
order by period
