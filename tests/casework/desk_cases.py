"""Cases for the day-in-the-life tests on the shared desk server, made the way a defender and
the other roles would make them over the public and staff APIs (never through the database).

Every case has a person of its own (fake name, e-mail and phone with a random tag), so that
duplicate detection pairs only the cases a test means to pair.
"""
from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.harness import Deployment, grant_application, wait_for

PDF = b"%PDF-1.4\n% test attachment for the desk tests\n%%EOF\n"
REVIEWERS = [f"reviewer{i}@demo.amparo.invalid" for i in (1, 2, 3, 4)]
FINANCE = "finance1@demo.amparo.invalid"


def person(tag: str | None = None) -> dict[str, str]:
    tag = tag or uuid.uuid4().hex[:10]
    return {"name": f"Testperson Desk {tag}", "email": f"desk-{tag}@example.invalid",
            "phone": f"+00 {int(tag, 16) % 10**9:09d}", "country": "ZZ",
            "organisation": "Fictional Collective"}


def grant(who: dict[str, str] | None = None, **changes: Any) -> dict[str, Any]:
    body = grant_application(amount=2500)
    body["applicant"] = who or person()
    body.update(changes)
    return body


def submit(dep: Deployment, body: dict[str, Any]) -> tuple[str, str]:
    r = dep.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["receipt"]


def wait_status(dep: Deployment, receipt: str, *wanted: str, timeout: float = 150) -> str:
    return wait_for(lambda: (s := dep.status(receipt)["status"]) in wanted and s,
                    timeout=timeout, what=f"status in {wanted}")


def answer_first_question(dep: Deployment, receipt: str, answer: str,
                          attachment: bytes | None = PDF) -> str:
    """She answers her open question with the receipt, and attaches a file to it."""
    request_id = wait_for(lambda: (dep.status(receipt)["requests"] or [{}])[0].get("id"),
                          what="an open question")
    if attachment:
        r = dep.post("/api/v1/status/documents", data={
            "receipt": receipt, "purpose": "info_answer", "ref_id": request_id},
            files={"file": ("answer.pdf", attachment, "application/pdf")})
        assert r.status_code == 201, r.text
    r = dep.post("/api/v1/status/answer", json={"receipt": receipt, "request_id": request_id,
                                                 "answer": answer})
    assert r.status_code == 200, r.text
    return request_id


def paid_and_in_follow_up(dep: Deployment) -> tuple[str, str]:
    """A grant decided by three reviewers, paid by bank transfer and confirmed: follow-up."""
    body = grant(payout={"rail": "bank_wire", "account_name": "Test Account Zeta",
                         "iban": "GB82WEST12345698765432"})
    app_id, receipt = submit(dep, body)
    wait_status(dep, receipt, "in_review")
    for who in REVIEWERS[1:]:
        r = dep.post(f"/api/v1/applications/{app_id}/votes", who,
                     json={"decision": "approve", "amount": 2500, "comment": "ok"})
        assert r.status_code in (200, 201), r.text
    wait_status(dep, receipt, "approved", "disbursing")
    disb = wait_for(lambda: next((d for d in _disbursements(dep) if d["application_id"] == app_id),
                                 None), what="the disbursement")
    url = f"/api/v1/disbursements/{disb['id']}"
    for path, body in (("approve", {"rail": "bank_wire"}), ("send", {"reference": "TEST-REF-1"}),
                       ("confirm", {"reference": "TEST-REF-1"})):
        r = dep.post(f"{url}/{path}", FINANCE, json=body)
        assert r.status_code in (200, 201), (path, r.text)
    wait_status(dep, receipt, "follow_up")
    return app_id, receipt


def _disbursements(dep: Deployment) -> list[dict[str, Any]]:
    r = dep.get("/api/v1/disbursements", FINANCE)
    r.raise_for_status()
    items = r.json()
    return items.get("items", items) if isinstance(items, dict) else items
