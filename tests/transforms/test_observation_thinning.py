import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecasts.decline import frontier_lows
from transforms.observation_thinning import last_in_month, new_listing_lows, with_score_epoch
from transforms.price_index import build_frontier_price, build_price_index, scored_prices
from transforms.price_observations import OBSERVATION_SCHEMA, vintage_dates, with_vintages

D = dt.date
CAPS_SCHEMA = {"model_id": pl.String(), "benchmark": pl.String(), "score": pl.Float64(), "scored_on": pl.Date()}


def _obs(rows):
    """rows: (source, provider, model, observed_on, blended). Every date of a vintage source
    (litellm, openrouter) among the rows is one of its vintages."""
    frame = pl.DataFrame(
        [
            {
                "source": source,
                "provider": provider,
                "model": model,
                "model_id": model,
                "observed_on": day,
                "input_usd_per_mtok": None,
                "output_usd_per_mtok": None,
                "blended_usd_per_mtok": price,
            }
            for source, provider, model, day, price in rows
        ],
        schema={k: v for k, v in OBSERVATION_SCHEMA.items() if k not in ("valid_until", "left_censored")},
    )
    return with_vintages(frame, vintage_dates(frame)).select(list(OBSERVATION_SCHEMA))


def _caps(rows):
    """rows: (model_id, benchmark, score, scored_on)."""
    return pl.DataFrame([dict(zip(CAPS_SCHEMA, row, strict=True)) for row in rows], schema=CAPS_SCHEMA)


def _tiers(rows):
    return pl.DataFrame(
        rows,
        schema={
            "tier_id": pl.String,
            "benchmark": pl.String,
            "threshold_model": pl.String,
            "threshold_score": pl.Float64,
        },
        orient="row",
    )


def test_score_epoch_counts_score_dates_up_to_the_price_date():
    obs = _obs([("litellm", "p", "m", D(2024, 1, d), 1.0) for d in (1, 10, 20)])
    caps = _caps(
        [("m", "mmlu", 50.0, D(2024, 1, 10)), ("m", "gpqa", 30.0, D(2024, 1, 10)), ("m", "mmlu", 60.0, D(2024, 1, 15))]
    )
    epochs = with_score_epoch(obs, caps).sort("observed_on")
    assert epochs["score_epoch"].to_list() == [0, 1, 2]


def test_last_in_month_keeps_the_month_end_candidate_of_each_score_epoch():
    daily = [("litellm", "p", "m", D(2024, 1, d), 2.0) for d in range(1, 32)]
    february = [("litellm", "p", "m", D(2024, 2, d), 1.5) for d in (1, 2)]
    caps = _caps([("m", "mmlu", 70.0, D(2023, 1, 1)), ("m", "mmlu", 80.0, D(2024, 1, 15))])
    kept = last_in_month(_obs(daily + february), caps).sort("observed_on")
    # Jan 14 is the last day scored 70, Jan 31 the last scored 80, Feb 2 the last of February.
    assert kept["observed_on"].to_list() == [D(2024, 1, 14), D(2024, 1, 31), D(2024, 2, 2)]
    assert kept.columns == list(OBSERVATION_SCHEMA)


def test_new_listing_lows_keeps_only_strictly_lower_prices_per_listing():
    prices = [10.0, 10.0, 8.0, 9.0, 8.0, 7.0]
    rows = [("litellm", "p", "m", D(2024, 3, i + 1), price) for i, price in enumerate(prices)]
    rows += [("openrouter", "p", "m", D(2024, 3, 6), 9.5)]  # another listing: judged on its own
    kept = new_listing_lows(_obs(rows), _caps([("m", "mmlu", 70.0, D(2023, 1, 1))]))
    litellm = kept.filter(pl.col("source") == "litellm").sort("observed_on")
    assert litellm["blended_usd_per_mtok"].to_list() == [10.0, 8.0, 7.0]
    assert kept.filter(pl.col("source") == "openrouter").height == 1


