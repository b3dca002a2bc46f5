"""Payout details on the pages (issue 17): the apply form's optional section, the form on
the status page (errors in her language, what she typed kept, last digits only), and finance
seeing the destination where a caseworker does not."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api.auth import COOKIE, issue_token
from models.applications.tables import Application
from models.core.db import new_session, session_scope
from models.money import service
from models.money.payout_repository import current
from models.money.payout_tables import PayoutDetail
from models.programmes.service import demo_programme, ensure_programme
from tests.applications.helpers import payload
from tests.money import factories as f

FULL_PHONE = "+254700000001"


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    from api.app import create_app
    with new_session() as s:
        ensure_programme(s, demo_programme())
        s.commit()
    with TestClient(create_app()) as c:
        yield c


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _receipt(client: TestClient, **payout: str) -> tuple[str, str]:
    body = payload(applicant={"country": "KE"})
    if payout:
        body["payout"] = payout
    r = client.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["receipt"]


def _status(client: TestClient, receipt: str, lang: str = "en") -> str:
    token = _token(client.get("/status").text)
    page = client.post("/status", data={"csrf_token": token, "receipt": receipt, "lang": lang})
    assert page.status_code == 200, page.text[:300]
    return page.text


def _post_payout(client: TestClient, receipt: str, page: str, lang: str = "en",
                 **fields: str):  # noqa: ANN202
    data = {"csrf_token": _token(page), "receipt": receipt, "lang": lang,
            **{f"payout.{k}": v for k, v in fields.items()}}
    return client.post("/status/payout", data=data)


class TestStatusPage:
    def test_she_gives_mobile_money_details_and_sees_last_digits(self, client) -> None:  # noqa: ANN001
        app_id, receipt = _receipt(client)
        page = _status(client, receipt)
        assert "How you will be paid" in page and "Mobile money" in page
        done = _post_payout(client, receipt, page, rail="mobile_money", provider="mpesa",
                            phone="0700 000 001")
        assert done.status_code == 200, done.text[:500]
        assert "Your payment details were saved" in done.text
        assert "ending in 0001" in done.text and "M-Pesa" in done.text
        assert FULL_PHONE not in done.text and "700 000 001" not in done.text
        with new_session() as s:
            assert current(s, app_id).rail == "mobile_money"

    def test_a_bad_number_is_explained_in_her_language_and_kept(self, client) -> None:  # noqa: ANN001
        app_id, receipt = _receipt(client)
        page = _status(client, receipt, lang="es")
        bad = _post_payout(client, receipt, page, lang="es", rail="mobile_money",
                           provider="mpesa", phone="12345")
        assert bad.status_code == 422
        assert "número" in bad.text.lower() and 'value="12345"' in bad.text
        assert 'aria-invalid="true"' in bad.text
        with new_session() as s:
            assert current(s, app_id) is None

    def test_a_change_is_told_on_her_page(self, client) -> None:  # noqa: ANN001
        app_id, receipt = _receipt(client, rail="mobile_money", provider="mpesa",
                                   phone="0700 000 001")
        page = _status(client, receipt)
        changed = _post_payout(client, receipt, page, rail="money_transfer_agent",
                               pickup_name="Test Person Alpha", pickup_city="Test City")
        assert "were changed on" in changed.text
        assert "Collect the money with your ID" in changed.text
        assert "Test City" not in changed.text and "Test Person Alpha" not in changed.text

    def test_a_forged_form_changes_nothing(self, client) -> None:  # noqa: ANN001
        app_id, receipt = _receipt(client)
        r = client.post("/status/payout", data={"csrf_token": "forged", "receipt": receipt,
                                                "payout.rail": "cash_via_partner",
                                                "payout.partner": "Test Org Beta"})
        assert r.status_code == 403
        with new_session() as s:
            assert current(s, app_id) is None


class TestApplyForm:
    def _form(self, client: TestClient, **payout: str):  # noqa: ANN202
        page = client.get("/apply/grant")
        assert "How you want to receive the money" in page.text
        submission = re.search(r'name="submission" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        data = {"csrf_token": _token(page.text), "submission": submission, "lang": "en",
                "applicant.name": "Test Person Alpha", "applicant.email": "alpha@example.invalid",
                "applicant.country": "KE", "threat.description": "Test threat description",
                "threat.types": "surveillance", "threat.perpetrator": "unknown",
                "request.amount": "3000", "request.currency": "EUR",
                "request.purpose": "Test purpose",
                **{f"payout.{k}": v for k, v in payout.items()}}
        return client.post("/apply/grant", data=data)

    def test_a_bad_iban_is_named_and_kept(self, client) -> None:  # noqa: ANN001
        r = self._form(client, rail="bank_wire", account_name="Test Person Alpha",
                       iban="DE89 3704 0044 0532 0130 01")
        assert r.status_code == 422
        assert "This IBAN is not valid" in r.text and 'value="DE89 3704 0044 0532 0130 01"' in r.text

    def test_valid_details_are_stored_and_other_rails_fields_dropped(self, client) -> None:  # noqa: ANN001
        r = self._form(client, rail="mobile_money", provider="mpesa", phone="0700 000 001",
                       iban="typed then abandoned")
        assert r.status_code == 200, r.text[:500]
        with new_session() as s:
            detail = s.exec(select(PayoutDetail)).one()
            assert detail.rail == "mobile_money"

    def test_no_details_is_fine(self, client) -> None:  # noqa: ANN001
        assert self._form(client, rail="").status_code == 200


class TestWhoSeesPages:
    def test_finance_page_shows_the_destination_the_case_page_does_not(self, client) -> None:  # noqa: ANN001
        app_id, _receipt_code = _receipt(client, rail="mobile_money", provider="mpesa",
                                         phone="0700 000 001")
        with session_scope() as s:
            app = s.get(Application, app_id)
            app.status, app.decided_amount_minor = "approved", app.amount_minor
            [d] = service.create_disbursements(session=s, application=app)
            [fin] = f.staff(s)
            [cw] = f.staff(s, role="caseworker")
            service.approve(session=s, disbursement_id=d.id, user_id=fin.id, role="finance",
                            rail="mobile_money")
            d_id, fin_token, cw_token = d.id, issue_token(fin)[0], issue_token(cw)[0]
        client.cookies.set(COOKIE, fin_token)
        finance = client.get(f"/staff/finance/disbursements/{d_id}")
        assert finance.status_code == 200 and FULL_PHONE in finance.text
        client.cookies.set(COOKIE, cw_token)
        case = client.get(f"/staff/cases/{app_id}")
        assert case.status_code == 200 and FULL_PHONE not in case.text
        assert "0001" not in case.text
        assert client.get(f"/staff/finance/disbursements/{d_id}").status_code == 403
