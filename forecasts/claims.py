"""Check a registry of quantitative claims against one forecast run (the rows of forecast.claims).

The registry (forecasts/data/claims.toml) holds one table per claim: a paraphrase, the metric
we estimate, the thresholds, the verdict rule in words, the evaluator (a function in
EVALUATORS) and, for claims our data cannot settle, the data that would. Each evaluator reads
the run's forecast tables and the marts, and returns our estimate (with a 90% interval where
one exists), a verdict and the evidence behind it.

Verdicts: supported, contradicted, inconclusive, "not testable with ingested data". A claim
whose inputs are missing from the run (a table or series the run did not produce) is
inconclusive, and its evidence names what was missing; evaluating never raises for that.
The verdict rules per claim are in the registry (`verdict_rule`) and implemented below, one
function per claim. Shared readings:

* A forecast row (median and 80%/95% bounds) is read as lognormal: mu = ln(median), and the
  log-scale sd fitted by least squares through the four bounds (sd = sum z_i d_i / sum z_i^2,
  d_i = ln(bound_i) - mu, z_i = -/+1.2816, -/+1.96). Engine intervals need not be exactly
  lognormal; using all four bounds keeps either band from deciding alone.
* A sum of quarterly forecasts takes the sum of the quarters' quantiles, which is the
  quantile of the sum when the quarters move together (comonotonic). Trend forecasts nearly
  do; independent quarters would give a narrower interval.
* A share of releases has a Jeffreys 90% interval (Beta(k + 1/2, n - k + 1/2) quantiles, with
  the bound at 0 or 1 when k = 0 or k = n).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from scipy import stats

from transforms.adoption import dedupe_models

DEFAULT_CLAIMS_FILE = Path(__file__).parent / "data" / "claims.toml"

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
INCONCLUSIVE = "inconclusive"
NOT_TESTABLE = "not testable with ingested data"
VERDICTS = (SUPPORTED, CONTRADICTED, INCONCLUSIVE, NOT_TESTABLE)

CLAIMS_SCHEMA: dict[str, pl.DataType] = {
    "claim_id": pl.String(),
    "claim_text": pl.String(),
    "metric": pl.String(),
    "estimate": pl.Float64(),
    "ci90_low": pl.Float64(),
    "ci90_high": pl.Float64(),
    "unit": pl.String(),
    "verdict": pl.String(),
    "evidence": pl.String(),
    "data_needed": pl.String(),
}

Z80 = float(stats.norm.ppf(0.90))
Z90 = float(stats.norm.ppf(0.95))
Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    metric: str
    unit: str | None
    evaluator: str
    verdict_rule: str
    thresholds: Mapping[str, Any] = field(default_factory=dict)
    data_needed: str | None = None


@dataclass(frozen=True)
class Evaluation:
    verdict: str
    evidence: str
    estimate: float | None = None
    ci90_low: float | None = None
    ci90_high: float | None = None
    data_needed: str | None = None  # overrides the registry's


@dataclass(frozen=True)
class RunContext:
    con: duckdb.DuckDBPyConnection
    run_id: str
    as_of: dt.date | None  # None when the run is not in forecast.runs

    def frame(self, query: str, params: list[Any] | None = None) -> pl.DataFrame:
        return self.con.sql(query, params=params or []).pl()


class MissingInput(Exception):
    """An input table or series is missing from the run: the claim is inconclusive."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(what)


# --- registry --------------------------------------------------------------------------------


