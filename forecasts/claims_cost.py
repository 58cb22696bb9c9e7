"""Per-query claims checked on cost per task (marts.cost_per_task, forecast.cost_decline_rates,
forecast.decline_rates). Registered in forecasts.claims.EVALUATORS; the claims are in
forecasts/data/claims.toml like the others.

* `per_query_cost_rises`: does test-time compute raise the cost of a hard question while the
  price of a token falls? Per hard task, the ratio of geometric-mean cost per sample of
  reasoning runs to other runs at the latest month, with a percentile bootstrap over runs
  (each group resampled separately, seeded); next to it the per-token frontier-lows decline.
* `small_model_matches_large`: can a model that is cheaper per token, spending more tokens
  per question, match a dearer one? Parameter counts are not ingested, so price per token
  stands in for model size; pairs are counted at the latest month per task.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable

import numpy as np
import polars as pl

from forecasts.claims import (
    CONTRADICTED,
    INCONCLUSIVE,
    SUPPORTED,
    Claim,
    Evaluation,
    MissingInput,
    RunContext,
    _num,
)

BOOTSTRAP_DRAWS = 2000
MIN_RUNS_PER_GROUP = 2


def _latest_runs(ctx: RunContext) -> pl.DataFrame:
    """The latest month's cost rows with a known reasoning flag (marts.cost_per_task)."""
    rows = ctx.frame(
        "select task, model, is_reasoning, score, cost_usd_per_sample, output_tokens_per_sample, "
        "input_usd_per_mtok, output_usd_per_mtok, month from marts.cost_per_task "
        "where is_reasoning is not null and month = (select max(month) from marts.cost_per_task)"
    )
    if rows.height == 0:
        raise MissingInput("marts.cost_per_task rows with a reasoning flag")
    return rows


def geometric_ratio_interval(
    high: np.ndarray, low: np.ndarray, level: float = 0.90, draws: int = BOOTSTRAP_DRAWS, seed: int = 0
) -> tuple[float, float, float]:
    """(ratio of geometric means high/low, percentile-bootstrap bounds), groups resampled apart."""
    log_high, log_low = np.log(high), np.log(low)
    point = math.exp(log_high.mean() - log_low.mean())
    rng = np.random.default_rng(seed)
    samples = [
        log_high[rng.integers(0, log_high.size, log_high.size)].mean()
        - log_low[rng.integers(0, log_low.size, log_low.size)].mean()
        for _ in range(draws)
    ]
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(samples, [tail, 1.0 - tail])
    return point, math.exp(float(lo)), math.exp(float(hi))


def per_query_cost_rises(ctx: RunContext, claim: Claim) -> Evaluation:
    t = claim.thresholds
    runs = _latest_runs(ctx)
    month = str(runs["month"].max())
    per_token = ctx.frame(
        "select tier_id, factor_per_year, ci90_low, ci90_high, n from forecast.decline_rates "
        "where run_id = ? and method = 'frontier_lows_ols'",
        [ctx.run_id],
    )
    if per_token.height == 0:
        raise MissingInput("forecast.decline_rates rows with method 'frontier_lows_ols'")
    token_factor = statistics.median(per_token["factor_per_year"].to_list())
    token_low = statistics.median(per_token["ci90_low"].to_list())
    token_high = statistics.median(per_token["ci90_high"].to_list())
    findings, decisive = [], None
    for task in t["hard_tasks"]:
        rows = runs.filter(pl.col("task") == task)
        reasoning = rows.filter(pl.col("is_reasoning"))["cost_usd_per_sample"].to_numpy()
        other = rows.filter(~pl.col("is_reasoning"))["cost_usd_per_sample"].to_numpy()
        if reasoning.size < MIN_RUNS_PER_GROUP or other.size < MIN_RUNS_PER_GROUP:
            findings.append(f"{task}: too few runs ({reasoning.size} reasoning, {other.size} other) for a ratio")
            continue
        ratio, low, high = geometric_ratio_interval(reasoning, other)
        findings.append(
            f"{task}: reasoning runs cost {_num(ratio)}x as much per question as other runs (geometric means, "
            f"90% bootstrap CI {_num(low)}x to {_num(high)}x; n = {reasoning.size} reasoning and {other.size} "
            "other runs)"
        )
        if decisive is None:
            decisive = (task, ratio, low, high)
    token_falls = token_low > 1.0
    estimate: float | None = None
    bounds: tuple[float | None, float | None] = (None, None)
    verdict = INCONCLUSIVE
    if decisive is not None:
        _, estimate, low, high = decisive
        bounds = (low, high)
        if low > 1.0 and token_falls:
            verdict = SUPPORTED
        elif high < 1.0:
            verdict = CONTRADICTED
    evidence = (
        f"Prices of {month}. " + "; ".join(findings) + ". "
        f"Per-token price at constant capability falls {_num(token_factor)}x a year (median over "
        f"{per_token.height} tiers, frontier-lows method; median 90% CI {_num(token_low)}x to {_num(token_high)}x"
        f"{'' if token_falls else ', not clearly above 1'}). The verdict rests on the first hard task with a ratio "
        "(supported when its CI lies above 1 and the per-token CI above 1). Token counts come from one evaluation "
        "campaign per model; reasoning runs also differ in per-token price, which the ratio includes, as a buyer "
        "pays it."
    )
    return Evaluation(verdict, evidence, estimate, *bounds)


