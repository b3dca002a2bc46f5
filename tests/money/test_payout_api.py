"""Payout details over the API, on SQLite and PostgreSQL (issue 17).

Intake with valid and invalid details, details sent later by receipt, finance sees them and
no other role does, a change after approval holds the payment until re-approved (four eyes
above the threshold), an approval without a destination is refused, a destination shared by
unrelated applicants is flagged. Obviously fake values only.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sqlmodel import select

from models.applications.tables import Application
from models.core import audit
from models.core.audit import AuditEvent
from models.core.db import new_session
from models.money import service
from models.money.tables import Disbursement
from models.programmes.service import demo_programme, ensure_programme
from tests.applications.helpers import payload
from tests.money.conftest import bearer
from tests.money.factories import staff

KE_PHONE = "+254 700 000 001"
MOBILE = {"rail": "mobile_money", "provider": "mpesa", "phone": KE_PHONE}
IBAN = "DE89 3704 0044 0532 0130 00"
BANK = {"rail": "bank_wire", "account_name": "Test Person Alpha", "iban": IBAN}


def payout_app() -> FastAPI:
    from api.app import API_PREFIX
    from api.errors import install_error_handlers
    from api.v1 import applications, money
    from models import hooks

    hooks.install()
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(applications.router, prefix=API_PREFIX)
    app.include_router(money.router, prefix=API_PREFIX)
    return app


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with new_session() as s:
        ensure_programme(s, demo_programme())
        s.commit()
    with TestClient(payout_app()) as c:
        yield c


def apply(client: TestClient, *, country: str = "KE", payout: dict | None = None,
          amount: int = 3000) -> dict:
    body = payload(applicant={"country": country}, request={
        "amount": amount, "currency": "EUR", "purpose": "Test purpose"})
    if payout is not None:
        body["payout"] = payout
    r = client.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def approve_grant(application_id: str) -> list[str]:
    """The panel's decision, short-cut: the grant approved and its money planned."""
    with new_session() as s:
        app = s.get(Application, application_id)
        app.status, app.decided_amount_minor = "approved", app.amount_minor
        s.add(app)
        rows = service.create_disbursements(session=s, application=app)
        s.commit()
        return [d.id for d in rows]


def users(role: str = "finance", n: int = 1) -> list:
    with new_session() as s:
        out = staff(s, role=role, n=n)
        s.commit()
        for u in out:
            s.refresh(u)
        return out


def send_later(client: TestClient, receipt: str, details: dict) -> TestClient:
    return client.post("/api/v1/status/payout", json={"receipt": receipt, "payout": details})


class TestIntake:
    def test_valid_details_are_taken_and_sealed(self, client: TestClient) -> None:
        done = apply(client, payout=MOBILE)
        status = client.post("/api/v1/status", json={"receipt": done["receipt"]}).json()
        assert status["payout"]["current"] == {"rail": "mobile_money", "last_digits": "0001",
                                               "provider": "M-Pesa"}
        assert "mobile_money" in status["payout"]["offered"]
        assert "254700000001" not in str(status)

    @pytest.mark.parametrize(("details", "field"), [
        ({**BANK, "iban": "DE89 3704 0044 0532 0130 01"}, "payout.iban"),
        ({**BANK, "bic": "NOPE"}, "payout.bic"),
        ({**MOBILE, "phone": "123"}, "payout.phone"),
        ({**MOBILE, "provider": "nope"}, "payout.provider"),
        ({"rail": "stripe_connect", "account": "acct_1Test"}, "payout.rail"),
        ({"rail": "vendor_direct", "vendor_name": "Test Landlord"}, "payout.invoice_reference"),
    ])
    def test_invalid_details_get_422_naming_the_field(self, client: TestClient, details: dict,
                                                      field: str) -> None:
        body = payload(applicant={"country": "KE"})
        body["payout"] = details
        r = client.post("/api/v1/applications", json=body)
        assert r.status_code == 422, r.text
        assert field in r.json()["error"]["fields"]


class TestByReceipt:
    def test_details_sent_later(self, client: TestClient) -> None:
        done = apply(client)
        r = send_later(client, done["receipt"], BANK)
        assert r.status_code == 200, r.text
        assert r.json()["payout"]["current"]["last_digits"] == "3000"
        assert IBAN.replace(" ", "") not in r.text

    def test_unknown_receipt_and_bad_details(self, client: TestClient) -> None:
        done = apply(client)
        assert send_later(client, "AAAA-BBBB-CCCC-DDDD-EEEE", BANK).status_code == 404
        bad = send_later(client, done["receipt"], {**MOBILE, "phone": "12"})
        assert bad.status_code == 422 and "payout.phone" in bad.json()["error"]["fields"]


class TestWhoSees:
    def test_finance_sees_the_destination_no_other_role(self, client: TestClient) -> None:
        done = apply(client, payout=MOBILE)
        d_id = approve_grant(done["id"])[0]
        (fin,), (cw,) = users("finance"), users("caseworker")
        r = client.post(f"/api/v1/disbursements/{d_id}/approve", json={"rail": "mobile_money"},
                        headers=bearer(fin))
        assert r.status_code == 200, r.text
        one = client.get(f"/api/v1/disbursements/{d_id}", headers=bearer(fin)).json()
        assert one["destination"] == "+254700000001 (M-Pesa)"
        assert one["payout"]["fields"] == {"provider": "mpesa", "phone": "+254700000001"}
        listed = client.get("/api/v1/disbursements", headers=bearer(fin)).json()
        assert listed[0]["destination_masked"] == "•••• 0001" and "destination" not in listed[0]
        assert client.get(f"/api/v1/disbursements/{d_id}", headers=bearer(cw)).status_code == 403
        case = client.get(f"/api/v1/applications/{done['id']}", headers=bearer(cw))
        assert case.status_code == 200 and "700000001" not in case.text
        assert "payout" not in case.json()


