"""Capability tiers: a benchmark and a threshold score, set directly or by a reference model.

Tiers live in `transforms/data/capability_tiers.csv` (or a file the user points to), not in
code. A tier with an empty `threshold_score` takes the reference model's score on the
benchmark, from its earliest observation (the score it had when it set the bar).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

DEFAULT_TIERS_FILE = Path(__file__).parent / "data" / "capability_tiers.csv"

TIER_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
    "benchmark": pl.String(),
    "threshold_model": pl.String(),
    "threshold_score": pl.Float64(),
    "label": pl.String(),
}


class TierError(ValueError):
    pass


def read_tiers(path: Path = DEFAULT_TIERS_FILE) -> pl.DataFrame:
    frame = pl.read_csv(path, schema_overrides=TIER_SCHEMA)
    missing = [c for c in TIER_SCHEMA if c not in frame.columns]
    if missing:
        raise TierError(f"{path}: missing column(s) {missing}")
    duplicated = frame.filter(pl.col("tier_id").is_duplicated())["tier_id"].unique().to_list()
    if duplicated:
        raise TierError(f"{path}: tier_id repeated: {duplicated}")
    return frame.select(list(TIER_SCHEMA))


def resolve_thresholds(
    tiers: pl.DataFrame, capabilities: pl.DataFrame, *, skip_unresolved: bool = False
) -> pl.DataFrame:
    """Fill each tier's threshold_score from its reference model where it is not given.

    With `skip_unresolved`, tiers whose reference model has no score yet (an as-of date before
    the model was benchmarked) are left out instead of raising: the tier is not defined then.
    """
    earliest = (
        capabilities.sort("observed_on", "score", maintain_order=True)
        .group_by("model", "benchmark", maintain_order=True)
        .first()
        .select(
            pl.col("model").alias("threshold_model"),
            "benchmark",
            pl.col("score").alias("reference_score"),
        )
    )
    resolved = tiers.join(earliest, on=["threshold_model", "benchmark"], how="left").with_columns(
        threshold_score=pl.coalesce("threshold_score", "reference_score")
    )
    unresolved = resolved.filter(pl.col("threshold_score").is_null())
    if unresolved.height and skip_unresolved:
        return resolved.filter(pl.col("threshold_score").is_not_null()).drop("reference_score")
    if unresolved.height:
        rows = [
            f"{r['tier_id']} (model {r['threshold_model']!r} has no {r['benchmark']} score)"
            for r in unresolved.to_dicts()
        ]
        raise TierError("cannot set the threshold of tier(s): " + "; ".join(rows))
    return resolved.drop("reference_score")