def test_a_new_score_epoch_restarts_the_listing_lows():
    rows = [("litellm", "p", "m", D(2024, 3, d), 5.0) for d in (1, 2, 3)]
    caps = _caps([("m", "mmlu", 60.0, D(2023, 1, 1)), ("m", "mmlu", 90.0, D(2024, 3, 2))])
    kept = new_listing_lows(_obs(rows), caps).sort("observed_on")
    # From Mar 2 the model qualifies for higher tiers, where the same price can be a new low.
    assert kept["observed_on"].to_list() == [D(2024, 3, 1), D(2024, 3, 2)]


def test_scored_prices_takes_the_cheapest_version_a_listing_shows_on_one_day():
    obs = _obs([("litellm", "p", "m", D(2024, 1, 5), 3.0), ("litellm", "p", "m", D(2024, 1, 5), 2.0)])
    scored = scored_prices(obs, _caps([("m", "mmlu", 70.0, D(2023, 1, 1))]))
    assert scored["blended_usd_per_mtok"].to_list() == [2.0]


MODELS = ["a", "b", "c"]
LISTINGS = [("litellm", "p1"), ("openrouter", "p2"), ("epoch", "unspecified")]
observation_rows = st.lists(
    st.tuples(
        st.sampled_from(LISTINGS),
        st.sampled_from(MODELS),
        st.integers(0, 150),
        st.sampled_from([1.0, 2.0, 2.5, 4.0, 8.0]),
    ),
    min_size=1,
    max_size=60,
)
score_rows = st.lists(
    st.tuples(
        st.sampled_from(MODELS),
        st.sampled_from(["mmlu", "gpqa"]),
        st.sampled_from([40.0, 60.0, 80.0]),
        st.integers(-30, 150),
    ),
    min_size=1,
    max_size=12,
)
START = D(2024, 1, 1)


def _random_inputs(rows, scores):
    obs = _obs(
        [
            (source, provider, model, START + dt.timedelta(days=day), price)
            for (source, provider), model, day, price in rows
        ]
    )
    caps = _caps([(model, bench, score, START + dt.timedelta(days=day)) for model, bench, score, day in scores])
    return obs, caps


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(observation_rows, score_rows)
def test_thinning_to_the_last_in_month_leaves_price_index_and_frontier_unchanged(rows, scores):
    obs, caps = _random_inputs(rows, scores)
    tiers = _tiers([("m40", "mmlu", None, 40.0), ("m70", "mmlu", None, 70.0), ("g60", "gpqa", None, 60.0)])
    end_month = D(2024, 6, 1)
    full = scored_prices(obs, caps)
    thin = scored_prices(last_in_month(obs, caps), caps)
    assert build_price_index(thin, tiers, end_month).equals(build_price_index(full, tiers, end_month))
    same = ["benchmark", "month", "model_id", "score", "blended_usd_per_mtok", "price_observed_on"]
    assert (
        build_frontier_price(thin, ["mmlu", "gpqa"], end_month)
        .select(same)
        .equals(build_frontier_price(full, ["mmlu", "gpqa"], end_month).select(same))
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(observation_rows, score_rows, st.sampled_from([40.0, 60.0, 70.0, 80.0]), st.sampled_from(["mmlu", "gpqa"]))
def test_thinning_to_listing_lows_leaves_the_frontier_lows_unchanged(rows, scores, threshold, benchmark):
    obs, caps = _random_inputs(rows, scores)
    full = scored_prices(obs, caps).filter(pl.col("benchmark") == benchmark)
    thin = scored_prices(new_listing_lows(obs, caps), caps).filter(pl.col("benchmark") == benchmark)
    columns = ["observed_on", "blended_usd_per_mtok", "score"]
    assert frontier_lows(thin, threshold).select(columns).equals(frontier_lows(full, threshold).select(columns))
