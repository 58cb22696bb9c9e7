"""Plausibility of price observations across listings (feeds marts.flagged_price_listings).

A price can pass its contract (a positive number under $1,000 per 1M tokens) and still be
wrong: a LiteLLM entry priced per character instead of per token, a placeholder left in an
experimental key. Such a price, if it is the cheapest, sets the price index and ends the
decline fits on its own. So every observation is compared with the same model's other
listings (other providers, other sources, other keys of the model) on its date, and with
itself. Three rules flag an observation (thresholds: `data/price_plausibility.toml`):

* `sibling_outlier`: more than `max_ratio_below_sibling_median` times below the median of
  at least `min_siblings` other listings, and no other listing confirms it (none priced
  within `confirmation.within_factor` times its price). A lone listing, or one with a single
  sibling, is never judged by this rule: with one other price there is no telling which one
  is wrong. A deep cut that a second listing matches is a price cut and is not flagged.
* `internally_inconsistent`: input price more than `max_input_to_output_ratio` times the
  output price of the same entry.
* `unconfirmed_experimental`: an experimental or preview key (`pattern`) that no other
  listing confirms (same test as above).

A sibling's price on a date is its latest observation at most `sibling_max_age_days` old
that its source has not since dropped (`valid_until`). Flagged observations are facts and
stay in staging; `without_flagged` removes them from what the index, the frontier and the
decline fits read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from transforms.price_index import LISTING, one_price_per_listing_day

DEFAULT_RULES_FILE = Path(__file__).parent / "data" / "price_plausibility.toml"
DAY_KEYS = [*LISTING, "observed_on"]

FLAG_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "provider": pl.String(),
    "model": pl.String(),
    "model_id": pl.String(),
    "observed_on": pl.Date(),
    "input_usd_per_mtok": pl.Float64(),
    "output_usd_per_mtok": pl.Float64(),
    "blended_usd_per_mtok": pl.Float64(),
    "sibling_median_usd_per_mtok": pl.Float64(),
    "siblings": pl.Int64(),
    "sibling_median_to_price_ratio": pl.Float64(),
    "rule": pl.String(),
    "reason": pl.String(),
}

LISTING_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "provider": pl.String(),
    "model": pl.String(),
    "model_id": pl.String(),
    "rule": pl.String(),
    "first_flagged_on": pl.Date(),
    "last_flagged_on": pl.Date(),
    "flagged_observations": pl.Int64(),
    "blended_usd_per_mtok": pl.Float64(),
    "sibling_median_usd_per_mtok": pl.Float64(),
    "siblings": pl.Int64(),
    "sibling_median_to_price_ratio": pl.Float64(),
    "reason": pl.String(),
    "tier_months_it_would_set": pl.Int64(),
}


class PlausibilityRulesError(ValueError):
    """The rules file is missing a threshold or holds an invalid one."""


@dataclass(frozen=True)
class PlausibilityRules:
    max_ratio_below_sibling_median: float = 10.0
    min_siblings: int = 2
    sibling_max_age_days: int = 92
    max_input_to_output_ratio: float = 4.0
    experimental_pattern: str = r"(^|[-_/:.@])(exp|experimental|preview)([-_/:.@]|[0-9]|$)"
    confirm_within_factor: float = 3.0


def read_rules(path: Path = DEFAULT_RULES_FILE) -> PlausibilityRules:
    """The thresholds in `path`; a missing or non-positive one is an error naming file and key."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PlausibilityRulesError(f"{path}: {error}") from error

    def number(section: str, key: str) -> float:
        value = table.get(section, {}).get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise PlausibilityRulesError(f"{path}: [{section}] {key} must be a positive number, got {value!r}")
        return float(value)

    pattern = table.get("experimental_keys", {}).get("pattern")
    if not isinstance(pattern, str) or not pattern:
        raise PlausibilityRulesError(f"{path}: [experimental_keys] pattern must be a non-empty string")
    return PlausibilityRules(
        max_ratio_below_sibling_median=number("sibling_outlier", "max_ratio_below_sibling_median"),
        min_siblings=int(number("sibling_outlier", "min_siblings")),
        sibling_max_age_days=int(number("sibling_outlier", "sibling_max_age_days")),
        max_input_to_output_ratio=number("internal_consistency", "max_input_to_output_ratio"),
        experimental_pattern=pattern,
        confirm_within_factor=number("confirmation", "within_factor"),
    )


