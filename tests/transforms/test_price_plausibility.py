import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.price_observations import OBSERVATION_SCHEMA, vintage_dates, with_vintages
from transforms.price_plausibility import (
    DEFAULT_RULES_FILE,
    EFFECT_SCHEMA,
    PlausibilityRules,
    PlausibilityRulesError,
    flag_observations,
    flagged_listings,
    index_effect,
    read_rules,
    without_flagged,
)

D = dt.date
DAY = D(2025, 3, 31)


def _obs(rows):
    """rows: (source, provider, model, model_id, observed_on, input, output); blended = 3:1."""
    frame = pl.DataFrame(
        [
            {
                "source": source,
                "provider": provider,
                "model": model,
                "model_id": model_id,
                "observed_on": day,
                "input_usd_per_mtok": inp,
                "output_usd_per_mtok": out,
                "blended_usd_per_mtok": (3 * inp + out) / 4,
            }
            for source, provider, model, model_id, day, inp, out in rows
        ],
        schema={k: v for k, v in OBSERVATION_SCHEMA.items() if k not in ("valid_until", "left_censored")},
    )
    return with_vintages(frame, vintage_dates(frame)).select(list(OBSERVATION_SCHEMA))


def _flat(provider, model, price, model_id="flash", day=DAY, source="litellm"):
    return (source, provider, model, model_id, day, price, price)


def _flagged(flags):
    return sorted(zip(flags["provider"], flags["model"], flags["rule"], strict=True))


def test_a_listing_far_below_the_median_of_its_siblings_is_flagged():
    obs = _obs(
        [
            _flat("vertex", "flash-cheap", 0.005),
            _flat("vertex", "flash", 0.13),
            _flat("gemini", "gemini/flash", 0.13),
            _flat("openrouter", "google/flash", 0.15),
        ]
    )
    flags = flag_observations(obs)
    assert _flagged(flags) == [("vertex", "flash-cheap", "sibling_outlier")]
    row = flags.row(0, named=True)
    assert row["siblings"] == 3
    assert row["sibling_median_usd_per_mtok"] == pytest.approx(0.13)
    assert row["sibling_median_to_price_ratio"] == pytest.approx(26.0)
    assert "26.0x below the median" in row["reason"]


def test_a_lone_listing_or_one_with_a_single_sibling_is_not_judged():
    lone = _obs([_flat("p", "solo", 0.0001, model_id="solo")])
    assert flag_observations(lone).height == 0
    pair = _obs([_flat("a", "m1", 0.001), _flat("b", "m2", 1.0)])
    # With one other price there is no telling which of the two is wrong.
    assert flag_observations(pair).height == 0


def test_a_deep_cut_confirmed_by_a_second_provider_is_not_flagged():
    obs = _obs(
        [
            _flat("a", "m-a", 0.1),
            _flat("b", "m-b", 0.12),
            _flat("c", "m-c", 2.0),
            _flat("d", "m-d", 2.5),
        ]
    )
    # a's siblings: 0.12, 2.0, 2.5 (median 2.0, 20x above) but b confirms a's price.
    assert flag_observations(obs).height == 0


def test_an_entry_whose_input_price_is_far_above_its_own_output_price_is_inconsistent():
    obs = _obs([("litellm", "vertex", "flash-preview", "flash-preview", DAY, 0.075, 0.0046875)])
    flags = flag_observations(obs, PlausibilityRules(experimental_pattern="^$"))
    assert _flagged(flags) == [("vertex", "flash-preview", "internally_inconsistent")]
    assert "16.0x its own output price" in flags["reason"].item()


def test_an_experimental_key_needs_a_sibling_that_confirms_its_price():
    lone = _obs([_flat("vertex", "flash-exp-0827", 0.2)])
    assert _flagged(flag_observations(lone)) == [("vertex", "flash-exp-0827", "unconfirmed_experimental")]
    confirmed = _obs([_flat("vertex", "flash-exp-0827", 0.2), _flat("vertex", "flash", 0.25)])
    assert flag_observations(confirmed).height == 0
    unconfirmed = _obs([_flat("vertex", "flash-exp-0827", 0.005), _flat("vertex", "flash", 0.13)])
    assert _flagged(flag_observations(unconfirmed)) == [("vertex", "flash-exp-0827", "unconfirmed_experimental")]
    # "expert" or "express" are not experimental keys.
    assert flag_observations(_obs([_flat("p", "model-expert", 0.2)])).height == 0


