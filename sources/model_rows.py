"""`models` and `model_aliases` rows from a feed's per-identifier observations.

A live feed lists one entry per identifier ("gpt-4o", "azure/gpt-4o", "gpt-4o-2024-08-06"),
and several identifiers share one canonical model id. `models` must hold one row per
(source, model_id), so observations are aggregated per model id:

* model_name, source_row, provenance: from the first observation (feeds order them);
* organization: the one organization the observations agree on, else "" (unknown);
* released_on: the earliest date any observation gives;
* is_reasoning: True if any observation says so, False if some say False and none True,
  null if none says anything;
* reasoning_mode: the mode the observations agreeing with that flag give, if they agree;
  null otherwise (an unknown mode is better than a guessed one).

`model_aliases` gets one row per distinct identifier: "exact" when the identifier already
is the canonical id, "normalized" when canonicalisation changed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl


@dataclass(frozen=True)
class ModelObservation:
    alias: str  # the feed's identifier, exactly as given
    model_id: str  # sources.identity.canonical_model_id of the identifier
    model_name: str
    source_row: int
    where: str  # provenance without the licence: file or URL, entry, key
    organization: str = ""
    released_on: dt.date | None = None
    is_reasoning: bool | None = None
    reasoning_mode: str | None = None


# An observation frame: one row per observation, in the order the aggregation takes them.
OBSERVATION_COLUMNS: dict[str, pl.DataType] = {
    "alias": pl.String(),
    "model_id": pl.String(),
    "model_name": pl.String(),
    "source_row": pl.Int64(),
    "where": pl.String(),
    "organization": pl.String(),
    "released_on": pl.Date(),
    "is_reasoning": pl.Boolean(),
    "reasoning_mode": pl.String(),
}


def observation_frame(observations: Iterable[ModelObservation]) -> pl.DataFrame:
    rows = [tuple(getattr(o, name) for name in OBSERVATION_COLUMNS) for o in observations]
    return pl.DataFrame(rows, schema=OBSERVATION_COLUMNS, orient="row")


def model_rows(
    observations: Iterable[ModelObservation], *, source: str, feed: str, licence: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(models records, model_aliases records) for the observations, in first-seen order."""
    frames = model_frames(observation_frame(observations).lazy(), source=source, feed=feed, licence=licence)
    models, aliases = pl.collect_all(frames)
    return models.to_dicts(), aliases.to_dicts()


def model_frames(
    observations: pl.LazyFrame, *, source: str, feed: str, licence: str
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """`model_rows` of an observation frame, as (queries for) canonical `models` and `model_aliases`.

    A feed lists thousands of identifiers a day; aggregating them in one polars pass costs a
    fraction of doing it observation by observation.
    """
    flag = pl.col("is_reasoning")
    # Values that count, null otherwise: one distinct value among them is min == max (aggregating
    # plain columns keeps to polars' fast group-by paths; a filter inside agg() does not).
    organization = pl.when(pl.col("organization") != "").then(pl.col("organization"))
    mode = pl.when(pl.col("reasoning_mode") != "").then(pl.col("reasoning_mode"))
    # Nothing left of the identifier after canonicalisation: no identity to record.
    known = observations.filter(pl.col("model_id").is_not_null() & (pl.col("model_id") != "")).with_columns(
        _organization=organization,
        _mode_if_true=pl.when(flag.eq(True)).then(mode),
        _mode_if_false=pl.when(flag.eq(False)).then(mode),
    )
    grouped = known.group_by("model_id", maintain_order=True).agg(
        pl.col("model_name").first(),
        pl.col("source_row").first(),
        pl.col("where").first(),
        pl.col("released_on").min(),
        flag.eq(True).any().alias("any_true"),
        flag.eq(False).any().alias("any_false"),
        pl.col("alias").n_unique().alias("aliases"),
        *(
            aggregate.alias(f"{name}{suffix}")
            for name in ("_organization", "_mode_if_true", "_mode_if_false")
            for aggregate, suffix in ((pl.col(name).min(), "_min"), (pl.col(name).max(), "_max"))
        ),
    )

    def agreed(name: str) -> pl.Expr:
        low, high = pl.col(f"{name}_min"), pl.col(f"{name}_max")
        return pl.when(low == high).then(low)  # null when none, or when they differ

    others = pl.col("aliases") - 1
    models = grouped.select(
        pl.lit(source, pl.String).alias("source"),
        "model_id",
        "model_name",
        # The one organization the observations agree on, else unknown.
        agreed("_organization").fill_null("").alias("organization"),
        "released_on",
        pl.lit(None, pl.Boolean).alias("open_weights"),
        pl.when(pl.col("any_true")).then(True).when(pl.col("any_false")).then(False).alias("is_reasoning"),
        # The mode the observations agreeing with the flag give, if they agree (unknown otherwise).
        pl.when(pl.col("any_true"))
        .then(agreed("_mode_if_true"))
        .when(pl.col("any_false"))
        .then(agreed("_mode_if_false"))
        .alias("reasoning_mode"),
        "source_row",
        pl.concat_str(
            pl.col("where"),
            pl.when(others > 0)
            .then(pl.format("; {} more identifier(s) of this model in model_aliases", others))
            .otherwise(pl.lit("")),
            pl.lit(f"; {licence}"),
        ).alias("provenance"),
    )
    aliases = known.unique(subset="alias", keep="first", maintain_order=True).select(
        pl.lit(feed, pl.String).alias("feed"),
        "alias",
        "model_id",
        pl.when(pl.col("alias") == pl.col("model_id"))
        .then(pl.lit("exact"))
        .otherwise(pl.lit("normalized"))
        .alias("match_method"),
        "source_row",
        (pl.col("where") + f"; {licence}").alias("provenance"),
    )
    return models, aliases
