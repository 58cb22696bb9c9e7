-- Claims checked by one run ($1).
select claim_id, claim_text, metric, estimate, ci90_low, ci90_high, unit, verdict, evidence, data_needed
from forecast.claims
where run_id = $1
order by claim_id