def load_claims(path: Path = DEFAULT_CLAIMS_FILE) -> tuple[str, list[Claim]]:
    """(attribution, claims) from the registry; ValueError if it is malformed."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    attribution = str(document.get("attribution", "")).strip()
    if not attribution:
        raise ValueError(f"{path}: the registry needs an attribution")
    claims = []
    for number, table in enumerate(document.get("claim", []), start=1):
        missing = [k for k in ("id", "text", "metric", "evaluator", "verdict_rule") if not table.get(k)]
        if missing:
            raise ValueError(f"{path}: claim #{number} lacks {', '.join(missing)}")
        if table["evaluator"] not in EVALUATORS:
            raise ValueError(f"{path}: claim {table['id']}: unknown evaluator {table['evaluator']!r}")
        claims.append(
            Claim(
                id=str(table["id"]),
                text=str(table["text"]).strip(),
                metric=str(table["metric"]).strip(),
                unit=table.get("unit"),
                evaluator=str(table["evaluator"]),
                verdict_rule=" ".join(str(table["verdict_rule"]).split()),
                thresholds=dict(table.get("thresholds", {})),
                data_needed=table.get("data_needed"),
            )
        )
    ids = [claim.id for claim in claims]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: claim ids must be unique: {ids}")
    return attribution, claims


def evaluate_claims(con: duckdb.DuckDBPyConnection, run_id: str, path: Path = DEFAULT_CLAIMS_FILE) -> pl.DataFrame:
    """CLAIMS_SCHEMA rows (forecast.claims without run_id), one per claim in registry order."""
    attribution, claims = load_claims(path)
    rows = con.execute("select as_of from forecast.runs where run_id = ?", [run_id]).fetchall()
    context = RunContext(con, run_id, rows[0][0] if rows else None)
    output = []
    for claim in claims:
        try:
            result = EVALUATORS[claim.evaluator](context, claim)
        except MissingInput as missing:
            result = Evaluation(
                INCONCLUSIVE,
                f"Missing input for run {run_id}: {missing.what}. The claim could not be evaluated.",
                data_needed=f"{missing.what} (for run {run_id})",
            )
        if result.verdict not in VERDICTS:
            raise ValueError(f"claim {claim.id}: evaluator returned unknown verdict {result.verdict!r}")
        needed = result.data_needed
        if needed is None and result.verdict in (NOT_TESTABLE, INCONCLUSIVE):
            needed = claim.data_needed
        output.append(
            {
                "claim_id": claim.id,
                "claim_text": f"{claim.text} (claim in {attribution})",
                "metric": claim.metric,
                "estimate": result.estimate,
                "ci90_low": result.ci90_low,
                "ci90_high": result.ci90_high,
                "unit": claim.unit,
                "verdict": result.verdict,
                "evidence": result.evidence,
                "data_needed": needed,
            }
        )
    return pl.DataFrame(output, schema=CLAIMS_SCHEMA)


# --- shared readings -------------------------------------------------------------------------


def lognormal_from_bands(median: float, lo_80: float, hi_80: float, lo_95: float, hi_95: float) -> tuple[float, float]:
    """(mu, sigma) of log value from a forecast's median and 80%/95% bounds (module doc)."""
    if median <= 0:
        raise ValueError("a lognormal reading needs a positive median")
    mu = math.log(median)
    pairs = [(z, b) for z, b in ((-Z80, lo_80), (Z80, hi_80), (-Z95, lo_95), (Z95, hi_95)) if b is not None and b > 0]
    if not pairs:
        return mu, 0.0
    sigma = sum(z * (math.log(b) - mu) for z, b in pairs) / sum(z * z for z, _ in pairs)
    return mu, max(sigma, 0.0)


def jeffreys_interval(k: int, n: int, level: float = 0.90) -> tuple[float, float]:
    tail = (1.0 - level) / 2.0
    low = 0.0 if k == 0 else float(stats.beta.ppf(tail, k + 0.5, n - k + 0.5))
    high = 1.0 if k == n else float(stats.beta.ppf(1.0 - tail, k + 0.5, n - k + 0.5))
    return low, high


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _usd(x: float) -> str:
    return f"${x / 1e12:.2f}T" if abs(x) >= 1e12 else f"${x / 1e9:,.0f}B"


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


# --- C01, C02: price declines ----------------------------------------------------------------


