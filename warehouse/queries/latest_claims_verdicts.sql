-- What did the latest successful forecast run conclude about each quantitative claim, and on what evidence?
-- columns: claim_id, claim_text, verdict, estimate, ci90_low, ci90_high, unit, evidence, data_needed, run_id, as_of
with latest_successful_run as (
    select run_id, as_of
    from forecast.latest_successful_run  -- greatest as-of date among successful runs
)
select
    c.claim_id,
    c.claim_text,
    c.verdict,
    c.estimate,
    c.ci90_low,
    c.ci90_high,
    c.unit,
    c.evidence,
    c.data_needed,
    r.run_id,
    r.as_of
from forecast.claims as c
join latest_successful_run as r using (run_id)
order by c.verdict, c.claim_id
