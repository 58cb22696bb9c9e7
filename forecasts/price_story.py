"""One story for prices: the headline decline, the price forecast and claims C01/C02 all rest
on the step-decline model's pooled tier rates, and a check on every run says whether they agree.

`pooled_decline_rows` writes the rate the step model uses per tier into forecast.decline_rates
(method `step_decline_pooled`), so the report's headline and claim C01 read the same numbers
the price forecast is built from when the step model is the champion; when another model wins,
the first check below says whether its forecast still agrees with the headline. `price_story_checks` compares, per run:
- price_forecast_matches_headline: the median over tiers of the forecast's implied decline
  over its first twelve months (last observed index value / forecast median twelve months on)
  must lie inside the headline's typical 90% CI (medians of the tiers' bounds);
- price_claims_agree: when C01 finds the measured rate significantly faster than claimed, C02
  (will the claimed decline continue?) must not be contradicted, and when C01 finds it
  significantly slower, C02 must not be supported.
Rows follow the forecast.checks layout (check_id, subject, passed, observed, expected_low,
expected_high, message).
"""

from __future__ import annotations

import math
import statistics

import duckdb
import polars as pl
from scipy import stats

from forecasts.step_decline import StepDecline

POOLED_METHOD = "step_decline_pooled"
CI_LEVEL = 0.90

CHECKS_SCHEMA: dict[str, pl.DataType] = {
    "check_id": pl.String(),
    "subject": pl.String(),
    "passed": pl.Boolean(),
    "observed": pl.Float64(),
    "expected_low": pl.Float64(),
    "expected_high": pl.Float64(),
    "message": pl.String(),
}


def pooled_decline_rows(index: pl.DataFrame) -> pl.DataFrame:
    """Per tier of the monthly index: the step model's pooled decline factor per year and 90% CI."""
    series = {
        str(tier): part.sort("month").select(
            pl.col("month").alias("ds"), pl.col("cheapest_blended_usd_per_mtok").alias("y")
        )
        for (tier,), part in index.group_by("tier_id", maintain_order=True)
    }
    z = float(stats.norm.ppf(0.5 + CI_LEVEL / 2))
    rows = []
    for row in index.sort("month").unique("tier_id", keep="first", maintain_order=True).iter_rows(named=True):
        history = series[str(row["tier_id"])]
        try:
            model = StepDecline(peers=series).fit(history)
        except ValueError:
            continue
        assert model.fitted is not None
        pooled = model.fitted.pooled
        rows.append(
            {
                "tier_id": row["tier_id"],
                "benchmark": row["benchmark"],
                "threshold_model": row["threshold_model"],
                "threshold_score": row["threshold_score"],
                "n": history.height,
                "start_date": history["ds"].min(),
                "end_date": history["ds"].max(),
                "factor_per_year": math.exp(pooled.rate_per_year),
                "ci90_low": math.exp(pooled.rate_per_year - z * pooled.sd),
                "ci90_high": math.exp(pooled.rate_per_year + z * pooled.sd),
                "r_squared": None,  # a shrunk rate has no R² of its own (null, not NaN)
                "method": POOLED_METHOD,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"r_squared": pl.Float64()})


def implied_annual_factors(values: pl.DataFrame, index: pl.DataFrame) -> dict[str, float]:
    """Per tier: last observed index value / the forecast median twelve months after it."""
    factors = {}
    for (tier,), part in values.group_by("series_id", maintain_order=True):
        first = part["ds"].min()
        observed = index.filter((pl.col("tier_id") == tier) & (pl.col("month") < first)).sort("month")
        ahead = part.sort("ds")
        if observed.height == 0 or ahead.height < 12:
            continue
        factors[str(tier)] = float(observed["cheapest_blended_usd_per_mtok"][-1]) / float(ahead["mean"][11])
    return factors


def price_story_checks(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    rows = []
    rates = con.sql(
        # The headline's tiers: those of the published table when the run reproduced it.
        "select factor_per_year, ci90_low, ci90_high from forecast.decline_rates where run_id = $1 and method = $2 "
        "and (tier_id in (select tier_id from forecast.published_reproduction where run_id = $1) "
        "or not exists (select 1 from forecast.published_reproduction where run_id = $1))",
        params=[run_id, POOLED_METHOD],
    ).pl()
    values = con.sql(
        # Stored as `median`; implied_annual_factors reads the models' in-memory name.
        "select series_id, model, ds, median as mean from forecast.values where run_id = ? and target = 'price_index'",
        params=[run_id],
    ).pl()
    index = con.sql("select tier_id, month, cheapest_blended_usd_per_mtok from marts.price_index").pl()
    implied = implied_annual_factors(values, index) if values.height else {}
    if rates.height and implied:
        headline = statistics.median(rates["factor_per_year"].to_list())
        low = statistics.median(rates["ci90_low"].to_list())
        high = statistics.median(rates["ci90_high"].to_list())
        observed = statistics.median(implied.values())
        models = ", ".join(sorted(set(values["model"])))
        passed = low <= observed <= high
        rows.append(
            {
                "check_id": "price_forecast_matches_headline",
                "subject": "price_index",
                "passed": passed,
                "observed": observed,
                "expected_low": low,
                "expected_high": high,
                "message": (
                    f"price forecast ({models}) implies {observed:.2f}x cheaper over its first year (median of "
                    f"{len(implied)} tiers); the headline says {headline:.2f}x per year (typical 90% CI "
                    f"{low:.2f}x to {high:.2f}x)" + ("" if passed else ": they disagree")
                ),
            }
        )
    claims = (
        dict(
            con.execute(
                "select claim_id, verdict from forecast.claims where run_id = ? and claim_id in ('C01', 'C02')",
                [run_id],
            ).fetchall()
        )
        if _has_table(con, "claims")
        else {}
    )
    c01 = (
        con.execute(
            "select estimate, ci90_low, ci90_high from forecast.claims where run_id = ? and claim_id = 'C01'",
            [run_id],
        ).fetchall()
        if "C01" in claims
        else []
    )
    if c01 and "C02" in claims and c01[0][1] is not None:
        claimed = (1 / (1 - 0.92)) ** (1 / 3)
        faster, slower = c01[0][1] > claimed, c01[0][2] < claimed
        contradiction = (faster and claims["C02"] == "contradicted") or (slower and claims["C02"] == "supported")
        rows.append(
            {
                "check_id": "price_claims_agree",
                "subject": "C01/C02",
                "passed": not contradiction,
                "observed": float(c01[0][0]),
                "expected_low": float(c01[0][1]),
                "expected_high": float(c01[0][2]),
                "message": (
                    f"C01 (measured rate {c01[0][0]:.2f}x/yr, 90% CI {c01[0][1]:.2f}x to {c01[0][2]:.2f}x against "
                    f"claimed {claimed:.2f}x) is {claims['C01']}; C02 (will it continue) is {claims['C02']}"
                    + (": the two contradict each other" if contradiction else "")
                ),
            }
        )
    return pl.DataFrame(rows, schema=CHECKS_SCHEMA) if rows else pl.DataFrame(schema=CHECKS_SCHEMA)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute(
        "select 1 from duckdb_tables() where schema_name = 'forecast' and table_name = ?", [name]
    ).fetchall()
    return bool(found)


def failures(checks: pl.DataFrame) -> list[str]:
    return [f"check {row['check_id']} failed: {row['message']}" for row in checks.filter(~pl.col("passed")).to_dicts()]