def price_decline_rate(ctx: RunContext, claim: Claim) -> Evaluation:
    t = claim.thresholds
    claimed = (1.0 / (1.0 - float(t["decline_fraction"]))) ** (1.0 / float(t["years"]))
    # The tiers of the published table, as the report's headline uses (all tiers when a run has no
    # reproduction rows), so the claim and the headline rest on one median.
    published_tiers = (
        " and (tier_id in (select tier_id from forecast.published_reproduction where run_id = $1)"
        " or not exists (select 1 from forecast.published_reproduction where run_id = $1))"
    )
    rates = ctx.frame(
        "select tier_id, factor_per_year, ci90_low, ci90_high from forecast.decline_rates "
        f"where run_id = $1 and method = $2{published_tiers} order by tier_id",
        [ctx.run_id, t["method"]],
    )
    if rates.height == 0:
        raise MissingInput(f"forecast.decline_rates rows with method {t['method']!r}")
    factors = rates["factor_per_year"].to_list()
    median, low, high = (statistics.median(rates[c].to_list()) for c in ("factor_per_year", "ci90_low", "ci90_high"))
    faster = rates.filter(pl.col("ci90_low") > claimed).height
    slower = rates.filter(pl.col("ci90_high") < claimed).height
    consistent = rates.height - faster - slower
    cross = ctx.frame(
        f"select factor_per_year from forecast.decline_rates where run_id = $1 and method = $2{published_tiers}",
        [ctx.run_id, t["cross_check_method"]],
    )
    fall = 1.0 - median ** -float(t["years"])
    claimed_fall = f"{float(t['decline_fraction']):.0%}"
    evidence = [
        f"Claimed rate: {claimed:.2f}x a year (a {claimed_fall} fall in {float(t['years']):g} years).",
        f"Our constant-capability decline ({t['method']}) across {rates.height} tiers: median {_num(median)}x a year "
        f"(tiers range {_num(min(factors))}x to {_num(max(factors))}x); median 90% CI {_num(low)}x to {_num(high)}x.",
        f"{faster} tier(s) decline significantly faster than claimed, {consistent} are consistent with it, "
        f"{slower} decline significantly slower.",
    ]
    if cross.height:
        evidence.append(
            f"Cross-check ({t['cross_check_method']}): median {_num(statistics.median(cross['factor_per_year']))}x "
            f"a year across {cross.height} tiers."
        )
    if low <= claimed <= high:
        verdict = SUPPORTED
        evidence.append("The claimed rate lies inside the median tier's 90% CI.")
    elif low > claimed:
        verdict = CONTRADICTED
        evidence.append(
            # The part left, not "99.9772%": a fall that deep reads by what remains.
            f"At the median tier's rate a price falls to {(1 - fall) * 100:.2g}% of its level in "
            f"{float(t['years']):g} years (a fall of more than {math.floor(fall * 1000) / 10:g}%), not "
            f"{claimed_fall}: the claim understates the decline at constant capability. Read as 'at least "
            f"{claimed_fall}' it holds, but as a rate it is too slow by far."
        )
    else:
        verdict = CONTRADICTED
        evidence.append(f"At the median tier's rate a price falls by {fall:.1%}: the claim overstates the decline.")
    evidence.append(
        "Our prices are list prices (blended 3:1) of the cheapest model meeting a capability threshold, not "
        "providers' serving cost and not the price of one fixed model."
    )
    return Evaluation(verdict, " ".join(evidence), median, low, high)


