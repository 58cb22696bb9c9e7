-- Scenario assumptions of one run ($1).
select scenario, parameter, value, unit, basis
from forecast.scenario_parameters
where run_id = $1
order by parameter, scenario
