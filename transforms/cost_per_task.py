"""marts.cost_per_task: what one benchmark question costs a model, month by month.

Token counts come from `staging.eval_token_usage` (input and output tokens over `samples`
samples of one evaluation run per model and task); prices from `staging.token_prices`. For a
run and a month, every listing of the run's model (canonical id) offers its latest price on or
before the month's last day unless a later vintage of its source omitted it (`price_index.current_offers`), and

    cost per sample = (input tokens x input price + output tokens x output price) / samples

in USD (prices per 1M tokens). A run of a reasoning model is charged the listing's reasoning
rate for its output tokens where the listing gives one (Gemini 2.5 Flash preview's thinking
price): the runs do not split reasoning from answer tokens, and such a listing bills every
output token of a thinking request at that rate. Listings with only a blended price (no
input/output split) cannot price a token mix and are left out.

Which listing prices a run is decided in one place, `choose_listing`: the model developer's
own API where one is listed (`first_party`), otherwise the cheapest credible listing
(`cheapest_credible`); a listing is credible unless it appears in the flagged-listings frame
(source, provider, model, observed_on) of the price plausibility check. The choice is kept
per row.

Effort variants: Epoch AI names runs of one model at several reasoning efforts with a suffix
("o1-2024-12-17_high", "claude-3-7-sonnet-20250219_16K"); each is its own row (`variant`).
The score of a run on the task's benchmark is the version's own score where the capability
data names that exact version (gpt-4-0613, o1-2024-12-17_high), else the variant's (canonical id
and effort setting), else the model's (the lowest on a tie, so capability is never
overstated), as known at the end of the month (the earliest score if the month precedes every
score). A dated snapshot (gpt-4o-2024-08-06) is priced from its release month on only. Runs
whose task has no benchmark mapping or whose model has no score keep a null score.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from sources.identity import canonical_model_id
from transforms.price_index import current_offers, month_starts, one_price_per_listing_day
from transforms.price_observations import vintage_dates, with_model_id, with_vintages
from transforms.price_variants import is_first_party

DEFAULT_TASK_BENCHMARKS_FILE = Path(__file__).parent / "data" / "eval_task_benchmarks.csv"

FIRST_PARTY = "first_party"
CHEAPEST_CREDIBLE = "cheapest_credible"
OUTPUT_RATE = "output"
REASONING_RATE = "reasoning"
FLAGGED_KEYS = ("source", "provider", "model", "observed_on")

# Epoch AI's evaluation-setting suffix (the same rule sources.identity strips from ids).
_EFFORT_SUFFIX = re.compile(r"_(high|medium|low|minimal|thinking|\d+[kK])$")
# A full date in a version name (gpt-4o-2024-08-06, claude-3-5-sonnet-20240620): the snapshot's release.
_VERSION_DATE = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")

COST_PER_TASK_SCHEMA: dict[str, pl.DataType] = {
    "task": pl.String(),
    "benchmark": pl.String(),
    "model": pl.String(),
    "model_id": pl.String(),
    "variant": pl.String(),
    "is_reasoning": pl.Boolean(),
    "month": pl.Date(),
    "samples": pl.Int64(),
    "input_tokens_per_sample": pl.Float64(),
    "output_tokens_per_sample": pl.Float64(),
    "input_usd_per_mtok": pl.Float64(),
    "output_usd_per_mtok": pl.Float64(),
    "output_rate": pl.String(),
    "cost_usd_per_sample": pl.Float64(),
    "price_choice": pl.String(),
    "price_source": pl.String(),
    "price_provider": pl.String(),
    "price_model": pl.String(),
    "price_observed_on": pl.Date(),
    "version_released_on": pl.Date(),
    "score": pl.Float64(),
    "tokens_provenance": pl.String(),
}


def read_task_benchmarks(path: Path = DEFAULT_TASK_BENCHMARKS_FILE) -> dict[str, str]:
    """Eval task name -> benchmark id of staging.model_capabilities."""
    frame = pl.read_csv(path, schema={"task": pl.String(), "benchmark": pl.String()})
    return dict(zip(frame["task"].to_list(), frame["benchmark"].to_list(), strict=True))


def effort_variant(name: str) -> str | None:
    """The evaluation setting a run name carries ("high", "16k"), or None."""
    match = _EFFORT_SUFFIX.search(name.strip())
    return match.group(1).lower() if match else None


def version_date(name: str) -> dt.date | None:
    """The release date a version name carries, or None (undated names, invalid dates)."""
    match = _VERSION_DATE.search(name)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def variant_key(name: str) -> str:
    """Canonical model id plus the effort setting, so o1 high and o1 medium stay apart."""
    variant = effort_variant(name)
    model_id = canonical_model_id(name)
    return f"{model_id}_{variant}" if variant else model_id


def usage_runs(usage: pl.DataFrame, task_benchmarks: dict[str, str], reasoning: pl.DataFrame) -> pl.DataFrame:
    """One row per run with usable counts: ids, variant, benchmark, reasoning flag, tokens per sample.

    `reasoning` is `model_id, is_reasoning[, reasoning_mode]` (null = unknown); a run with an
    effort setting is a reasoning run whatever the flag says, since the setting is a reasoning
    budget, and a run of a hybrid model without one ran with thinking off (Epoch AI names its
    thinking runs with a budget suffix).
    """
    if "reasoning_mode" not in reasoning.columns:
        reasoning = reasoning.with_columns(reasoning_mode=pl.lit(None, pl.String))
    names = usage["model"].unique().to_list()
    keys = pl.DataFrame(
        {
            "model": names,
            "model_id": [canonical_model_id(n) for n in names],
            "variant": [effort_variant(n) for n in names],
            "variant_key": [variant_key(n) for n in names],
            "version_released_on": [version_date(n) for n in names],
        },
        schema={
            "model": pl.String(),
            "model_id": pl.String(),
            "variant": pl.String(),
            "variant_key": pl.String(),
            "version_released_on": pl.Date(),
        },
    )
    return (
        usage.filter((pl.col("samples") > 0) & (pl.col("input_tokens") >= 0) & (pl.col("output_tokens") >= 0))
        .join(keys, on="model", how="left")
        .join(
            reasoning.select("model_id", "is_reasoning", "reasoning_mode").unique("model_id"), on="model_id", how="left"
        )
        .with_columns(
            benchmark=pl.col("task").replace_strict(task_benchmarks, default=None, return_dtype=pl.String),
            is_reasoning=pl.when(pl.col("variant").is_not_null())
            .then(True)
            .when(pl.col("reasoning_mode") == "hybrid")
            .then(False)
            .otherwise(pl.col("is_reasoning")),
            samples=pl.col("samples").cast(pl.Int64),
            input_tokens_per_sample=pl.col("input_tokens") / pl.col("samples"),
            output_tokens_per_sample=pl.col("output_tokens") / pl.col("samples"),
            tokens_provenance=pl.col("provenance"),
        )
        .select(
            "task",
            "benchmark",
            "model",
            "model_id",
            "variant",
            "variant_key",
            "version_released_on",
            "is_reasoning",
            "samples",
            "input_tokens",
            "output_tokens",
            "input_tokens_per_sample",
            "output_tokens_per_sample",
            "tokens_provenance",
        )
    )


def priced_observations(prices: pl.DataFrame, model_ids: list[str]) -> pl.DataFrame:
    """Price observations of the given models that split input and output, with model ids."""
    observations = (
        with_model_id(prices)
        .filter(
            pl.col("model_id").is_in(model_ids)
            & pl.col("input_usd_per_mtok").is_not_null()
            & pl.col("output_usd_per_mtok").is_not_null()
            & (pl.col("input_usd_per_mtok") >= 0)
            & (pl.col("output_usd_per_mtok") > 0)
        )
        .with_columns(
            blended_usd_per_mtok=(3 * pl.col("input_usd_per_mtok") + pl.col("output_usd_per_mtok")) / 4,
        )
    )
    if "reasoning_usd_per_mtok" not in observations.columns:
        observations = observations.with_columns(reasoning_usd_per_mtok=pl.lit(None, pl.Float64))
    # A listing lasts until a later vintage of its source omits it (the price index's rule).
    listed = with_vintages(one_price_per_listing_day(observations), vintage_dates(prices))
    return listed.select(
        "source",
        "provider",
        "model",
        "model_id",
        "observed_on",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "reasoning_usd_per_mtok",
        "blended_usd_per_mtok",
        "valid_until",
    )


def costed_offers(runs: pl.DataFrame, offers: pl.DataFrame) -> pl.DataFrame:
    """Every run x month x current listing of its model, with the cost per sample at that listing.

    A dated snapshot is not priced before its release month: canonical ids merge snapshots, so
    the listing of gpt-4o in May 2024 must not price the gpt-4o-2024-08-06 run."""
    reasoning_rate = pl.col("is_reasoning").fill_null(False) & pl.col("reasoning_usd_per_mtok").is_not_null()
    output_price = (
        pl.when(reasoning_rate).then(pl.col("reasoning_usd_per_mtok")).otherwise(pl.col("output_usd_per_mtok"))
    )
    return (
        runs.join(offers, on="model_id", how="inner", suffix="_listing")
        .filter(pl.col("version_released_on").is_null() | (pl.col("month_end") >= pl.col("version_released_on")))
        .with_columns(
            output_usd_per_mtok=output_price,
            output_rate=pl.when(reasoning_rate).then(pl.lit(REASONING_RATE)).otherwise(pl.lit(OUTPUT_RATE)),
        )
        .with_columns(
            cost_usd_per_sample=(
                pl.col("input_tokens") * pl.col("input_usd_per_mtok")
                + pl.col("output_tokens") * pl.col("output_usd_per_mtok")
            )
            / pl.col("samples")
            / 1e6
        )
    )


def choose_listing(
    costed: pl.DataFrame, organizations: pl.DataFrame, flagged: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One listing per run and month: the cheapest first-party listing if the developer lists the
    model itself, else the cheapest credible one. `flagged` holds listings the price plausibility
    check rejected (columns source, provider, model, observed_on); they never price a run.

    `organizations` is `model_id, organization` (the developer), for the first-party test.
    """
    candidates = costed
    if flagged is not None and flagged.height:
        keys = flagged.select(
            pl.col("source").cast(pl.String),
            pl.col("provider").cast(pl.String),
            pl.col("model").cast(pl.String),
            pl.col("observed_on").cast(pl.Date),
        ).unique()
        candidates = candidates.join(
            keys.rename({"model": "model_listing"}),
            on=["source", "provider", "model_listing", "observed_on"],
            how="anti",
        )
    with_org = candidates.join(
        organizations.select("model_id", "organization").unique("model_id"), on="model_id", how="left"
    )
    pairs = with_org.select("provider", "organization").unique()
    judged = pairs.with_columns(
        first_party=pl.struct("provider", "organization").map_elements(
            lambda row: is_first_party(row["provider"], row["organization"]), return_dtype=pl.Boolean
        )
    )
    ranked = with_org.join(judged, on=["provider", "organization"], how="left", nulls_equal=True).with_columns(
        first_party=pl.col("first_party").fill_null(False)
    )
    return (
        ranked.sort(
            ["first_party", "cost_usd_per_sample", "source", "provider", "model_listing"],
            descending=[True, False, False, False, False],
        )
        .group_by(["model", "task", "month"], maintain_order=True)
        .first()
        .with_columns(
            price_choice=pl.when(pl.col("first_party")).then(pl.lit(FIRST_PARTY)).otherwise(pl.lit(CHEAPEST_CREDIBLE))
        )
    )


