"""The money API: roles, the error shape, amounts in major units, nothing changed on refusal."""
from __future__ import annotations

from models.core.db import session_scope
from models.money import service
from tests.money import factories as f
from tests.money.conftest import bearer


def _setup(amount: int = 550_000):  # type: ignore[no-untyped-def]
    with session_scope() as session:
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session,
                                           application=f.grant(session, prog=prog, amount=amount))
        a, b = f.staff(session, n=2)
        [rev] = f.staff(session, role="reviewer")
        return d.id, bearer(a), bearer(b), bearer(rev)


def test_four_eyes_over_http(client):
    d_id, a, b, rev = _setup()
    url = f"/api/v1/disbursements/{d_id}"
    assert client.post(url + "/approve", json={"rail": "bank_wire"}, headers=rev).status_code == 403
    assert client.get("/api/v1/disbursements").status_code == 401
    first = client.post(url + "/approve", json={"rail": "bank_wire"}, headers=a)
    assert first.status_code == 200 and first.json()["status"] == "draft"
    twice = client.post(url + "/approve", json={}, headers=a)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "approved_twice"
    done = client.post(url + "/approve", json={}, headers=b).json()
    assert (done["status"], done["amount"], done["currency"]) == ("approved", 5500.0, "EUR")
    listed = client.get("/api/v1/disbursements?status=approved&rail=bank_wire", headers=a).json()
    assert [x["id"] for x in listed] == [d_id]
    assert set(listed[0]) >= {"id", "application_id", "amount", "currency", "rail", "status"}
    assert client.get("/api/v1/disbursements?status=sent", headers=a).json() == []
    sent = client.post(url + "/send", json={"reference": "WIRE-REF-1"}, headers=a).json()
    assert sent["status"] == "sent"
    confirmed = client.post(url + "/confirm", json={"reference": "WIRE-REF-1"}, headers=b).json()
    assert confirmed["status"] == "confirmed"
    balances = client.get("/api/v1/money/balances", headers=a).json()
    assert balances[0]["confirmed"] == 5500.0


def test_bad_input_changes_nothing(client):
    d_id, a, _b, _rev = _setup(300_000)
    url = f"/api/v1/disbursements/{d_id}"
    bad = client.post(url + "/approve", json={"rail": "stripe_connect", "destination": "x"},
                      headers=a)
    assert bad.status_code == 422 and "destination" in bad.json()["error"]["fields"]
    extra = client.post(url + "/approve", json={"rail": "bank_wire", "amount": 1}, headers=a)
    assert extra.status_code == 422
    assert client.post(url + "/confirm", json={"reference": "R"}, headers=a).status_code == 409
    assert client.get(url, headers=a).json()["status"] == "draft"
    assert client.get("/api/v1/disbursements/nope", headers=a).status_code == 404


def test_budget_is_set_by_admin_or_finance_never_below_held(client):
    d_id, a, _b, rev = _setup(300_000)
    with session_scope() as session:
        [admin] = f.staff(session, role="admin")
        admin_auth = bearer(admin)
    body = {"programme": "emergency", "currency": "eur", "amount": 4000}
    assert client.put("/api/v1/money/budgets", json=body, headers=rev).status_code == 403
    assert client.put("/api/v1/money/budgets", json=body, headers=admin_auth).status_code == 200
    client.post(f"/api/v1/disbursements/{d_id}/approve", json={"rail": "bank_wire"}, headers=a)
    low = client.put("/api/v1/money/budgets", json={**body, "amount": 2999}, headers=a)
    assert low.status_code == 409 and low.json()["error"]["code"] == "budget_below_held"
    [row] = [x for x in client.get("/api/v1/money/balances", headers=a).json()
             if x["currency"] == "EUR"]
    assert (row["budget"], row["committed"], row["remaining"]) == (4000.0, 3000.0, 1000.0)
