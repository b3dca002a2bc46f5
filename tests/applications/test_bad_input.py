"""Input a form accepted once and a page then choked on: dates outside a sane window, NUL
bytes and direction overrides in names. Each gets a clear error naming the field."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from models.applications.schemas import ApplicationIn
from models.core.dates import stay_end
from models.core.errors import Conflict
from models.shelter.schemas import HoldIn
from tests.applications.helpers import payload


def _errors(data: dict) -> dict[str, str]:
    from models.applications.schemas import pydantic_fields
    with pytest.raises(ValidationError) as caught:
        ApplicationIn.model_validate(data)
    return pydantic_fields(caught.value)


class TestDates:
    @pytest.mark.parametrize("when", ["9999-12-31", "0001-01-01", "2001-01-01",
                                      (date.today() + timedelta(days=400)).isoformat()])
    def test_a_stay_start_outside_the_window_names_the_field(self, when: str) -> None:
        data = payload(kind="shelter", request={"people": 1, "from_date": when, "nights": 3})
        assert "request.from_date" in _errors(data)

    def test_today_and_next_month_are_fine(self) -> None:
        for days in (0, 30):
            when = (date.today() + timedelta(days=days)).isoformat()
            ApplicationIn.model_validate(
                payload(kind="shelter", request={"people": 1, "from_date": when, "nights": 3}))

    @pytest.mark.parametrize("when", ["9999-12-31", "0001-01-01"])
    def test_a_passport_date_outside_the_window_names_the_field(self, when: str) -> None:
        data = payload(kind="visa", request={"destination_country": "NL", "purpose": "Test",
                                             "passport_valid_until": when})
        assert "request.passport_valid_until" in _errors(data)

    def test_a_hold_far_in_the_future_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            HoldIn(shelter_id="x", from_date=date(9999, 12, 31), nights=3, beds=1)

    def test_an_old_rows_date_gives_a_conflict_not_an_overflow(self) -> None:
        with pytest.raises(Conflict):
            stay_end(date(9999, 12, 31), 30)


class TestNames:
    def test_a_nul_byte_is_refused_with_the_field(self) -> None:
        assert "applicant.name" in _errors(payload(applicant={"name": "Test\x00Person"}))
        assert "threat.description" in _errors(payload(threat={"description": "a\x00b"}))

    def test_direction_overrides_are_removed_from_names(self) -> None:
        app = ApplicationIn.model_validate(payload(applicant={"name": "Test \u202eosreP"},
                                                   endorser={"name": "\u2066Beta\u2069"}))
        assert app.applicant.name == "Test osreP" and app.endorser.name == "Beta"

    def test_a_name_of_only_overrides_is_refused(self) -> None:
        assert "applicant.name" in _errors(payload(applicant={"name": "\u202e\u202d"}))

    def test_arabic_names_are_kept_as_typed(self) -> None:
        app = ApplicationIn.model_validate(payload(applicant={"name": "اسم تجريبي"}))
        assert app.applicant.name == "اسم تجريبي"
