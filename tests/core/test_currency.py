"""One source for a currency's decimals (CLDR via Babel): intake, votes and money agree."""
from __future__ import annotations

from decimal import Decimal

import pytest

from models.applications.sealed import major_units, minor_units
from models.core.currency import places
from models.core.errors import Invalid
from models.money.schemas import major, minor
from models.reviews.service import from_minor, to_minor


@pytest.mark.parametrize("currency, decimals", [("EUR", 2), ("usd", 2), ("BIF", 0),
                                                ("JPY", 0), ("KWD", 3), ("XXZ", 2)])
def test_places(currency: str, decimals: int) -> None:
    assert places(currency) == decimals


@pytest.mark.parametrize("currency", ["BIF", "EUR", "JPY", "UGX", "KWD", "GTQ", "MXN"])
def test_intake_votes_and_money_agree(currency: str) -> None:
    """BIF 3000 at intake was 3000 minor units and 300000 in a vote: a vote of the amount
    asked was refused as "more than was requested" (issue 18)."""
    asked = minor_units(3000, currency)
    assert to_minor(3000, currency) == asked == minor(Decimal(3000), currency)
    assert major(asked, currency) == from_minor(asked, currency) == Decimal(3000)
    assert major_units(asked, currency) == 3000.0


def test_a_fraction_of_the_smallest_unit_is_refused() -> None:
    with pytest.raises(Invalid):
        to_minor("10.5", "JPY")
    with pytest.raises(Invalid):
        minor(Decimal("10.005"), "EUR")
