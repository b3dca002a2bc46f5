"""Sane windows for dates people type. 9999-12-31 and 0001-01-01 were once accepted at
intake and later made pages fail (`date + nights` overflowed): every input date is bounded
where it enters, and code reading old rows checks the window too (`in_window`)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from pydantic import AfterValidator

from models.core.errors import Conflict


def within(earliest: timedelta, latest: timedelta) -> AfterValidator:
    """A pydantic check: a date between today+earliest and today+latest."""
    def check(value: date) -> date:
        today = date.today()
        if not today + earliest <= value <= today + latest:
            raise ValueError(f"a date between {today + earliest} and {today + latest}")
        return value
    return AfterValidator(check)


# A stay (a shelter request, a hold, closed nights) starts from yesterday to a year ahead.
StayStart = Annotated[date, within(timedelta(days=-1), timedelta(days=366))]
# A passport may have expired (the officer must see it) or run up to 15 years.
PassportExpiry = Annotated[date, within(timedelta(days=-365 * 30), timedelta(days=365 * 15))]
# Any other date of a case (travel, appointment, check-out): five years either side.
CaseDate = Annotated[date, within(timedelta(days=-365 * 5), timedelta(days=365 * 5))]


def stay_end(start: date, nights: int) -> date:
    """The day after the last night; Conflict (not OverflowError) for an old row's date."""
    try:
        return start + timedelta(days=nights)
    except OverflowError:
        raise Conflict("the stay's dates are out of range", code="dates_out_of_range") from None
