"""The defender's status page (issue 15): the amount decided, her visa's outcome and
appointment, a clear end, and no "Answer it below" once she has answered."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from models.applications.info import answer_info, request_info
from models.applications.public import public_status
from models.core import crypto
from models.core.base import utcnow
from models.core.db import session_scope
from models.visas.tables import VisaCase
from tests.reviews import factories as f

RECEIPTS = {"grant": "7KQ2M9XD4PRT8HWBZ3NC", "ineligible": "8KQ2M9XD4PRT8HWBZ3NC",
            "visa": "9KQ2M9XD4PRT8HWBZ3NC", "asked": "6KQ2M9XD4PRT8HWBZ3NC"}


@pytest.fixture
def cases(sqlite_url: str) -> dict[str, str]:
    with session_scope() as s:
        prog = f.programme(s)
        grant = f.application(s, prog=prog, status="approved", amount_minor=250_000)
        grant.decided_amount_minor = 200_000
        ineligible = f.application(s, prog=prog, status="ineligible", due_in=None)
        visa = f.application(s, prog=prog, kind="visa", status="appointment", due_in=None)
        s.add(VisaCase(application_id=visa.id, destination_country="DE", checklist_code="x",
                       status="appointment", appointment_country="GT",
                       appointment_at=utcnow() + timedelta(days=3),
                       valid_until=date(2027, 6, 1)))
        asked = f.application(s, prog=prog, status="in_review")
        for app, key in ((grant, "grant"), (ineligible, "ineligible"), (visa, "visa"),
                         (asked, "asked")):
            app.receipt_hash = crypto.receipt_hash(RECEIPTS[key])  # type: ignore[assignment]
        s.flush()
        caseworker, _ = f.staff(s, role="caseworker")
        request_info(session=s, application=asked, staff=caseworker,
                     question="Who can vouch for you? (a test question)")
    return RECEIPTS


def _page(client: TestClient, receipt: str) -> str:
    entry = client.get("/status")
    token = re.search(r'name="csrf_token" value="([^"]+)"', entry.text).group(1)  # type: ignore[union-attr]
    resp = client.post("/status", data={"csrf_token": token, "receipt": receipt, "lang": "en"})
    assert resp.status_code == 200, resp.text
    return resp.text


@pytest.fixture
def client(cases):  # noqa: ANN001, ANN201
    from api.app import create_app
    with TestClient(create_app()) as c:
        yield c


class TestOutcome:
    def test_amount_decided_and_asked(self, cases) -> None:  # noqa: ANN001
        with session_scope() as s:
            out = public_status(session=s, receipt=cases["grant"])["outcome"]
        assert (out["decided"], out["asked"], out["currency"]) == (2000, 2500, "EUR")
        assert out["ended"] is False

    def test_ended_case(self, cases) -> None:  # noqa: ANN001
        with session_scope() as s:
            out = public_status(session=s, receipt=cases["ineligible"])["outcome"]
        assert out["ended"] and out["ending"] == "not_eligible" and "decided" not in out


class TestPage:
    def test_grant_shows_the_amount_in_words_of_her_language(self, client) -> None:  # noqa: ANN001
        html = _page(client, RECEIPTS["grant"])
        assert "Amount decided" in html and "€2,000.00" in html and "€2,500.00" in html
        assert "Come back to this page" in html

    def test_not_eligible_ends_clearly(self, client) -> None:  # noqa: ANN001
        html = _page(client, RECEIPTS["ineligible"])
        assert "Your request has ended" in html
        assert "Come back to this page" not in html
        assert "No document is needed now." not in html

    def test_visa_appointment_and_validity(self, client) -> None:  # noqa: ANN001
        html = _page(client, RECEIPTS["visa"])
        assert "Your appointment" in html and "Guatemala" in html
        assert "Lodged with the embassy" in html

    def test_answered_question_no_longer_points_below(self, client) -> None:  # noqa: ANN001
        before = _page(client, RECEIPTS["asked"])
        assert "Answer it below" in before and "Questions for you" in before
        assert before.index("Answer it below") < before.index("Questions for you")
        with session_scope() as s:
            request_id = public_status(session=s, receipt=RECEIPTS["asked"])["requests"][0]["id"]
            answer_info(session=s, receipt=RECEIPTS["asked"], request_id=request_id,
                        answer="Test answer from a fictional person.")
        after = _page(client, RECEIPTS["asked"])
        assert "Answer it below" not in after and "Thank you for answering it" in after
        assert "Questions for you" not in after