def price_decline_continues(ctx: RunContext, claim: Claim) -> Evaluation:
    t = claim.thresholds
    keep, years, max_h = 1.0 - float(t["decline_fraction"]), float(t["years"]), int(t["max_horizon_months"])
    values = ctx.frame(
        "select series_id, model, ds, median, lo_80, hi_80, lo_95, hi_95 from forecast.values "
        "where run_id = ? and target = 'price_index' order by series_id, ds",
        [ctx.run_id],
    )
    if values.height == 0:
        raise MissingInput("forecast.values target 'price_index'")
    index = ctx.frame("select tier_id, month, cheapest_blended_usd_per_mtok as price from marts.price_index")
    probabilities: list[float] = []
    horizons: list[int] = []
    ratios: list[float] = []  # forecast median at the horizon / today's price
    champions: dict[str, int] = {}
    skipped: list[str] = []
    for (tier,), part in values.group_by("series_id", maintain_order=True):
        first = part["ds"].min()
        observed = index.filter((pl.col("tier_id") == tier) & (pl.col("month") < first)).sort("month").tail(1)
        if observed.height == 0:
            skipped.append(str(tier))
            continue
        origin: dt.date = observed["month"][0]
        today = float(observed["price"][0])
        reachable = [r for r in part.iter_rows(named=True) if _months_between(origin, r["ds"]) <= max_h]
        if not reachable:
            skipped.append(str(tier))
            continue
        row = reachable[-1]
        months = _months_between(origin, row["ds"])
        mu, sigma = lognormal_from_bands(row["median"], row["lo_80"], row["hi_80"], row["lo_95"], row["hi_95"])
        log_threshold = math.log(today * keep ** (months / 12.0 / years))
        if sigma > 0:
            probabilities.append(float(stats.norm.cdf((log_threshold - mu) / sigma)))
        else:
            probabilities.append(1.0 if log_threshold >= mu else 0.0)
        horizons.append(months)
        ratios.append(row["median"] / today)
        champions[row["model"]] = champions.get(row["model"], 0) + 1
    if not probabilities:
        raise MissingInput("marts.price_index history before the forecasts of forecast.values target 'price_index'")
    median = statistics.median(probabilities)
    quartiles = statistics.quantiles(probabilities, n=4) if len(probabilities) > 1 else [median, median, median]
    likely = sum(p >= 0.5 for p in probabilities)
    horizon = f"{min(horizons)}" if min(horizons) == max(horizons) else f"{min(horizons)} to {max(horizons)}"
    models = ", ".join(f"{name} {count}" for name, count in sorted(champions.items(), key=lambda kv: (-kv[1], kv[0])))
    evidence = (
        f"Across {len(probabilities)} tiers, the probability that the price falls at least at the claimed rate "
        f"(to {keep:.0%} of today's in {years:g} years, i.e. to {keep ** (min(horizons) / 12 / years):.1%} at "
        f"{min(horizons)} months) has median {median:.2f} (quartiles {quartiles[0]:.2f} to {quartiles[2]:.2f}; range "
        f"{min(probabilities):.2f} to {max(probabilities):.2f}); {likely} tier(s) at 0.5 or more. "
        f"Horizon {horizon} months (the furthest forecast up to {max_h}); today's price is the last observed index "
        "value before the forecast. Forecast distributions read as lognormal from the 80% and 95% bounds of each "
        f"tier's champion model (champions: {models}); the median forecast at the horizon is "
        f"{statistics.median(ratios):.3g}x today's price (median across tiers). A no-change champion (naive) "
        "expects no further decline, so its probability comes from the width of its interval alone."
    )
    if skipped:
        evidence += f" Skipped (no observed index before the forecast): {', '.join(skipped)}."
    if median >= float(t["supported_probability"]):
        verdict = SUPPORTED
    elif median <= float(t["contradicted_probability"]):
        verdict = CONTRADICTED
    else:
        verdict = INCONCLUSIVE
    return Evaluation(verdict, evidence, median)


# --- C03, C04: chip revenue as context -------------------------------------------------------


@dataclass(frozen=True)
class _RevenueSum:
    quarters: list[dt.date]
    expected: int
    median: float
    low: float
    high: float


def _revenue_sum(ctx: RunContext, series: str, first_year: int, last_year: int) -> _RevenueSum:
    target, series_id = series.split("/", 1)
    rows = ctx.frame(
        "select ds, median, lo_80, hi_80, lo_95, hi_95 from forecast.values where run_id = ? and target = ? "
        "and series_id = ? and year(ds) between ? and ? order by ds",
        [ctx.run_id, target, series_id, first_year, last_year],
    )
    median = low = high = 0.0
    for row in rows.iter_rows(named=True):
        mu, sigma = lognormal_from_bands(row["median"], row["lo_80"], row["hi_80"], row["lo_95"], row["hi_95"])
        median += row["median"]
        low += math.exp(mu - Z90 * sigma)
        high += math.exp(mu + Z90 * sigma)
    return _RevenueSum(rows["ds"].to_list(), 4 * (last_year - first_year + 1), median, low, high)


def _revenue_context(ctx: RunContext, claim: Claim, first_year: int, last_year: int, what: str) -> Evaluation:
    t = claim.thresholds
    threshold = float(t["threshold_usd"])
    total = _revenue_sum(ctx, str(t["series"]), first_year, last_year)
    period = f"{first_year}" if first_year == last_year else f"{first_year}-{last_year}"
    if not total.quarters:
        return Evaluation(
            NOT_TESTABLE,
            f"{what} Context unavailable: run {ctx.run_id} has no {t['series']} forecast for {period} in "
            "forecast.values.",
        )
    span = f"{total.quarters[0]}..{total.quarters[-1]}"
    if len(total.quarters) < total.expected:
        return Evaluation(
            NOT_TESTABLE,
            f"{what} Context: the run forecasts NVIDIA data-center revenue for only {len(total.quarters)} of the "
            f"{total.expected} calendar quarters of {period} ({span}); their sum is {_usd(total.median)} (90%: "
            f"{_usd(total.low)} to {_usd(total.high)}), a partial total.",
        )
    return Evaluation(
        NOT_TESTABLE,
        f"{what} Context: NVIDIA data-center revenue forecast for {period} ({len(total.quarters)} quarters, {span}) "
        f"sums to {_usd(total.median)} (90%: {_usd(total.low)} to {_usd(total.high)}; quarters' quantiles added, i.e. "
        f"quarters assumed to move together). The threshold of {_usd(threshold)} is {threshold / total.median:.0%} "
        f"of the median ({threshold / total.low:.0%} of the lower bound).",
        total.median,
        total.low,
        total.high,
    )