def test_a_sibling_that_a_later_vintage_dropped_or_that_is_too_old_does_not_count():
    v1, v2 = D(2025, 1, 31), D(2025, 2, 28)
    obs = _obs(
        [
            _flat("a", "m-a", 1.0, day=v1),
            _flat("b", "m-b", 1.0, day=v1),
            _flat("c", "m-c", 1.0, day=v1),
            _flat("c", "m-c", 1.0, day=v2),
            _flat("d", "m-d", 0.01, day=v2),  # a and b are gone in v2: only c is a sibling of d
            _flat("e", "m-e", 1.0, day=D(2024, 1, 1), source="epoch"),  # far too old to be current
        ]
    )
    assert flag_observations(obs).filter(pl.col("provider") == "d").height == 0


def test_without_flagged_keeps_the_listing_on_other_days_and_in_staging_terms():
    v1, v2 = D(2025, 1, 31), D(2025, 2, 28)
    rows = [_flat(p, f"m-{p}", 1.0, day=day) for p in ("b", "c") for day in (v1, v2)]
    rows += [_flat("a", "m-a", 0.01, day=v1), _flat("a", "m-a", 0.9, day=v2)]
    obs = _obs(rows)
    flags = flag_observations(obs)
    kept = without_flagged(obs, flags)
    assert kept.height == obs.height - 1
    assert kept.filter(pl.col("provider") == "a")["observed_on"].to_list() == [v2]
    listing = flagged_listings(flags, pl.DataFrame(schema=EFFECT_SCHEMA)).row(0, named=True)
    assert (listing["first_flagged_on"], listing["last_flagged_on"], listing["flagged_observations"]) == (v1, v1, 1)
    assert listing["tier_months_it_would_set"] == 0


def test_index_effect_lists_the_tier_months_a_flagged_listing_would_set():
    flags = flag_observations(_obs([_flat("a", "m-a", 0.01), _flat("b", "m-b", 1.0), _flat("c", "m-c", 1.2)]))
    month = D(2025, 3, 1)
    base = {"tier_id": "t", "month": month, "price_observed_on": DAY}
    published = pl.DataFrame(
        [base | {"cheapest_blended_usd_per_mtok": 1.0, "cheapest_model": "m-b", "cheapest_provider": "b"}]
    )
    kept = pl.DataFrame(
        [base | {"cheapest_blended_usd_per_mtok": 0.01, "cheapest_model": "m-a", "cheapest_provider": "a"}]
    )
    effect = index_effect(published, kept, flags)
    assert effect.to_dicts() == [
        {
            "tier_id": "t",
            "month": month,
            "cheapest_blended_usd_per_mtok": 1.0,
            "with_flagged_usd_per_mtok": 0.01,
            "flagged_model": "m-a",
            "flagged_provider": "a",
            "flagged_rules": "sibling_outlier",
        }
    ]
    assert index_effect(published, published, flags).height == 0
    assert flagged_listings(flags, effect)["tier_months_it_would_set"].to_list() == [1]


def test_the_bundled_rules_file_reads_and_a_bad_threshold_names_file_and_key(tmp_path: Path):
    assert read_rules(DEFAULT_RULES_FILE) == PlausibilityRules()
    bad = tmp_path / "rules.toml"
    bad.write_text(DEFAULT_RULES_FILE.read_text().replace("min_siblings = 2", "min_siblings = -1"))
    with pytest.raises(PlausibilityRulesError, match=r"rules.toml: \[sibling_outlier\] min_siblings"):
        read_rules(bad)


prices = st.lists(st.sampled_from([0.001, 0.01, 0.1, 0.5, 1.0, 2.0, 10.0]), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prices, st.sampled_from([0.01, 7.0, 1000.0]))
def test_flags_do_not_depend_on_the_currency_unit(listing_prices, scale):
    def flags(factor):
        rows = [_flat(f"p{i}", f"m{i}", price * factor) for i, price in enumerate(listing_prices)]
        return _flagged(flag_observations(_obs(rows)))

    assert flags(1.0) == flags(scale)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prices)
def test_the_cheapest_listing_is_flagged_only_when_ten_times_below_the_others_median(listing_prices):
    rows = [_flat(f"p{i}", f"m{i}", price) for i, price in enumerate(listing_prices)]
    flagged = {provider for provider, _, _ in _flagged(flag_observations(_obs(rows)))}
    for i, price in enumerate(listing_prices):
        others = sorted(p for j, p in enumerate(listing_prices) if j != i)
        median = float(pl.Series(others).median()) if others else None  # type: ignore[arg-type]
        confirmed = any(p <= 3 * price for p in others)
        expected = len(others) >= 2 and median is not None and median / price > 10 and not confirmed
        assert (f"p{i}" in flagged) == expected
