-- Adoption-model parameters of one run ($1).
select model, basis, parameter, estimate, ci90_low, ci90_high, estimate_date, ci90_low_date, ci90_high_date, note
from forecast.adoption_fits
where run_id = $1
order by model = 'logistic' desc, model, basis, parameter