def inference_chip_sales(ctx: RunContext, claim: Claim) -> Evaluation:
    year = int(claim.thresholds["year"])
    what = (
        "No ingested source splits chip revenue by workload or chip design, and NVIDIA's data-center revenue is "
        "neither an upper bound (other vendors sell inference chips) nor a lower bound (most of it is "
        "general-purpose accelerators, networking included)."
    )
    return _revenue_context(ctx, claim, year, year, what)


def ai_chip_orders(ctx: RunContext, claim: Claim) -> Evaluation:
    t = claim.thresholds
    what = (
        "Orders (bookings, backlog, purchase commitments) are not ingested; revenue is recognised when chips ship, "
        "covers one vendor, and lags orders."
    )
    return _revenue_context(ctx, claim, int(t["from_year"]), int(t["through_year"]), what)


# --- C05: token demand -----------------------------------------------------------------------


def token_demand_growth(ctx: RunContext, claim: Claim) -> Evaluation:
    threshold = float(claim.thresholds["exploding_factor_per_year"])
    rates = ctx.frame(
        "select series_id, factor_per_year, ci90_low, ci90_high, n, start_date, end_date, note "
        "from forecast.growth_rates where run_id = ? and target = 'token_demand' "
        "order by series_id = 'pooled' desc, n desc, end_date desc, series_id",
        [ctx.run_id],
    )
    if rates.height == 0:
        raise MissingInput("forecast.growth_rates target 'token_demand'")
    listing = "; ".join(
        f"{r['series_id']}: {_num(r['factor_per_year'])}x a year (90% CI {_num(r['ci90_low'])}x to "
        f"{_num(r['ci90_high'])}x), {r['n']} reports {r['start_date']}..{r['end_date']}"
        for r in rates.iter_rows(named=True)
    )
    best = rates.row(0, named=True)
    if best["ci90_low"] > threshold:
        verdict, reading = SUPPORTED, "lies above"
    elif best["ci90_high"] < threshold:
        verdict, reading = CONTRADICTED, "lies below"
    else:
        verdict, reading = INCONCLUSIVE, "contains"
    basis = "the growth pooled over companies" if best["series_id"] == "pooled" else f"the {best['series_id']} series"
    evidence = (
        f"'Exploding' read as at least {threshold:g}x a year. The 90% CI of {basis}, from only {best['n']} reports, "
        f"{reading} {threshold:g}x. Series: {listing}. Few reports, each of one company's own scope: indicative, "
        "not a measured industry total."
    )
    if best["note"]:
        evidence += f" Note: {best['note']}."
    return Evaluation(verdict, evidence, best["factor_per_year"], best["ci90_low"], best["ci90_high"])


# --- C06, C07: reasoning tokens --------------------------------------------------------------


def _multiplier_rows(ctx: RunContext) -> pl.DataFrame:
    rows = ctx.frame(
        "select task, n_reasoning_models, n_other_models, multiplier, ci90_low, ci90_high, "
        "reasoning_output_tokens_per_sample, other_output_tokens_per_sample "
        "from forecast.token_multiplier where run_id = ? order by task",
        [ctx.run_id],
    )
    if rows.height == 0:
        raise MissingInput("forecast.token_multiplier")
    return rows


def _task_listing(tasks: pl.DataFrame) -> str:
    return "; ".join(
        f"{r['task']}: reasoning {_num(r['reasoning_output_tokens_per_sample'])} vs other "
        f"{_num(r['other_output_tokens_per_sample'])} output tokens per sample ({r['n_reasoning_models']} vs "
        f"{r['n_other_models']} models)"
        for r in tasks.iter_rows(named=True)
    )


