"""The reasoning token multiplier: how many more output tokens a reasoning model spends per task.

Input is an `eval_token_usage` frame (sources.schemas.EVAL_TOKEN_USAGE_COLUMNS): tokens used
by one model on one benchmark run. `samples` counts every sample scored, over all epochs
(Epoch AI's `total_samples` = epochs x questions), so output tokens per sample is
output_tokens / samples.

A reasoning flag per model comes separately, as a frame `model, is_reasoning` or a mapping
model -> bool/None. A caller gets it from the deduplicated models mart
(transforms.adoption.dedupe_models) with `flags_from_models`, which joins on the canonical
model id; runs of a hybrid model without thinking enabled should be flagged False by the
caller (Epoch names such runs without a thinking-budget suffix). Models whose flag is
null or missing are excluded; `excluded_models` lists them.

Per task the multiplier is the ratio of geometric means of output tokens per sample,
reasoning over other models (or of arithmetic means with statistic="arithmetic"); token
counts are right-skewed, so the geometric mean keeps one verbose model from dominating.
The "all" row adjusts for task mix: OLS of log tokens per sample on task indicators and a
reasoning indicator, multiplier = exp(coefficient), i.e. the typical within-task ratio
(for statistic="arithmetic" it is the ratio of arithmetic means pooled over tasks that
have both groups, which the task mix can sway). Its two level columns are those of the
average task (exp of the mean task effect, with and without the reasoning effect), so
their ratio equals the multiplier.

The interval is a percentile bootstrap over models (the unit that is sampled: a model's
runs on several tasks move together), resampling reasoning and other models separately
so both groups keep their size; seeded. A resample in which a task lost one of its groups
(every drawn reasoning model lacks that task) is skipped for that task. With fewer than 2
models in a group there is no interval (null). Effort variants of one model (o1 high / medium) count as separate models.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import polars as pl

from sources.identity import canonical_model_id

ALL_TASKS = "all"
Statistic = Literal["geometric", "arithmetic"]

MULTIPLIER_SCHEMA: dict[str, pl.DataType] = {
    "task": pl.String(),
    "n_reasoning_models": pl.Int64(),
    "n_other_models": pl.Int64(),
    "multiplier": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "reasoning_output_tokens_per_sample": pl.Float64(),
    "other_output_tokens_per_sample": pl.Float64(),
}

Flags = pl.DataFrame | Mapping[str, bool | None]


def flags_frame(flags: Flags) -> pl.DataFrame:
    """`model, is_reasoning` from a frame or a mapping."""
    if isinstance(flags, pl.DataFrame):
        return flags.select("model", pl.col("is_reasoning").cast(pl.Boolean))
    return pl.DataFrame(
        {"model": list(flags), "is_reasoning": list(flags.values())},
        schema={"model": pl.String(), "is_reasoning": pl.Boolean()},
    )


def flags_from_models(usage_models: list[str], deduped_models: pl.DataFrame) -> pl.DataFrame:
    """Flags for eval model names by canonical model id (null where no model matches)."""
    names = pl.DataFrame({"model": usage_models}, schema={"model": pl.String()}).unique(maintain_order=True)
    keyed = names.with_columns(model_id=pl.col("model").map_elements(canonical_model_id, return_dtype=pl.String))
    return keyed.join(deduped_models.select("model_id", "is_reasoning"), on="model_id", how="left").select(
        "model", "is_reasoning"
    )


def tokens_per_sample(usage: pl.DataFrame, flags: Flags) -> pl.DataFrame:
    """`model, task, is_reasoning, output_tokens_per_sample` for flagged models with usable counts."""
    return (
        usage.filter((pl.col("samples") > 0) & (pl.col("output_tokens") > 0))
        .join(flags_frame(flags), on="model", how="inner")
        .filter(pl.col("is_reasoning").is_not_null())
        .select(
            "model",
            "task",
            "is_reasoning",
            output_tokens_per_sample=pl.col("output_tokens") / pl.col("samples"),
        )
        .sort("task", "model")
    )


def excluded_models(usage: pl.DataFrame, flags: Flags) -> list[str]:
    """Models in `usage` without a known reasoning flag."""
    known = flags_frame(flags).filter(pl.col("is_reasoning").is_not_null())["model"].to_list()
    return sorted(set(usage["model"].to_list()) - set(known))


def _levels(log_x: np.ndarray, reasoning: np.ndarray, statistic: Statistic) -> tuple[float, float]:
    if statistic == "geometric":
        return float(np.exp(log_x[reasoning].mean())), float(np.exp(log_x[~reasoning].mean()))
    x = np.exp(log_x)
    return float(x[reasoning].mean()), float(x[~reasoning].mean())


def _fixed_effects(log_x: np.ndarray, reasoning: np.ndarray, task: np.ndarray) -> tuple[float, float]:
    """(reasoning coefficient, mean task effect) of log x ~ task + reasoning."""
    tasks = np.unique(task)
    design = np.column_stack([(task == name).astype(float) for name in tasks] + [reasoning.astype(float)])
    coef, *_ = np.linalg.lstsq(design, log_x, rcond=None)
    return float(coef[-1]), float(coef[:-1].mean())


def _overall(
    log_x: np.ndarray, reasoning: np.ndarray, task: np.ndarray, statistic: Statistic
) -> tuple[float, float, float] | None:
    """(multiplier, reasoning level, other level) over the tasks that have both groups."""
    mixed = [t for t in np.unique(task) if 0 < reasoning[task == t].sum() < (task == t).sum()]
    if not mixed:
        return None
    both = np.isin(task, mixed)
    log_x, reasoning, task = log_x[both], reasoning[both], task[both]
    if statistic == "geometric":
        beta, base = _fixed_effects(log_x, reasoning, task)
        return float(np.exp(beta)), float(np.exp(base + beta)), float(np.exp(base))
    high, low = _levels(log_x, reasoning, statistic)
    return high / low, high, low


def token_multiplier(
    usage: pl.DataFrame,
    flags: Flags,
    *,
    statistic: Statistic = "geometric",
    level: float = 0.90,
    n_boot: int = 2000,
    seed: int = 0,
) -> pl.DataFrame:
    """Multiplier per task and over all tasks ("all"), MULTIPLIER_SCHEMA; see the module doc."""
    if statistic not in ("geometric", "arithmetic"):
        raise ValueError("statistic must be 'geometric' or 'arithmetic'")
    rows = tokens_per_sample(usage, flags)
    if rows.height == 0:
        return pl.DataFrame(schema=MULTIPLIER_SCHEMA)
    models = sorted(set(rows["model"].to_list()))
    model_index = {name: i for i, name in enumerate(models)}
    row_model = np.array([model_index[m] for m in rows["model"].to_list()])
    log_x = np.log(rows["output_tokens_per_sample"].to_numpy())
    reasoning = rows["is_reasoning"].to_numpy().astype(bool)
    task = np.array(rows["task"].to_list())
    model_is_reasoning = np.zeros(len(models), dtype=bool)
    model_is_reasoning[row_model] = reasoning
    reasoning_models = np.flatnonzero(model_is_reasoning)
    other_models = np.flatnonzero(~model_is_reasoning)

    rows_of_model = [np.flatnonzero(row_model == i) for i in range(len(models))]
    rng = np.random.default_rng(seed)
    resampled_models = [
        np.concatenate(
            [
                rng.choice(reasoning_models, size=reasoning_models.size, replace=True),
                rng.choice(other_models, size=other_models.size, replace=True),
            ]
        )
        if reasoning_models.size and other_models.size
        else np.array([], dtype=int)
        for _ in range(n_boot)
    ]
    boot_rows = [np.concatenate([rows_of_model[i] for i in picked]) for picked in resampled_models if picked.size]

    def estimate(select: np.ndarray, task_name: str) -> tuple[float, float, float] | None:
        lx, rs, tk = log_x[select], reasoning[select], task[select]
        if task_name != ALL_TASKS:
            keep = tk == task_name
            lx, rs, tk = lx[keep], rs[keep], tk[keep]
        if not rs.any() or rs.all():
            return None
        if task_name == ALL_TASKS:
            return _overall(lx, rs, tk, statistic)
        high, low = _levels(lx, rs, statistic)
        return high / low, high, low

    output = []
    everything = np.arange(len(log_x))
    for task_name in [*sorted(set(task.tolist())), ALL_TASKS]:
        point = estimate(everything, task_name)
        if point is None:
            continue
        in_task = everything if task_name == ALL_TASKS else np.flatnonzero(task == task_name)
        n_reasoning = len({row_model[i] for i in in_task if reasoning[i]})
        n_other = len({row_model[i] for i in in_task if not reasoning[i]})
        ci_low = ci_high = None
        if n_reasoning >= 2 and n_other >= 2:
            draws = [e[0] for e in (estimate(b, task_name) for b in boot_rows) if e is not None]
            tail = (1.0 - level) / 2.0
            ci_low, ci_high = (float(v) for v in np.quantile(draws, [tail, 1.0 - tail]))
        output.append(
            {
                "task": task_name,
                "n_reasoning_models": n_reasoning,
                "n_other_models": n_other,
                "multiplier": point[0],
                "ci_low": ci_low,
                "ci_high": ci_high,
                "reasoning_output_tokens_per_sample": point[1],
                "other_output_tokens_per_sample": point[2],
            }
        )
    return pl.DataFrame(output, schema=MULTIPLIER_SCHEMA)
