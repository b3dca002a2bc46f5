"""End to end over HTTP against the real server (`amparo serve`, uvicorn): a relocation,
on SQLite and on PostgreSQL.

Visa checklist completed → granted → travel → shelter hold → confirmed → check-in →
check-out → follow-up check-ins → closed; one timeline for staff and the applicant.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import httpx
import pyotp
import pytest

from models.applications.steps import process_one
from models.core.db import session_scope
from models.people.service import create_user
from models.programmes.service import demo_programme, ensure_programme
from tests.support.server import run_server

PASSWORD = "test-password-0123456789"
PDF = b"%PDF-1.4 test scan\n%%EOF\n"
SOON = date.today() + timedelta(days=20)
DEFENDER = {"name": "Test Person Alpha", "phone": "+00 000 0000", "country": "GT"}


def _application(kind: str, request: dict) -> dict:
    return {"kind": kind, "language": "es", "applicant": DEFENDER,
            "threat": {"description": "Test threat.", "types": ["death_threat"],
                       "imminent": True, "perpetrator": "state"},
            "endorser": {"name": "Test Endorser Beta", "contact": "beta@example.com"},
            "request": request}


@pytest.fixture
def server(db_url: str):
    with session_scope() as session:
        ensure_programme(session, demo_programme())
        secrets = {role: create_user(session, email=f"{role}@example.com", role=role,
                                     password=PASSWORD)[2]
                   for role in ("visa_officer", "shelter_coordinator")}
    srv = run_server({"AMPARO_DATABASE_URL": db_url, "AMPARO_DISPATCHER": "off"})
    try:
        yield srv, secrets
    finally:
        srv.stop()


def _login(client: httpx.Client, role: str, secret: str) -> dict:
    r = client.post("/api/v1/auth/token", json={"username": f"{role}@example.com",
                                                "password": PASSWORD,
                                                "otp": pyotp.TOTP(secret).now()})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["access_token"]}


def _submit(client: httpx.Client, kind: str, request: dict) -> tuple[str, str]:
    r = client.post("/api/v1/applications", json=_application(kind, request))
    assert r.status_code == 201, r.text
    with session_scope() as session:  # what the process-application flow does
        process_one(session, r.json()["id"])
    return r.json()["id"], r.json()["receipt"]


def _ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def _visa_granted(client: httpx.Client, vo: dict, receipt: str, visa_id: str) -> None:
    cases = _ok(client.post(f"/api/v1/applications/{visa_id}/visa-review",
                            json={"decision": "approve"}, headers=vo))["cases"]
    case_id = cases[0]
    steps = _ok(client.post("/api/v1/status", json={"receipt": receipt}))["next_steps"]
    uploads = [s for s in steps if s["code"] == "upload_visa_item"]
    assert uploads and {s["purpose"] for s in uploads} == {"visa_item"}
    for step in uploads:  # the applicant uploads each missing document with the receipt
        _ok(client.post("/api/v1/status/documents", data={
            "receipt": receipt, "purpose": "visa_item", "ref_id": step["ref_id"]},
            files={"file": ("scan.pdf", PDF, "application/pdf")}), 201)
    case = _ok(client.get(f"/api/v1/visa-cases/{case_id}", headers=vo))
    assert all(i["status"] == "received" for i in case["items"] if i["required"])
    r = client.post(f"/api/v1/visa-cases/{case_id}/approve", headers=vo)
    assert r.status_code == 409  # received is not yet accepted
    for item in case["items"]:
        if item["required"]:
            _ok(client.post(f"/api/v1/visa-cases/{case_id}/items/{item['id']}",
                            json={"state": "accepted"}, headers=vo))
    base = f"/api/v1/visa-cases/{case_id}"
    _ok(client.post(base + "/approve", headers=vo))
    _ok(client.post(base + "/lodge", json={"embassy_country": "IE",
                                           "lodged_on": date.today().isoformat()}, headers=vo))
    at = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
    _ok(client.post(base + "/appointment", json={"at": at, "country": "CR"}, headers=vo))
    granted = _ok(client.post(base + "/decision", json={
        "outcome": "granted", "valid_from": date.today().isoformat(),
        "valid_until": (date.today() + timedelta(days=180)).isoformat()}, headers=vo))
    assert granted["status"] == "granted"
    _ok(client.post(base + "/travel", json={"travel_date": SOON.isoformat()}, headers=vo))


def test_relocation_end_to_end(server) -> None:
    srv, secrets = server
    client = httpx.Client(base_url=srv.url, timeout=30)
    vo = _login(client, "visa_officer", secrets["visa_officer"])
    sc = _login(client, "shelter_coordinator", secrets["shelter_coordinator"])
    visa_id, visa_receipt = _submit(client, "visa", {
        "destination_country": "IE", "passport_valid_until": "2031-01-01",
        "family_members": 0, "purpose": "Temporary relocation (test)."})
    shelter_id, shelter_receipt = _submit(client, "shelter", {
        "people": 2, "children": 1, "from_date": SOON.isoformat(), "nights": 10,
        "avoid_region": "Test Region Threat"})
    relocation = _ok(client.post("/api/v1/relocations", headers=sc, json={
        "visa_application_id": visa_id, "shelter_application_id": shelter_id}), 201)["id"]

    _visa_granted(client, vo, visa_receipt, visa_id)

    house = _ok(client.post("/api/v1/shelters", headers=sc, json={
        "name": "Test House South", "country": "IE", "region": "Test Region Safe", "beds": 3,
        "features": ["children"], "languages": ["es"], "max_nights": 30,
        "address": "Test Street 9", "contact": "+00 000 0009"}), 201)["id"]
    _ok(client.post("/api/v1/shelters", headers=sc, json={
        "name": "Test House Near", "country": "GT", "region": "Test Region Threat", "beds": 9,
        "features": ["children"], "max_nights": 30}), 201)
    matches = _ok(client.get(f"/api/v1/applications/{shelter_id}/matches", headers=sc))
    assert [m["shelter_id"] for m in matches["items"]] == [house]
    assert client.get(f"/api/v1/applications/{shelter_id}/matches", headers=vo).status_code == 403
    hold = _ok(client.post(f"/api/v1/applications/{shelter_id}/holds", headers=sc, json={
        "shelter_id": house, "from_date": SOON.isoformat(), "nights": 10, "beds": 2}), 201)
    assert hold["id"] and hold["expires_at"]
    placement = _ok(client.post(f"/api/v1/holds/{hold['id']}/confirm", headers=sc))
    _ok(client.post(f"/api/v1/placements/{placement['id']}/check-in", headers=sc))
    out = _ok(client.post(f"/api/v1/placements/{placement['id']}/check-out", headers=sc,
                          json={"on_date": (SOON + timedelta(days=7)).isoformat()}))
    assert out["to_date"] == (SOON + timedelta(days=7)).isoformat()

    status = _ok(client.post("/api/v1/status", json={"receipt": shelter_receipt}))
    assert status["status"] == "follow_up"
    timeline = next(s for s in status["next_steps"] if s["code"] == "relocation_timeline")
    assert {"granted", "checked_in", "follow_up"} <= {e["status"] for e in timeline["timeline"]}
    from models.applications.repository import followups_of
    with session_scope() as session:
        checkins = [f.id for f in followups_of(session, shelter_id) if f.kind == "checkin"]
    for followup_id in checkins:
        _ok(client.post(f"/api/v1/follow-ups/{followup_id}/done", headers=sc))
    staff_view = _ok(client.get(f"/api/v1/relocations/{relocation}", headers=vo))
    assert staff_view["applications"]["shelter"]["status"] == "closed"
    assert staff_view["applications"]["visa"]["status"] == "follow_up"
    log = srv.log_text()
    assert "Test Person Alpha" not in log and "Test Street 9" not in log