def reasoning_tokens_per_query(ctx: RunContext, claim: Claim) -> Evaluation:
    threshold = float(claim.thresholds["thousands"])
    rows = _multiplier_rows(ctx)
    overall = rows.filter(pl.col("task") == "all")
    if overall.height == 0:
        raise MissingInput("forecast.token_multiplier task 'all'")
    row = overall.row(0, named=True)
    other, multiplier = row["other_output_tokens_per_sample"], row["multiplier"]
    if other is None or multiplier is None:
        raise MissingInput("forecast.token_multiplier task 'all' multiplier and levels")
    extra = other * (multiplier - 1.0)
    low = high = None
    if row["ci90_low"] is not None and row["ci90_high"] is not None:
        low, high = other * (row["ci90_low"] - 1.0), other * (row["ci90_high"] - 1.0)
    tasks = rows.filter(pl.col("task") != "all")
    totals = [x for x in tasks["reasoning_output_tokens_per_sample"].to_list() if x is not None]
    decisive = low if low is not None else extra
    if decisive >= threshold:
        verdict = SUPPORTED
    elif totals and max(totals) < threshold:
        verdict = CONTRADICTED
    else:
        verdict = INCONCLUSIVE
    interval = (
        f"90% interval {_num(low)} to {_num(high)} (multiplier CI, other-model level held fixed)"
        if low is not None and high is not None
        else "no interval (fewer than 2 models in a group)"
    )
    evidence = (
        f"Reasoning models emit {_num(extra)} more output tokens per benchmark sample than other models "
        f"(task-mix adjusted: {_num(row['reasoning_output_tokens_per_sample'])} vs {_num(other)}, "
        f"{multiplier:.2f}x); {interval}. The excess stands in for hidden reasoning tokens; 'thousands' read as at "
        f"least {_num(threshold)}. Per task: {_task_listing(tasks)}. Samples are hard maths and science questions "
        "(GPQA Diamond, MATH level 5, AIME-style); everyday queries may need fewer."
    )
    return Evaluation(verdict, evidence, extra, low, high)


def reasoning_tokens_by_difficulty(ctx: RunContext, claim: Claim) -> Evaluation:
    t = claim.thresholds
    hard, tolerance = float(t["hard_tokens"]), float(t["tolerance_factor"])
    tasks = (
        _multiplier_rows(ctx)
        .filter((pl.col("task") != "all") & pl.col("reasoning_output_tokens_per_sample").is_not_null())
        .sort("reasoning_output_tokens_per_sample")
    )
    if tasks.height == 0:
        raise MissingInput("forecast.token_multiplier per-task rows")
    hardest = tasks.row(-1, named=True)
    tokens = float(hardest["reasoning_output_tokens_per_sample"])
    near = hard / tolerance <= tokens <= hard * tolerance
    evidence = (
        f"Hard end: on the hardest ingested task ({hardest['task']}) reasoning models emit {_num(tokens)} output "
        f"tokens per sample (geometric mean over {hardest['n_reasoning_models']} models, answer included), "
        f"{'within' if near else 'outside'} a factor of {tolerance:g} of the claimed {_num(hard)}; these are "
        f"competition problems with short answers, not proofs. Per task: {_task_listing(tasks)}. Simple end "
        f"(about {_num(float(t['simple_tokens']))} tokens): no ingested evaluation of simple questions, so the claim "
        "as a whole cannot be settled."
    )
    return Evaluation(INCONCLUSIVE, evidence, tokens)


# --- C08: reasoning adoption -----------------------------------------------------------------


@dataclass(frozen=True)
class _GroupShare:
    name: str
    n: int  # releases with a known flag
    k: int  # reasoning releases
    unknown: int

    @property
    def share(self) -> float | None:
        return self.k / self.n if self.n else None


def _matches(organization: str, names: list[str]) -> bool:
    wanted = {name.strip().lower() for name in names}
    return any(part.strip().lower() in wanted for part in organization.split(","))


