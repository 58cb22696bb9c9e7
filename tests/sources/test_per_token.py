import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.per_token import is_free, usd_per_mtok
from sources.values import ValueParseError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.5e-06, 2.5),
        (1.1e-06, 1.1),
        ("0.0000025", 2.5),
        ("3e-08", 0.03),
        (" 1e-6 ", 1.0),
        (0, 0.0),
        (0.0032, 3200.0),  # implausible, but converted as given: the contract decides
        ("-1", -1_000_000.0),  # negative: left for the contract (OpenRouter maps "-1" first)
        (None, None),
        ("", None),
    ],
)
def test_per_token_values_convert_exactly(value, expected):
    assert usd_per_mtok(value) == expected


@pytest.mark.parametrize("value", ["cheap", "1,5", True, [1e-6], {"usd": 1}, "NaN", "Infinity", "1e999"])
def test_values_that_are_not_prices_are_refused(value):
    with pytest.raises(ValueParseError):
        usd_per_mtok(value)


@given(st.floats(min_value=0, max_value=1e300, allow_subnormal=False))
def test_conversion_matches_float_arithmetic_up_to_rounding(value):
    converted = usd_per_mtok(value)
    assert converted is not None and math.isclose(converted, value * 1e6, rel_tol=1e-12)


def test_free_means_every_known_input_output_price_is_zero():
    assert is_free(0.0, 0.0) and is_free(0.0, None)
    assert not is_free(0.0, 1.0) and not is_free(None, None)
