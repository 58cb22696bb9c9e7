import datetime as dt

import polars as pl
import pytest

from forecasts.base import add_months
from forecasts.growth_consistency import growth_mismatches
from forecasts.pooled import forecast_family
from forecasts.selection import SelectionRule


def _quarterly(values, start=dt.date(2024, 1, 1)):
    return pl.DataFrame(
        {"ds": [add_months(start, 3 * i) for i in range(len(values))], "y": [float(v) for v in values]},
        schema={"ds": pl.Date(), "y": pl.Float64()},
    )


def _ahead(series_id, values, start=dt.date(2026, 1, 1)):
    return _quarterly(values, start).rename({"y": "mean"}).with_columns(series_id=pl.lit(series_id))


def test_implied_growth_is_the_median_four_quarters_ahead_over_the_last_value():
    histories = {"a": _quarterly([5, 10]), "b": _quarterly([5, 10])}
    values = pl.concat([_ahead("a", [12, 14, 17, 20, 22]), _ahead("b", [12, 14, 17, 25, 30])])
    # a: 20 / 10 = 2.0x, outside 2.2–3.0; b: 25 / 10 = 2.5x, inside.
    mismatches = growth_mismatches(values, histories, {"a": (2.2, 3.0), "b": (2.2, 3.0)}, "quarter")
    assert [(m.series_id, m.implied_factor) for m in mismatches] == [("a", pytest.approx(2.0))]
    assert mismatches[0].describe() == "a 2.00x a year outside the measured 2.20–3.00x"


def test_series_without_a_ci_or_a_year_of_forecast_are_not_judged():
    histories = {"a": _quarterly([5, 10]), "b": _quarterly([5, 10])}
    values = pl.concat([_ahead("a", [10, 10, 10]), _ahead("b", [10, 10, 10, 10])])
    assert growth_mismatches(values, histories, {"a": (2.0, 3.0)}, "quarter") == []


DOUBLING = {"s": _quarterly([100 * 2 ** (t / 4) for t in range(12)])}
# Too few windows for the rule, so its default (naive here) is the first choice.
NAIVE_FIRST = SelectionRule(min_windows=100, default_model="naive")


def _family(candidates, growth_ci):
    return forecast_family(
        DOUBLING,
        8,
        backtest_horizon=4,
        backtest_windows=3,
        score_leads=(2, 4),
        min_train=4,
        freq="quarter",
        candidates=candidates,
        rule=NAIVE_FIRST,
        growth_ci=growth_ci,
    )


def test_a_champion_that_contradicts_the_measured_growth_is_passed_over():
    family = _family(("naive", "drift_rw"), {"s": (1.8, 2.2)})
    assert set(family.values["model"]) == {"drift_rw"}
    reason = family.family_scores.filter(pl.col("is_champion"))["champion_reason"][0]
    assert "passed over because their first-year growth contradicts the measured growth: naive (s 1.00x" in reason
    fourth = family.values.sort("ds")["mean"][3]
    assert fourth / DOUBLING["s"]["y"][-1] == pytest.approx(2.0, rel=1e-6)


def test_without_a_ci_the_first_choice_stands_silently():
    family = _family(("naive", "drift_rw"), None)
    assert set(family.values["model"]) == {"naive"}
    assert "passed over" not in family.family_scores["champion_reason"].drop_nulls()[0]


def test_when_no_candidate_agrees_the_first_choice_stands_and_says_so():
    family = _family(("naive",), {"s": (1.8, 2.2)})
    assert set(family.values["model"]) == {"naive"}
    reason = family.family_scores.filter(pl.col("is_champion"))["champion_reason"][0]
    assert "no candidate's forecast growth lies inside the measured growth CI" in reason
