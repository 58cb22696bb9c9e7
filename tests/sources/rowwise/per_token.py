"""Per-token prices as the live feeds give them, converted to USD per 1M tokens.

LiteLLM and OpenRouter publish USD per single token (`2.5e-06`, `"0.0000025"`). The
conversion is exact in decimal (2.5e-06 becomes 2.5, not 2.4999999999999996). A value
is never rescaled by guesswork: a per-token price that already looks like a per-million
price (e.g. 0.01 USD per token = USD 10,000 per 1M) is converted like any other, so the
contract's plausibility cap quarantines it instead of the parser hiding a unit error.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from sources.values import ValueParseError

TOKENS_PER_MTOK_EXPONENT = 6


def usd_per_mtok(value: object) -> float | None:
    """USD per 1M tokens from a USD-per-token JSON value (number or numeric string); null -> None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueParseError(f"not a price: {value!r} (expected a number of USD per token)")
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, int):
        text = str(value)
    else:
        text = value.strip()
        if not text:
            return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueParseError(f"not a price: {value!r} (expected a number of USD per token)") from None
    if not amount.is_finite():
        raise ValueParseError(f"not a finite price: {value!r}")
    converted = float(amount.scaleb(TOKENS_PER_MTOK_EXPONENT))
    if not math.isfinite(converted):
        raise ValueParseError(f"price out of range: {value!r}")
    return converted


def is_free(input_usd: float | None, output_usd: float | None) -> bool:
    """True when every known input/output price is zero: a free tier, not a market price."""
    known = [price for price in (input_usd, output_usd) if price is not None]
    return bool(known) and all(price == 0.0 for price in known)