def sibling_prices(observations: pl.DataFrame, max_age_days: int) -> pl.DataFrame:
    """Per model, date on which any listing of it was observed, and listing: that listing's
    current price then (model_id, observed_on, LISTING..., sibling_usd_per_mtok)."""
    daily = one_price_per_listing_day(observations)
    dates = daily.select("model_id", "observed_on").unique()
    listings = daily.select("model_id", *LISTING).unique()
    grid = dates.join(listings, on="model_id").sort("observed_on")
    current = grid.join_asof(
        daily.select(
            "model_id",
            *LISTING,
            pl.col("observed_on").alias("sibling_observed_on"),
            "blended_usd_per_mtok",
            "valid_until",
        ).sort("sibling_observed_on"),
        left_on="observed_on",
        right_on="sibling_observed_on",
        by=["model_id", *LISTING],
        strategy="backward",
        check_sortedness=False,
    )
    age_days = (pl.col("observed_on") - pl.col("sibling_observed_on")).dt.total_days()
    return current.filter(
        pl.col("sibling_observed_on").is_not_null()
        & (age_days <= max_age_days)
        & (pl.col("valid_until").is_null() | (pl.col("observed_on") < pl.col("valid_until")))
    ).select("model_id", "observed_on", *LISTING, pl.col("blended_usd_per_mtok").alias("sibling_usd_per_mtok"))


def flag_observations(observations: pl.DataFrame, rules: PlausibilityRules | None = None) -> pl.DataFrame:
    """One row per flagged observation and rule it breaks (FLAG_SCHEMA).

    `observations` come from `price_observations.price_observations` (all of them, before any
    thinning: a sibling's price on a date needs its full history).
    """
    rules = rules or PlausibilityRules()
    if observations.height == 0:
        return pl.DataFrame(schema=FLAG_SCHEMA)
    targets = observations.select(
        *DAY_KEYS, "model_id", "input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok"
    ).unique()
    siblings = sibling_prices(observations, rules.sibling_max_age_days)
    # Every other listing's current price on the target's date; the listing itself is no sibling.
    others = (
        targets.select(*DAY_KEYS, "model_id", "blended_usd_per_mtok")
        .join(siblings, on=["model_id", "observed_on"], suffix="_sibling")
        .filter(pl.any_horizontal(pl.col(c) != pl.col(f"{c}_sibling") for c in LISTING))
        .group_by([*DAY_KEYS, "model_id", "blended_usd_per_mtok"])
        .agg(
            pl.col("sibling_usd_per_mtok").median().alias("sibling_median_usd_per_mtok"),
            pl.len().cast(pl.Int64).alias("siblings"),
            (pl.col("sibling_usd_per_mtok") <= pl.col("blended_usd_per_mtok") * rules.confirm_within_factor)
            .any()
            .alias("confirmed"),
        )
    )
    judged = (
        targets.join(others, on=[*DAY_KEYS, "model_id", "blended_usd_per_mtok"], how="left")
        .with_columns(
            pl.col("siblings").fill_null(0),
            pl.col("confirmed").fill_null(False),
            sibling_median_to_price_ratio=pl.col("sibling_median_usd_per_mtok") / pl.col("blended_usd_per_mtok"),
        )
        .with_columns(
            sibling_outlier=(pl.col("siblings") >= rules.min_siblings)
            & (pl.col("sibling_median_to_price_ratio") > rules.max_ratio_below_sibling_median)
            & ~pl.col("confirmed"),
            internally_inconsistent=(
                (pl.col("output_usd_per_mtok") > 0)
                & (pl.col("input_usd_per_mtok") > pl.col("output_usd_per_mtok") * rules.max_input_to_output_ratio)
            ).fill_null(False),
            unconfirmed_experimental=pl.col("model").str.contains(f"(?i){rules.experimental_pattern}")
            & ~pl.col("confirmed"),
        )
    )
    ratio = pl.col("sibling_median_to_price_ratio").round(1).cast(pl.String)
    median = pl.col("sibling_median_usd_per_mtok").round(4).cast(pl.String)
    price = pl.col("blended_usd_per_mtok").round(6).cast(pl.String)
    reasons = {
        "sibling_outlier": pl.concat_str(
            [
                pl.lit("$"),
                price,
                pl.lit("/1M is "),
                ratio,
                pl.lit("x below the median $"),
                median,
                pl.lit("/1M of "),
                pl.col("siblings").cast(pl.String),
                pl.lit(" other listings of the model"),
            ]
        ),
        "internally_inconsistent": pl.concat_str(
            [
                pl.lit("input $"),
                pl.col("input_usd_per_mtok").round(6).cast(pl.String),
                pl.lit("/1M is "),
                (pl.col("input_usd_per_mtok") / pl.col("output_usd_per_mtok")).round(2).cast(pl.String),
                pl.lit("x its own output price $"),
                pl.col("output_usd_per_mtok").round(6).cast(pl.String),
                pl.lit("/1M"),
            ]
        ),
        "unconfirmed_experimental": pl.concat_str(
            [
                pl.lit("experimental/preview key at $"),
                price,
                pl.lit("/1M; "),
                pl.when(pl.col("siblings") == 0)
                .then(pl.lit("no other listing of the model"))
                .otherwise(
                    pl.concat_str(
                        [
                            pl.lit("none of "),
                            pl.col("siblings").cast(pl.String),
                            pl.lit(f" other listings within {rules.confirm_within_factor:g}x of it"),
                        ]
                    )
                ),
            ]
        ),
    }
    parts = [
        judged.filter(pl.col(rule)).with_columns(rule=pl.lit(rule), reason=reason).select(list(FLAG_SCHEMA))
        for rule, reason in reasons.items()
    ]
    return pl.concat(parts).sort("source", "provider", "model", "observed_on", "rule")


