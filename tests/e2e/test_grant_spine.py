"""Issue 2, end to end over HTTP only: one emergency grant from application to follow-up.

A real `amparo serve` (uvicorn, embedded Prefect, dispatcher and sweeper), the demo staff it
was seeded with, a local fake Stripe and SMTP server; on SQLite and on PostgreSQL. Then the
privacy check: the applicant's name, e-mail and phone appear in no database file, dump, Prefect
database or log in plain text.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.e2e.harness import (FAKE_EMAIL, FAKE_NAME, FAKE_PHONE, WEBHOOK_SECRET, Deployment,
                               base_env, deploy, grant_application, wait_for)
from tests.support.fake_stripe import FakeStripe, make_event, signed_webhook

pytestmark = pytest.mark.slow
DESTINATION = "acct_1E2ETESTDEST0001"
REVIEWERS = [f"reviewer{i}@demo.amparo.invalid" for i in (1, 2, 3, 4)]
FINANCE = "finance1@demo.amparo.invalid"
CASEWORKER = "caseworker@demo.amparo.invalid"


def _disbursement_of(dep: Deployment, application_id: str) -> dict | None:
    r = dep.get("/api/v1/disbursements", FINANCE)
    r.raise_for_status()
    items = r.json()
    items = items.get("items", items) if isinstance(items, dict) else items
    return next((d for d in items if d["application_id"] == application_id), None)


def _send_webhook(dep: Deployment, event: dict) -> int:
    body, header = signed_webhook(event, WEBHOOK_SECRET)
    r = dep.post("/api/v1/webhooks/stripe", content=body,
                 headers={"Stripe-Signature": header, "Content-Type": "application/json"})
    return r.status_code


def run_spine(dep: Deployment, fake: FakeStripe) -> dict:
    seen: list[str] = []

    def public(receipt: str) -> str:
        status = dep.status(receipt)["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        return status

    # Her payout details at intake (issue 17): sealed, never in a file, a log or an e-mail.
    r = dep.post("/api/v1/applications", json={**grant_application(amount=3000),
                                               "payout": PAYOUT})
    assert r.status_code == 201, r.text
    created = r.json()
    app_id, receipt = created["id"], created["receipt"]
    assert created["status"] == "submitted"
    public(receipt)
    wait_for(lambda: public(receipt) == "in_review", what="triage, risk and routing")

    case = dep.get(f"/api/v1/applications/{app_id}", CASEWORKER).json()
    assert case["risk_level"] in ("low", "medium", "high") and case["risk_factors"]

    # Four reviewers: one recuses, three approve with different amounts.
    r = dep.post(f"/api/v1/applications/{app_id}/votes", REVIEWERS[3], json={"decision": "recuse"})
    assert r.status_code in (200, 201), r.text
    assert all(item["id"] != app_id for item in _queue(dep, REVIEWERS[3]))
    for who, amount in zip(REVIEWERS[:3], (2000, 3000, 2500)):
        r = dep.post(f"/api/v1/applications/{app_id}/votes", who,
                     json={"decision": "approve", "amount": amount, "comment": "ok"})
        assert r.status_code in (200, 201), r.text
    wait_for(lambda: public(receipt) in ("approved", "disbursing"), what="the decision")

    disb = wait_for(lambda: _disbursement_of(dep, app_id), what="the disbursement")
    assert float(disb["amount"]) == 2500 and disb["currency"] == "EUR"
    r = dep.post(f"/api/v1/disbursements/{disb['id']}/approve", FINANCE,
                 json={"rail": "stripe_connect", "destination": DESTINATION})
    assert r.status_code in (200, 201), r.text

    wait_for(lambda: fake.requests_to("POST", "/v1/transfers"), what="the transfer request")
    wait_for(lambda: (_disbursement_of(dep, app_id) or {}).get("status") == "sent",
             what="disbursement sent")
    payout = {"id": "po_e2e0001", "object": "payout", "amount": 250000, "currency": "eur",
              "status": "paid", "created": int(time.time()) + 2, "arrival_date": int(time.time())}
    event = make_event("payout.paid", payout, account=DESTINATION, created=int(time.time()) + 2)
    assert _send_webhook(dep, event) == 200
    assert _send_webhook(dep, event) == 200  # delivered twice: applied once
    wait_for(lambda: (_disbursement_of(dep, app_id) or {}).get("status") == "confirmed",
             what="disbursement confirmed")
    wait_for(lambda: public(receipt) == "follow_up", what="follow-up")
    return {"id": app_id, "receipt": receipt, "seen": seen}


def _queue(dep: Deployment, who: str) -> list[dict]:
    body = dep.get("/api/v1/reviews", who).json()
    return body.get("items", body) if isinstance(body, dict) else body


def check_money_and_followups(dep: Deployment, fake: FakeStripe, result: dict) -> None:
    transfers = fake.requests_to("POST", "/v1/transfers")
    keys = {t.headers.get("idempotency-key") for t in transfers}
    assert len(fake.transfers) == 1 and len(keys) == 1, "exactly one transfer"
    params = transfers[0].params
    assert int(params["amount"]) == 250000 and params["destination"] == DESTINATION
    key = keys.pop() or ""
    for secret in (FAKE_NAME, FAKE_EMAIL, FAKE_PHONE, "Zebulon", "quokka"):
        assert secret.lower() not in key.lower()
    assert re.fullmatch(r"[A-Za-z0-9:_\-]+", key)
    case = dep.get(f"/api/v1/applications/{result['id']}", CASEWORKER).json()
    assert len(case.get("follow_ups", [])) >= 3  # +7, +30 check-ins and the +90 report
    for status in ("submitted", "in_review", "follow_up"):
        assert status in result["seen"]


# The IBAN of the standard's own example (nobody's account), a fictional account holder.
PAYOUT = {"rail": "bank_wire", "account_name": "Payee Zebulon Ibex",
          "iban": "GB82 WEST 1234 5698 7654 32"}


def check_privacy(dep: Deployment, files: list[Path], extra_text: list[str]) -> None:
    needles = [FAKE_NAME, FAKE_EMAIL, FAKE_PHONE, "Zebulon", "zebulon.quokka",
               "GB82WEST", "12345698765432", "Ibex"]
    for path in files:
        blob = path.read_bytes() if path.exists() else b""
        for needle in needles:
            assert needle.encode() not in blob, f"{needle!r} in plain text in {path.name}"
    for text in extra_text:
        for needle in needles:
            assert needle not in text


def _data_files(dep: Deployment) -> list[Path]:
    data = Path(dep.env["AMPARO_DATA_DIR"])
    return [p for p in data.rglob("*") if p.is_file()]


class TestGrantSpine:
    def test_sqlite(self, tmp_path: Path, fake_stripe: FakeStripe, smtp_sink) -> None:  # noqa: ANN001
        env = base_env(tmp_path, f"sqlite:///{tmp_path / 'data' / 'amparo.db'}", fake_stripe,
                       AMPARO_SMTP_HOST=smtp_sink.host, AMPARO_SMTP_PORT=str(smtp_sink.port))
        dep = deploy(env, tmp_path / "server.log")
        try:
            result = run_spine(dep, fake_stripe)
            check_money_and_followups(dep, fake_stripe, result)
            # Notices leave through the outbox on their own lane: on a busy machine the
            # spine can finish before the reviewers' e-mail is out, so wait for it.
            wait_for(lambda: smtp_sink.messages, what="the reviewers' e-mail")
            mails = [m.as_string() for m in smtp_sink.messages]
        finally:
            dep.server.stop()
        files = _data_files(dep) + [tmp_path / "server.log"]
        assert any(p.name.endswith(".db") and "prefect" in str(p) for p in files), "Prefect db"
        check_privacy(dep, files, mails)

    def test_postgres(self, tmp_path: Path, fake_stripe: FakeStripe, postgres_server) -> None:  # noqa: ANN001
        url = postgres_server.create_database("e2e_" + str(int(time.time())))
        env = base_env(tmp_path, url, fake_stripe)
        dep = deploy(env, tmp_path / "server.log")
        try:
            result = run_spine(dep, fake_stripe)
            check_money_and_followups(dep, fake_stripe, result)
        finally:
            dep.server.stop()
        dump = postgres_server.dump(url.rsplit("/", 1)[1])
        assert "audit_event" in dump
        check_privacy(dep, _data_files(dep) + [tmp_path / "server.log"], [dump])
