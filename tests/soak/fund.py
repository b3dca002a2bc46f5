"""A fund set up over HTTP as staff would, ready for the soak: one small safe house with many
cases waiting for it, and one approved grant whose Stripe payment waits for finance.

    fund = open_fund(dep, houses_beds=20, shelter_cases=40)
    fund.house_id, fund.shelter_cases, fund.disbursement_id, fund.receipts, fund.cookies

Everything goes through the public API and the staff pages of a running `amparo serve`
(tests/e2e/harness.py `deploy`), with the demo staff it was seeded with; the people are
obviously fake (Testperson Soak NN, *.example.invalid).
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from tests.e2e.harness import Deployment, grant_application, wait_for
from tests.support.load import CSRF
from tests.support.totp import unspent_code

COORDINATOR = "shelter@demo.amparo.invalid"
CASEWORKER = "caseworker@demo.amparo.invalid"
FINANCE = "finance1@demo.amparo.invalid"
PANEL = [f"reviewer{i}@demo.amparo.invalid" for i in (1, 2, 3)]
# Staff who sign in on the pages (and not through the API: one TOTP code, one use).
PAGE_STAFF = {"admin@demo.amparo.invalid": "/staff/cases",
              "reviewer4@demo.amparo.invalid": "/staff/queue",
              "finance2@demo.amparo.invalid": "/staff/finance"}
# The attackers guess at this person's password; she signs in only after the load (a code
# works once: a second sign-in in the same 30 s would be refused for that reason alone).
TARGET = "visa@demo.amparo.invalid"
DESTINATION = "acct_1SOAKTESTDEST0001"
GRANT_AMOUNT = 2500  # one finance approval (the demo programme's limit is 5,000)
STAY_FROM = date.today() + timedelta(days=10)
STAY_NIGHTS = 7


def fake_person(i: int) -> dict[str, str]:
    """A different obviously fake person per number (the same person twice is a duplicate)."""
    return {"name": f"Testperson Soak {i:03d}", "email": f"soak{i:03d}@example.invalid",
            "phone": f"+00 999 555 {i:04d}", "country": "ZZ",
            "organisation": "Fictional Collective"}


def shelter_application(i: int) -> dict[str, Any]:
    body = grant_application()
    body.update(kind="shelter", applicant=fake_person(i), request={
        "people": 1, "children": 0, "needs": "Fictional needs text",
        "from_date": STAY_FROM.isoformat(), "nights": STAY_NIGHTS})
    return body


def critical_grant(i: int) -> dict[str, Any]:
    """Imminent death threat by a state actor after prior attacks: a critical case."""
    body = grant_application(amount=1500, imminent=True)
    body["applicant"] = fake_person(i)
    body["threat"].update(types=["death_threat", "physical_attack"], perpetrator="state",
                          prior_attacks=3)
    return body


def ordinary_grant(i: int) -> dict[str, Any]:
    body = grant_application(amount=GRANT_AMOUNT)
    body["applicant"] = fake_person(i)
    return body


@dataclass
class Fund:
    dep: Deployment
    house_id: str
    shelter_cases: list[str]
    grant_id: str
    disbursement_id: str
    receipts: list[str]
    cookies: dict[str, str] = field(default_factory=dict)  # staff e-mail -> page session
    timings: dict[str, float] = field(default_factory=dict)  # set-up steps, seconds


def items(body: Any) -> list[dict]:
    return body.get("items", []) if isinstance(body, dict) else body


def submit(dep: Deployment, body: dict) -> dict:
    r = dep.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def ids_in(dep: Deployment, who: str, kind: str, status: str) -> set[str]:
    r = dep.get(f"/api/v1/applications?kind={kind}&status={status}", who)
    r.raise_for_status()
    return {a["id"] for a in items(r.json())}


def wait_matching(dep: Deployment, wanted: set[str], timeout: float) -> None:
    """Until every case is in `matching`; on time-out, say where they are instead."""
    seen: Counter = Counter()

    def check() -> bool:
        r = dep.get("/api/v1/applications?kind=shelter", COORDINATOR)
        r.raise_for_status()
        seen.clear()
        seen.update(a["status"] for a in items(r.json()) if a["id"] in wanted)
        return seen["matching"] == len(wanted)

    try:
        wait_for(check, timeout=timeout, what=f"{len(wanted)} shelter cases in matching")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; their statuses: {dict(seen)}") from None


def add_house(dep: Deployment, beds: int) -> str:
    r = dep.post("/api/v1/shelters", COORDINATOR, json={
        "name": "Test House Soak", "country": "ZY", "region": "Test Region Calm",
        "beds": beds, "features": [], "max_nights": 60})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def panel_approves(dep: Deployment, grant_id: str, timeout: float) -> None:
    """The panel approves the grant (quorum 3) once it is in review."""
    wait_for(lambda: grant_id in ids_in(dep, CASEWORKER, "grant", "in_review"),
             timeout=timeout, what="the grant in review")
    for who in PANEL:
        r = dep.post(f"/api/v1/applications/{grant_id}/votes", who,
                     json={"decision": "approve", "amount": GRANT_AMOUNT})
        assert r.status_code in (200, 201), r.text


def disbursement_of(dep: Deployment, grant_id: str, timeout: float) -> str:
    def find() -> str | None:
        r = dep.get("/api/v1/disbursements", FINANCE)
        r.raise_for_status()
        return next((d["id"] for d in items(r.json()) if d["application_id"] == grant_id), None)

    return wait_for(find, timeout=timeout, what="the disbursement")


def page_session(url: str, email: str, password: str, totp: str, target: str) -> str:
    """Sign in on /staff/login as a person would; returns the session cookie."""
    with httpx.Client(base_url=url, timeout=30) as c:
        token = CSRF.search(c.get("/staff/login").text)
        assert token, "no CSRF token on the login page"
        r = c.post("/staff/login", data={"csrf_token": token.group(1), "email": email,
                                         "password": password, "next": target,
                                         "otp": unspent_code(totp)})
        assert r.status_code == 303, (r.status_code, email)
        cookie = c.cookies.get("amparo_staff")
    assert cookie, "no session cookie"
    return cookie


def open_fund(dep: Deployment, *, beds: int = 20, shelter_cases: int = 40,
              timeout: float = 120) -> Fund:
    """`timeout` bounds each wait for the flows; the first run waits for Prefect's API to
    start in the flow runner (~40 s seen on a 2-core machine at load average 10)."""
    started, timings = time.monotonic(), {}

    def mark(what: str) -> None:
        timings[what] = round(time.monotonic() - started, 1)

    house = add_house(dep, beds)
    grant = submit(dep, ordinary_grant(0))
    shelters = [submit(dep, shelter_application(i + 1)) for i in range(shelter_cases)]
    mark("submitted")
    panel_approves(dep, grant["id"], timeout)  # the grant goes first: routed in the first run
    mark("grant_approved")
    wait_matching(dep, {s["id"] for s in shelters}, timeout)
    mark("shelters_matching")
    disbursement = disbursement_of(dep, grant["id"], timeout)
    mark("disbursement")
    cookies = {email: page_session(dep.url, email, dep.staff[email].password,
                                   dep.staff[email].totp, target)
               for email, target in PAGE_STAFF.items()}
    mark("signed_in")
    return Fund(dep=dep, house_id=house, shelter_cases=[s["id"] for s in shelters],
                grant_id=grant["id"], disbursement_id=disbursement,
                receipts=[grant["receipt"]] + [s["receipt"] for s in shelters[:5]],
                cookies=cookies, timings=timings)
