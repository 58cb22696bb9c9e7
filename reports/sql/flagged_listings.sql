-- Price listings the plausibility check flags, those that would set the most tier-months first.
select *
from marts.flagged_price_listings
order by tier_months_it_would_set desc, rule, provider, model
