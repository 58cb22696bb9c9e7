"""How numbers are shown: each kind of quantity has one format, tested on literal values."""

from __future__ import annotations

import datetime as dt
import math

from reports import formatting as fmt


def test_factors():
    assert fmt.factor(3.3) == "3.3×"
    assert fmt.factor(19.123) == "19.1×"
    assert fmt.factor(153.4) == "153×"
    assert fmt.factor(1234.0) == "1,234×"
    assert fmt.factor(0.0571) == "0.057×"
    assert fmt.factor_range(13.26, 34.04) == "13.3×–34.0×"
    assert fmt.factor_range(4.2, 14331.0) == "4.2×–14,331×"  # wide, but it still says at least 4×
    # Three price lows gave 3.7e-08× to 348,728,471,280×: a range that rules nothing out.
    assert fmt.factor_range(3.7e-08, 3.487e11) == "CI too wide to use (over 10,000-fold)"
    assert fmt.factor(None) == fmt.factor(math.nan) == "n/a"


def test_large_quantities_and_money():
    assert fmt.si(19_711_639.77) == "19.7M"
    assert fmt.si(1_241_961.8) == "1.24M"
    assert fmt.si(836_000.0) == "836k"
    assert fmt.si(43e12) == "43.0T"
    assert fmt.si(2.5e15) == "2,500T"  # was "2.50e15" beside "304T"
    assert fmt.si(7.8275e20) == "7.83e20"
    assert fmt.si(42.0) == "42.0"
    assert fmt.usd(51.2e9) == "$51.2B"
    assert fmt.si_range(18.25e6, 21.3e6) == "18.2M–21.3M"


def test_prices_and_shares():
    assert fmt.price(26.25) == "$26.25"
    assert fmt.price(0.0524) == "$0.0524"
    assert fmt.price(0.000123) == "$0.000123"
    assert fmt.price(0.1) == "$0.100"  # was "$0.1" beside "$0.135"
    assert fmt.price(4.07e-05) == "$0.0000407"  # was "$4.07e-05" beside "$0.000271"
    assert fmt.price(0.0) == "$0.00"
    assert fmt.share(0.76923) == "76.9%"
    assert fmt.share_range(0.0606, 0.909) == "6.1%–90.9%"


def test_dates_and_units():
    assert fmt.month(dt.date(2024, 11, 20)) == "2024-11"
    assert fmt.quarter(dt.date(2025, 10, 1)) == "2025Q4"
    assert fmt.timestamp(dt.datetime(2025, 12, 30, 6, 0)) == "2025-12-30 06:00 UTC"
    assert fmt.by_unit(19.7e6, "h100e") == "19.7M H100e"
    assert fmt.by_unit(0.5, "share") == "50.0%"
    assert fmt.by_unit(2e11, "flop_per_token") == "200B flop_per_token"
    assert fmt.by_unit(None, "usd") == "n/a"
    assert fmt.for_unit(46.5, "x per year (price divides by this)") == "46.5×"
    assert fmt.for_unit(2025.7616, "year (decimal)") == "2025.76"
    assert fmt.for_unit(0.313, "probability") == "0.31"
    assert fmt.for_unit(17e9, "parameters") == "17.0B"
    assert fmt.for_unit(402e9, "usd") == "$402B"