def without_flagged(observations: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """The observations no rule flags (a listing-day's other, plausible versions stay)."""
    keys = [*DAY_KEYS, "blended_usd_per_mtok"]
    return observations.join(flags.select(keys).unique(), on=keys, how="anti", nulls_equal=True)


def flagged_listings(flags: pl.DataFrame, effect: pl.DataFrame) -> pl.DataFrame:
    """One row per listing and rule (LISTING_SCHEMA): when it was flagged, its latest flagged
    price with the sibling median and reason of that date, and how many tier-months of the
    price index it would set if kept (from `index_effect`)."""
    if flags.height == 0:
        return pl.DataFrame(schema=LISTING_SCHEMA)
    would_set = effect.group_by(
        pl.col("flagged_provider").alias("provider"), pl.col("flagged_model").alias("model")
    ).agg(pl.len().cast(pl.Int64).alias("tier_months_it_would_set"))
    return (
        flags.sort("observed_on")
        .group_by([*LISTING, "model_id", "rule"])
        .agg(
            pl.col("observed_on").min().alias("first_flagged_on"),
            pl.col("observed_on").max().alias("last_flagged_on"),
            pl.len().cast(pl.Int64).alias("flagged_observations"),
            pl.col("blended_usd_per_mtok").last(),
            pl.col("sibling_median_usd_per_mtok").last(),
            pl.col("siblings").last(),
            pl.col("sibling_median_to_price_ratio").last(),
            pl.col("reason").last(),
        )
        .join(would_set, on=["provider", "model"], how="left")
        .with_columns(pl.col("tier_months_it_would_set").fill_null(0))
        .select(list(LISTING_SCHEMA))
        .sort("source", "provider", "model", "rule")
    )


EFFECT_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
    "month": pl.Date(),
    "cheapest_blended_usd_per_mtok": pl.Float64(),
    "with_flagged_usd_per_mtok": pl.Float64(),
    "flagged_model": pl.String(),
    "flagged_provider": pl.String(),
    "flagged_rules": pl.String(),
}


def index_effect(index: pl.DataFrame, index_with_flagged: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """Tier-months a flagged listing would set (EFFECT_SCHEMA): `index` is the published price
    index, `index_with_flagged` the same built with flagged observations kept."""
    rules = flags.group_by("model", "provider", "observed_on").agg(
        pl.col("rule").unique().sort().str.join(",").alias("flagged_rules")
    )
    set_by_flagged = index_with_flagged.join(
        rules,
        left_on=["cheapest_model", "cheapest_provider", "price_observed_on"],
        right_on=["model", "provider", "observed_on"],
    )
    return (
        set_by_flagged.join(
            index.select("tier_id", "month", "cheapest_blended_usd_per_mtok"),
            on=["tier_id", "month"],
            how="left",
            suffix="_published",
        )
        .select(
            "tier_id",
            "month",
            pl.col("cheapest_blended_usd_per_mtok_published").alias("cheapest_blended_usd_per_mtok"),
            pl.col("cheapest_blended_usd_per_mtok").alias("with_flagged_usd_per_mtok"),
            pl.col("cheapest_model").alias("flagged_model"),
            pl.col("cheapest_provider").alias("flagged_provider"),
            "flagged_rules",
        )
        .sort("tier_id", "month")
    )
