-- Backtest metrics of one run ($1), one row per target, series and candidate model.
select
    target,
    series_id,
    model,
    horizon,
    mase,
    mase_vs_drift,
    coverage_80,
    coverage_95,
    winkler,
    n_windows,
    is_champion,
    champion_reason
from forecast.backtests
where run_id = $1
order by target, series_id, is_champion desc, mase nulls last, model