def _open_model_share(ctx: RunContext, periods: list[dt.date]) -> _GroupShare | None:
    """Releases with open weights in the window; None when no source gives open_weights."""
    if ctx.as_of is not None:
        models = ctx.frame("select * from staging.models_as_of(?)", [ctx.as_of])
    else:
        models = ctx.frame("select * from staging.models")
    if models.filter(pl.col("open_weights").is_not_null()).height == 0:
        return None
    open_ids = models.group_by("model_id").agg(open=pl.col("open_weights").fill_null(False).any())
    released = (
        dedupe_models(models)
        .join(open_ids, on="model_id")
        .filter(pl.col("open") & pl.col("released_on").is_not_null())
        .filter(pl.col("released_on").dt.truncate("1q").is_in(periods))
    )
    known = released.filter(pl.col("is_reasoning").is_not_null())
    return _GroupShare(
        "open models",
        known.height,
        known.filter(pl.col("is_reasoning")).height,
        released.height - known.height,
    )


def reasoning_adoption_by_organization(ctx: RunContext, claim: Claim) -> Evaluation:
    t = claim.thresholds
    standard, quarters = float(t["standard_share"]), int(t["quarters"])
    adoption = ctx.frame(
        "select period, organization, n_flag_known, n_reasoning, n_unknown from marts.reasoning_adoption "
        "where period_type = 'quarter'"
    )
    if ctx.as_of is not None:
        adoption = adoption.filter(pl.col("period") <= ctx.as_of)
    active = adoption.filter((pl.col("organization") == "all") & ((pl.col("n_flag_known") + pl.col("n_unknown")) > 0))
    if active.height == 0:
        raise MissingInput("marts.reasoning_adoption quarterly rows")
    periods = sorted(active["period"].to_list())[-quarters:]
    window = adoption.filter(pl.col("period").is_in(periods))
    groups: list[_GroupShare] = []
    for name, names in dict(t["groups"]).items():
        members = [o for o in window["organization"].unique().to_list() if _matches(o, list(names))]
        rows = window.filter(pl.col("organization").is_in(members))
        counts = (int(rows[column].sum()) for column in ("n_flag_known", "n_reasoning", "n_unknown"))
        groups.append(_GroupShare(name, *counts))
    open_models = _open_model_share(ctx, periods)
    notes = []
    if open_models is None:
        notes.append("Open models: no ingested source gives open_weights, so they cannot be checked.")
    else:
        groups.append(open_models)
    parts, lows, highs = [], [], []
    for group in groups:
        if group.n == 0:
            parts.append(f"{group.name}: no release with a known flag ({group.unknown} unknown)")
            continue
        low, high = jeffreys_interval(group.k, group.n)
        lows.append(low)
        highs.append(high)
        parts.append(
            f"{group.name}: {group.k}/{group.n} = {group.k / group.n:.0%} (90% {low:.0%} to {high:.0%}; "
            f"{group.unknown} with unknown flag)"
        )
    counted = [g for g in groups if g.n > 0]
    complete = open_models is not None and len(counted) == len(groups)
    if highs and min(highs) < standard:
        verdict = CONTRADICTED
    elif complete and min(lows) >= standard:
        verdict = SUPPORTED
    else:
        verdict = INCONCLUSIVE
    evidence = (
        f"'Standard' read as at least {standard:.0%} of a group's new releases. Releases in the {len(periods)} "
        f"latest quarters with releases ({periods[0]}..{periods[-1]}), known reasoning flags only: "
        f"{'; '.join(parts)}. {' '.join(notes)}"
    ).strip()
    if not counted:
        return Evaluation(verdict, evidence)
    weakest = min(counted, key=lambda g: g.k / g.n)
    low, high = jeffreys_interval(weakest.k, weakest.n)
    return Evaluation(verdict, evidence + f" Lowest share: {weakest.name}.", weakest.k / weakest.n, low, high)


# --- C09-C11: not testable with our data -----------------------------------------------------