# A run's score is looked up by these keys in turn: the exact version name (gpt-4-0613 is not
# gpt-4-0314, although both have the id gpt-4), the id with the effort setting, the id.
SCORE_KEYS = ("name_key", "variant_key", "model_id")


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")


def score_keys(names: list[str]) -> pl.DataFrame:
    """`model` and its three score keys."""
    return pl.DataFrame(
        {
            "model": names,
            "name_key": [name_key(n) for n in names],
            "variant_key": [variant_key(n) for n in names],
            "model_id": [canonical_model_id(n) for n in names],
        },
        schema={"model": pl.String(), "name_key": pl.String(), "variant_key": pl.String(), "model_id": pl.String()},
    )


def run_scores(runs: pl.DataFrame, capabilities: pl.DataFrame, months: list[dt.date]) -> pl.DataFrame:
    """`model, task, month, score`: the run's benchmark score as known at each month's end."""
    if capabilities.height == 0 or not months:
        return pl.DataFrame(
            schema={"model": pl.String(), "task": pl.String(), "month": pl.Date(), "score": pl.Float64()}
        )
    names = capabilities["model"].unique().to_list()
    keyed = capabilities.join(score_keys(names), on="model")
    month_ends = pl.DataFrame({"month": months}, schema={"month": pl.Date()}).with_columns(
        month_end=pl.col("month").dt.month_end()
    )
    run_names = runs.filter(pl.col("benchmark").is_not_null()).select("model", "task", "benchmark")
    grid = run_names.join(score_keys(run_names["model"].unique().to_list()), on="model").join(month_ends, how="cross")

    def lookup(key: str) -> pl.DataFrame:
        scores = (
            keyed.group_by(key, "benchmark", "observed_on")
            .agg(pl.col("score").min())
            .rename({"observed_on": "scored_on"})
        )
        earliest = scores.sort("scored_on").group_by(key, "benchmark").agg(pl.col("score").first().alias("earliest"))
        return (
            grid.sort("month_end")
            .join_asof(
                scores.sort("scored_on"),
                left_on="month_end",
                right_on="scored_on",
                by=[key, "benchmark"],
                strategy="backward",
                check_sortedness=False,
            )
            .join(earliest, on=[key, "benchmark"], how="left")
            .select("model", "task", "month", pl.coalesce("score", "earliest").alias(f"score_{key}"))
        )

    keys = ["model", "task", "month"]
    by_name, by_variant, by_model = (lookup(key) for key in SCORE_KEYS)
    return (
        by_name.join(by_variant, on=keys)
        .join(by_model, on=keys)
        .select(*keys, pl.coalesce(*(f"score_{key}" for key in SCORE_KEYS)).alias("score"))
    )


