"""The visa officer's pages through the ASGI app (issue 15): the case read before the
panel decides, a rejection's reason and confirmation, files before "received", several
items in one submit, a warning that blocks the dossier until overridden, relocations linked
by choosing her cases; roles refused, CSRF, bad input kept."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.applications.tables import Application
from models.core.db import session_scope
from models.people.service import create_user
from models.visas import service
from models.visas.tables import VisaCase, VisaItem
from tests.shelter.factories import make_application
from tests.shelter.pages_client import PASSWORD, csrf_of, login

PURPOSE = "Test purpose: leave for a while (fictional)."
PDF = b"%PDF-1.4 test document\n%%EOF\n"


@pytest.fixture
def site(sqlite_url: str):  # noqa: ANN201
    expired = (date.today() - timedelta(days=3)).isoformat()
    with session_scope() as s:
        secrets = {role: create_user(s, email=f"{role}@example.com", role=role,
                                     password=PASSWORD)[2]
                   for role in ("visa_officer", "caseworker", "shelter_coordinator")}
        new = make_application(s, kind="visa", phone="+00 000 0401", request={
            "purpose": PURPOSE, "passport_valid_until": expired})
        opened = make_application(s, kind="visa", phone="+00 000 0402",
                                  request={"passport_valid_until": "2035-01-01"})
        case = service.review(session=s, application_id=opened.id, decision="approve",
                              actor_id="vo0", actor_role="visa_officer")[0]
        hers = make_application(s, kind="shelter", phone="+00 000 0402")
        other = make_application(s, kind="shelter", phone="+00 000 0499")
        ids = {"new": new.id, "case": case.id, "hers": hers.id, "other": other.id}
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, ids, secrets


def _items(case_id: str) -> dict[str, VisaItem]:
    with session_scope() as s:
        rows = s.exec(select(VisaItem).where(VisaItem.case_id == case_id)).all()
        for row in rows:
            s.expunge(row)
        return {r.code: r for r in rows}


def test_the_case_is_read_before_the_panel_decides(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "visa_officer@example.com", secrets["visa_officer"])
    listing = client.get("/staff/visas").text
    assert f"/staff/visas/review/{ids['new']}" in listing and 'value="reject"' not in listing
    page = client.get(f"/staff/visas/review/{ids['new']}").text
    assert PURPOSE in page and "The passport has expired." in page
    assert "+00 000 0401" in page and "Test threat description." in page
    url = f"/staff/visas/review/{ids['new']}/reject"
    assert client.post(url, data={"reason": "not_eligible", "confirm": "yes"}).status_code == 403
    r = client.post(url, data={"reason": "not_eligible", "csrf_token": csrf_of(page)})
    assert r.status_code == 422 and "Tick the box to confirm." in r.text
    assert '<option value="not_eligible" selected>' in r.text  # what she chose, kept
    r = client.post(f"/staff/visas/review/{ids['new']}",
                    data={"decision": "reject", "csrf_token": csrf_of(page)})
    assert r.status_code == 422  # no rejection without the reason form
    r = client.post(url, data={"reason": "not_eligible", "confirm": "yes",
                               "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303
    with session_scope() as s:
        assert s.get(Application, ids["new"]).status == "rejected"  # type: ignore[union-attr]
    assert "Rejected by the panel:" in client.get(r.headers["location"]).text


def test_other_roles_are_refused(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "caseworker@example.com", secrets["caseworker"])
    for url in (f"/staff/visas/review/{ids['new']}", f"/staff/visas/cases/{ids['case']}"):
        r = client.get(url)
        assert r.status_code == 403 and PURPOSE not in r.text
    token = csrf_of(client.get("/staff/visas").text)
    r = client.post(f"/staff/visas/cases/{ids['case']}/items",
                    data={"state": "accepted", "items": "x", "csrf_token": token})
    assert r.status_code == 403


def test_checklist_files_bulk_marks_and_the_blocking_warning(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "visa_officer@example.com", secrets["visa_officer"])
    base = f"/staff/visas/cases/{ids['case']}"
    page = client.get(base).text
    items = _items(ids["case"])
    token = csrf_of(page)
    r = client.post(base + "/item", data={"item_id": items["photos"].id, "state": "received",
                                          "csrf_token": token})
    assert r.status_code == 409 and "upload the file" in r.text  # no file, not received
    required = [i for i in items.values() if i.required]
    for item in required:
        r = client.post(base + "/upload", data={"item_id": item.id, "csrf_token": token},
                        files={"file": ("scan.pdf", PDF, "application/pdf")},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
    r = client.post(base + "/items", data={"state": "accepted", "csrf_token": token})
    assert r.status_code == 422 and "Tick at least one document." in r.text
    r = client.post(base + "/plan", data={"travel_planned": "2026-13-45", "csrf_token": token})
    assert r.status_code == 422 and 'value="2026-13-45"' in r.text and "aria-invalid" in r.text
    r = client.post(base + "/plan", data={"travel_planned": (date.today() + timedelta(days=12))
                                          .isoformat(), "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(base).text
    assert "less than 15 days ahead" in page
    r = client.post(base + "/items", data={"state": "accepted", "csrf_token": token,
                                           "items": [i.id for i in required]})
    assert r.status_code == 409 and "override it with a reason" in r.text
    assert all(_items(ids["case"])[i.code].status == "received" for i in required)  # none
    r = client.post(base + "/override", data={"warning": "travel_too_soon", "reason": "",
                                              "csrf_token": token})
    assert r.status_code == 422
    r = client.post(base + "/override", data={"warning": "travel_too_soon",
                                              "reason": "urgent_procedure",
                                              "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post(base + "/items", data={"state": "accepted", "csrf_token": token,
                                           "items": [i.id for i in required]},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post(base + "/approve", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    with session_scope() as s:
        assert s.get(VisaCase, ids["case"]).status == "ready"  # type: ignore[union-attr]


def test_relocation_is_linked_by_choosing_her_cases(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "visa_officer@example.com", secrets["visa_officer"])
    page = client.get(f"/staff/visas/cases/{ids['case']}").text
    assert f'value="{ids["hers"]}"' in page and ids["other"] not in page
    assert 'name="shelter_application_id" maxlength' not in page  # no typing of ids
    with session_scope() as s:
        visa_app = s.get(VisaCase, ids["case"]).application_id  # type: ignore[union-attr]
    r = client.post("/staff/relocations", data={
        "csrf_token": csrf_of(page), "back_case": ids["case"], "visa_application_id": visa_app,
        "shelter_application_id": ids["hers"]}, follow_redirects=False)
    assert r.status_code == 303 and "/staff/relocations/" in r.headers["location"]
    assert "Open the relocation timeline" in client.get(f"/staff/visas/cases/{ids['case']}").text