def rubin_vs_blackwell(ctx: RunContext, claim: Claim) -> Evaluation:
    specs = ctx.frame(
        "select chip, released_on, tensor_fp16_bf16_flop_per_s, fp8_flop_per_s, fp4_flop_per_s "
        "from staging.hardware_specs where regexp_matches(chip, '(?i)rubin|\\bG?B[123]00\\b') order by chip"
    )

    def describe(row: dict[str, Any]) -> str:
        peaks = [
            f"{label} {row[column]:.3g}"
            for label, column in (
                ("BF16", "tensor_fp16_bf16_flop_per_s"),
                ("FP8", "fp8_flop_per_s"),
                ("FP4", "fp4_flop_per_s"),
            )
            if row[column] is not None
        ]
        released = row["released_on"] or "no release date"
        return f"{row['chip']} ({released}; peak FLOP/s: {', '.join(peaks) or 'none given'})"

    rubin = [describe(r) for r in specs.iter_rows(named=True) if "rubin" in r["chip"].lower()]
    blackwell = [describe(r) for r in specs.iter_rows(named=True) if "rubin" not in r["chip"].lower()]
    evidence = (
        "staging.hardware_specs holds peak throughput by precision, not measured inference throughput or cost per "
        f"token. Rubin parts listed: {'; '.join(rubin) or 'none'}. Blackwell parts listed: "
        f"{'; '.join(blackwell) or 'none'}. Peak ratios are not the claim's metric (serving throughput depends on "
        "memory bandwidth, interconnect, batch size and software), so they are not used as an estimate."
    )
    return Evaluation(NOT_TESTABLE, evidence)


def deepseek_r1_aime(ctx: RunContext, claim: Claim) -> Evaluation:
    t = claim.thresholds
    model_like = f"%{str(t['model_pattern']).lower()}%"
    benchmark_like = f"%{str(t['benchmark_pattern']).lower()}%"
    scores = ctx.frame(
        "select model, benchmark, observed_on, score from staging.model_capabilities "
        "where lower(replace(model, ' ', '-')) like ? and lower(benchmark) like ? order by observed_on",
        [model_like, benchmark_like],
    )
    usage = ctx.frame(
        "select model, task from staging.eval_token_usage "
        "where lower(replace(model, ' ', '-')) like ? and lower(task) like ? order by model",
        [model_like, benchmark_like],
    )
    benchmarks = ctx.frame("select distinct benchmark from staging.model_capabilities order by benchmark")
    context = (
        f" Token-usage rows (no scores) for matching models on AIME-like tasks: "
        f"{'; '.join(f'{r[0]} on {r[1]}' for r in usage.iter_rows())}."
        if usage.height
        else ""
    )
    if scores.height == 0:
        listed = ", ".join(benchmarks["benchmark"].to_list()) or "none"
        return Evaluation(
            NOT_TESTABLE,
            f"No AIME score of a DeepSeek-R1 model is ingested (capability benchmarks present: {listed})."
            f"{context} The claimed rise ({float(t['before_percent']):g}% to {float(t['after_percent']):g}%) needs "
            "scores before and after, which we do not have.",
        )
    latest = scores.row(-1, named=True)
    return Evaluation(
        INCONCLUSIVE,
        f"Ingested AIME score: {latest['model']} {latest['score']:.1f}% on {latest['benchmark']} "
        f"({latest['observed_on']}), against the claimed {float(t['after_percent']):g}% after. The starting point "
        f"({float(t['before_percent']):g}%) is a training checkpoint, not a released model, so the rise cannot be "
        f"checked.{context}",
        float(latest["score"]),
    )


def small_model_test_time_compute(ctx: RunContext, claim: Claim) -> Evaluation:
    return Evaluation(
        NOT_TESTABLE,
        "No ingested table relates accuracy to inference compute (samples, search or reasoning budget) for models "
        "of different sizes: staging.model_capabilities has one score per model and benchmark, "
        "staging.eval_token_usage has token counts without accuracy, and staging.models has no parameter counts.",
    )


Evaluator = Callable[[RunContext, Claim], Evaluation]

EVALUATORS: dict[str, Evaluator] = {
    "price_decline_rate": price_decline_rate,
    "price_decline_continues": price_decline_continues,
    "inference_chip_sales": inference_chip_sales,
    "ai_chip_orders": ai_chip_orders,
    "token_demand_growth": token_demand_growth,
    "reasoning_tokens_per_query": reasoning_tokens_per_query,
    "reasoning_tokens_by_difficulty": reasoning_tokens_by_difficulty,
    "reasoning_adoption_by_organization": reasoning_adoption_by_organization,
    "rubin_vs_blackwell": rubin_vs_blackwell,
    "deepseek_r1_aime": deepseek_r1_aime,
    "small_model_test_time_compute": small_model_test_time_compute,
}

# Per-query claims on cost per task live in their own module; it imports this one's readings.
from forecasts.claims_cost import COST_EVALUATORS  # noqa: E402  # isort: skip

EVALUATORS.update(COST_EVALUATORS)