def small_model_matches_large(ctx: RunContext, claim: Claim) -> Evaluation:
    runs = (
        _latest_runs(ctx)
        .filter(pl.col("score").is_not_null())
        .with_columns(blended_usd_per_mtok=(3 * pl.col("input_usd_per_mtok") + pl.col("output_usd_per_mtok")) / 4)
    )
    if runs.height == 0:
        raise MissingInput("marts.cost_per_task rows with a score")
    month = str(runs["month"].max())
    lines, matched_best, tasks_with_both = [], 0, 0
    matched_total = total_other = 0
    for (task,), rows in runs.group_by("task", maintain_order=True):
        reasoning = rows.filter(pl.col("is_reasoning"))
        other = rows.filter(~pl.col("is_reasoning")).sort("score", descending=True)
        if reasoning.height == 0 or other.height == 0:
            continue
        tasks_with_both += 1
        pairs = other.join(reasoning, how="cross", suffix="_r").filter(
            (pl.col("blended_usd_per_mtok_r") < pl.col("blended_usd_per_mtok"))
            & (pl.col("output_tokens_per_sample_r") > pl.col("output_tokens_per_sample"))
            & (pl.col("score_r") >= pl.col("score"))
        )
        matched = pairs["model"].n_unique()
        matched_total += matched
        total_other += other.height
        best = other.row(0, named=True)
        best_pairs = pairs.filter(pl.col("model") == best["model"]).sort("cost_usd_per_sample_r")
        if best_pairs.height:
            matched_best += 1
            p = best_pairs.row(0, named=True)
            lines.append(
                f"{task}: {p['model_r']} (${_num(p['blended_usd_per_mtok_r'])} per 1M tokens, "
                f"{_num(p['output_tokens_per_sample_r'])} output tokens per question) scores {p['score_r']:.1f} "
                "against "
                f"the best non-reasoning run {best['model']} (${_num(best['blended_usd_per_mtok'])} per 1M tokens, "
                f"{_num(best['output_tokens_per_sample'])} tokens) at {p['score']:.1f}, for "
                f"{_num(p['cost_usd_per_sample_r'] / p['cost_usd_per_sample'])}x its cost per question; "
                f"{matched} of {other.height} non-reasoning runs are matched this way"
            )
        else:
            lines.append(
                f"{task}: no cheaper-per-token reasoning run matches {best['model']} "
                f"({matched} of {other.height} others matched)"
            )
    if tasks_with_both == 0:
        raise MissingInput("scored reasoning and non-reasoning runs on one task in marts.cost_per_task")
    verdict = SUPPORTED if matched_best else (CONTRADICTED if matched_total == 0 else INCONCLUSIVE)
    evidence = (
        f"Prices of {month}, scored runs only. " + "; ".join(lines) + ". "
        "A match: a reasoning run with a lower per-token price (3:1 blend of its listing) and more output tokens per "
        "question scoring at least as high. Price per token stands in for model size (parameter counts are not "
        f"ingested), so this tests 'cheaper model, more inference compute' rather than 7B vs 70B; {total_other} "
        f"non-reasoning runs over {tasks_with_both} task(s), a small sample."
    )
    share = matched_total / total_other if total_other else None
    return Evaluation(verdict, evidence, share)


COST_EVALUATORS: dict[str, Callable[[RunContext, Claim], Evaluation]] = {
    "per_query_cost_rises": per_query_cost_rises,
    "small_model_matches_large": small_model_matches_large,
}
