-- The latest flow runs, newest first.
select
    run_id,
    flow,
    strftime(started_at, '%Y-%m-%d %H:%M:%S') as started_at,
    strftime(finished_at, '%Y-%m-%d %H:%M:%S') as finished_at,
    status,
    coalesce(array_to_string(cast(warnings as varchar[]), '; '), '') as warnings
from meta.flow_runs
order by started_at desc
limit 5
