import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.values import ValueParseError, parse_date, parse_float, parse_usd


@pytest.mark.parametrize(
    ("text", "expected"),
    [("$2.50000", 2.5), ("$1,200.5", 1200.5), ("0.07", 0.07), ("", None), ("  $3 ", 3.0)],
)
def test_parse_usd(text, expected):
    assert parse_usd(text) == expected


@pytest.mark.parametrize("text", ["cheap", "$", "2.5 USD", "1.2.3"])
def test_parse_usd_rejects_words(text):
    with pytest.raises(ValueParseError):
        parse_usd(text)


@given(st.decimals(min_value=0, max_value=10**6, places=5, allow_nan=False))
def test_parse_usd_round_trips_dollar_amounts(amount):
    assert parse_usd(f"${amount}") == pytest.approx(float(amount))


def test_parse_date_accepts_iso_and_us_dates():
    assert parse_date("2024-08-06") == dt.date(2024, 8, 6)
    assert parse_date("2/3/2025 3:16pm") == dt.date(2025, 2, 3)
    assert parse_date("") is None
    with pytest.raises(ValueParseError):
        parse_date("2024-13-40")


@given(st.text(max_size=20))
def test_parsers_raise_only_their_own_error(text):
    for parser in (parse_usd, parse_float, parse_date):
        with contextlib.suppress(ValueParseError):
            parser(text)