def build_cost_per_task(
    usage: pl.DataFrame,
    prices: pl.DataFrame,
    capabilities: pl.DataFrame,
    organizations: pl.DataFrame,
    reasoning: pl.DataFrame,
    end_month: dt.date,
    *,
    task_benchmarks: dict[str, str] | None = None,
    flagged: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """COST_PER_TASK_SCHEMA: one row per run (model or effort variant x task) per month with a price."""
    mapping = read_task_benchmarks() if task_benchmarks is None else task_benchmarks
    runs = usage_runs(usage, mapping, reasoning)
    observations = priced_observations(prices, runs["model_id"].unique().to_list())
    if runs.height == 0 or observations.height == 0:
        return pl.DataFrame(schema=COST_PER_TASK_SCHEMA)
    months = month_starts(observations["observed_on"].min(), end_month)  # type: ignore[arg-type]
    offers = current_offers(observations, months)
    chosen = choose_listing(costed_offers(runs, offers), organizations, flagged)
    scores = run_scores(runs, capabilities, months)
    return (
        chosen.join(scores, on=["model", "task", "month"], how="left")
        .rename({"source": "price_source", "provider": "price_provider", "observed_on": "price_observed_on"})
        .with_columns(price_model=pl.col("model_listing"))
        .select([pl.col(name).cast(dtype) for name, dtype in COST_PER_TASK_SCHEMA.items()])
        .sort("task", "model", "month")
    )
