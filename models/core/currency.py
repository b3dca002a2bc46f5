"""Money units: one source for how many decimals a currency has (CLDR, through Babel).

Amounts travel in major units (3000 = EUR 3,000.00, BIF 3000 = 3,000 francs) and are stored
in integer minor units. Three hand-written lists of "zero-decimal currencies" once disagreed
(BIF was 0 at intake and 2 in a vote, so a vote of BIF 3000 was refused as "more than was
requested"); now every conversion asks `places`.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision


@lru_cache(maxsize=512)
def places(currency: str | None) -> int:
    """Decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3); 2 when unknown."""
    if not currency:
        return 2
    try:
        return int(get_currency_precision(currency.upper()))
    except Exception:  # noqa: BLE001 - an unknown code: the usual two decimals
        return 2


def to_minor_exact(amount: Decimal | int | float | str, currency: str) -> Decimal:
    """Major -> minor units as a Decimal (may carry a fraction: callers decide)."""
    try:
        return Decimal(str(amount)).scaleb(places(currency))
    except (InvalidOperation, ValueError):
        return Decimal("NaN")


def to_major(amount_minor: int, currency: str | None) -> Decimal:
    return Decimal(amount_minor).scaleb(-places(currency))