class TestApproval:
    def test_refused_without_a_destination(self, client: TestClient) -> None:
        done = apply(client)  # no details stored
        d_id = approve_grant(done["id"])[0]
        (fin,) = users()
        r = client.post(f"/api/v1/disbursements/{d_id}/approve", json={"rail": "mobile_money"},
                        headers=bearer(fin))
        assert r.status_code == 422 and "destination" in r.json()["error"]["fields"]
        ok = client.post(f"/api/v1/disbursements/{d_id}/approve", headers=bearer(fin),
                         json={"rail": "cash_via_partner"})
        assert ok.status_code == 200, ok.text

    def test_stored_details_for_another_rail_do_not_count(self, client: TestClient) -> None:
        done = apply(client, payout=BANK)
        d_id = approve_grant(done["id"])[0]
        (fin,) = users()
        r = client.post(f"/api/v1/disbursements/{d_id}/approve", json={"rail": "mobile_money"},
                        headers=bearer(fin))
        assert r.status_code == 422 and "destination" in r.json()["error"]["fields"]


class TestChangeAfterApproval:
    def test_holds_until_two_finance_users_approve_again(self, client: TestClient) -> None:
        done = apply(client, payout=MOBILE, amount=6000)  # above EUR 5,000: four eyes
        d_ids = approve_grant(done["id"])
        a, b = users(n=2)
        for user in (a, b):
            r = client.post(f"/api/v1/disbursements/{d_ids[0]}/approve",
                            json={"rail": "mobile_money"}, headers=bearer(user))
            assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved"
        new = {**MOBILE, "phone": "+254 700 000 009"}
        changed = send_later(client, done["receipt"], new).json()["payout"]
        assert changed["changed_at"] and changed["stage"] == "held"
        held = client.get(f"/api/v1/disbursements/{d_ids[0]}", headers=bearer(a)).json()
        assert held["status"] == "held" and held["payout_changed"]
        change = held["payout"]["change"]
        assert change["old"]["fields"]["phone"] == "•••• 0001"
        assert change["new"]["fields"]["phone"] == "•••• 0009"
        assert client.post(f"/api/v1/disbursements/{d_ids[0]}/send", headers=bearer(a),
                           json={"reference": "TEST-REF-1"}).status_code == 409
        first = client.post(f"/api/v1/disbursements/{d_ids[0]}/approve", json={},
                            headers=bearer(a))
        assert first.status_code == 200 and first.json()["status"] == "held"
        assert client.post(f"/api/v1/disbursements/{d_ids[0]}/approve", json={},
                           headers=bearer(a)).status_code == 409
        second = client.post(f"/api/v1/disbursements/{d_ids[0]}/approve", json={},
                             headers=bearer(b))
        assert second.json()["status"] == "approved"
        after = client.get(f"/api/v1/disbursements/{d_ids[0]}", headers=bearer(a)).json()
        assert after["destination"] == "+254700000009 (M-Pesa)"
        with new_session() as s:
            actions = [e.action for e in s.exec(select(AuditEvent).where(
                AuditEvent.entity_id == d_ids[0])).all()]
            assert audit.verify(s).ok
        assert "disbursement.payout_changed" in actions
        assert actions.count("disbursement.payout_change_approval") == 2

    def test_a_new_rail_is_approved_as_given_or_the_payment_cancelled(
            self, client: TestClient) -> None:
        done = apply(client, payout=MOBILE)
        first, = approve_grant(done["id"])
        (fin,) = users()
        client.post(f"/api/v1/disbursements/{first}/approve", json={"rail": "mobile_money"},
                    headers=bearer(fin))
        send_later(client, done["receipt"], BANK)
        again = client.post(f"/api/v1/disbursements/{first}/approve", headers=bearer(fin),
                            json={"rail": "mobile_money"})  # the page sends the old rail
        assert again.json()["status"] == "approved" and again.json()["rail"] == "bank_wire"
        assert again.json()["destination"].startswith("DE89370400440532013000")
        send_later(client, done["receipt"], MOBILE)  # and back: held again
        cancelled = client.post(f"/api/v1/disbursements/{first}/cancel", headers=bearer(fin))
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    def test_same_details_again_change_nothing(self, client: TestClient) -> None:
        done = apply(client, payout=MOBILE)
        d_id = approve_grant(done["id"])[0]
        (fin,) = users()
        client.post(f"/api/v1/disbursements/{d_id}/approve", json={"rail": "mobile_money"},
                    headers=bearer(fin))
        again = send_later(client, done["receipt"], {**MOBILE, "phone": "0700 000 001"})
        assert again.json()["payout"]["changed_at"] is None
        with new_session() as s:
            assert s.get(Disbursement, d_id).status == "approved"


class TestDuplicates:
    def test_a_destination_shared_by_unrelated_applicants_is_flagged(
            self, client: TestClient) -> None:
        first = apply(client, payout=MOBILE)
        second = apply(client, payout={**MOBILE, "phone": "0700-000-001",
                                       "provider": "airtel_money"})
        other = apply(client, payout={**MOBILE, "phone": "+254 700 000 002"})
        (fin,) = users()
        d_id = approve_grant(second["id"])[0]
        one = client.get(f"/api/v1/disbursements/{d_id}", headers=bearer(fin)).json()
        assert one["payout"]["duplicates"] == [first["id"]]
        assert one["payout_duplicates"] == 1
        d_other = approve_grant(other["id"])[0]
        assert client.get(f"/api/v1/disbursements/{d_other}",
                          headers=bearer(fin)).json()["payout"]["duplicates"] == []
