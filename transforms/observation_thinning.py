"""Dropping price observations that cannot change a result, before they are scored.

LiteLLM and OpenRouter are re-read daily, so most observations repeat a listing's price of
the day before. Scoring every one of them against every benchmark costs memory and time in
proportion to the number of days, while the price index only ever uses a listing's last
observation of a month and the frontier-lows method only a listing's new lows.

Both thinnings are exact. Every observation of a listing within one "score epoch" (the
stretch between two dates on which the model's scores changed) gets the same scores, so it
qualifies for the same tiers as its neighbours; an observation is dropped only when a
neighbour of the same listing and epoch would be chosen instead of it by every tier.
"""

from __future__ import annotations

import polars as pl

from transforms.price_index import LISTING, one_price_per_listing_day

EPOCH_KEYS = [*LISTING, "score_epoch"]


def with_score_epoch(observations: pl.DataFrame, capabilities: pl.DataFrame) -> pl.DataFrame:
    """`score_epoch`: how many distinct dates the model had been scored on by the price date."""
    scored_dates = (
        capabilities.select("model_id", "scored_on")
        .unique()
        .sort("model_id", "scored_on")
        .with_columns(score_epoch=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("model_id"))
        .sort("scored_on")
    )
    return (
        observations.sort("observed_on")
        .join_asof(
            scored_dates,
            left_on="observed_on",
            right_on="scored_on",
            by="model_id",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(pl.col("score_epoch").fill_null(0))
        .drop("scored_on")
    )


def last_in_month(observations: pl.DataFrame, capabilities: pl.DataFrame) -> pl.DataFrame:
    """Each listing's last observation of each month and score epoch (for the price index).

    A month-end offer is the listing's latest qualifying observation on or before the month
    end; a later observation of the same month and epoch qualifies whenever it does.
    """
    epochs = with_score_epoch(one_price_per_listing_day(observations), capabilities)
    return (
        epochs.with_columns(_month=pl.col("observed_on").dt.truncate("1mo"))
        .unique(subset=[*EPOCH_KEYS, "_month"], keep="last", maintain_order=True)
        .select(observations.columns)
    )


def new_listing_lows(observations: pl.DataFrame, capabilities: pl.DataFrame) -> pl.DataFrame:
    """Observations strictly cheaper than every earlier one of their listing and score epoch.

    A frontier low must be strictly cheaper than every earlier qualifying observation; an
    earlier observation of the same listing and epoch at the same or a lower price qualifies
    whenever the later one does, so the later one can never be a low.
    """
    epochs = with_score_epoch(one_price_per_listing_day(observations), capabilities)
    earlier_min = pl.col("blended_usd_per_mtok").cum_min().shift(1).over(EPOCH_KEYS, order_by="observed_on")
    return epochs.filter(earlier_min.is_null() | (pl.col("blended_usd_per_mtok") < earlier_min)).select(
        observations.columns
    )
