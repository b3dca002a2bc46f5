"""Visa checklists as data the admin edits (issue 14, point 3): versions on both databases,
a new case follows the newest version while an older case keeps its items, bad input is
refused with nothing changed, only an admin edits, and the pages round-trip."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.core.audit import AuditEvent
from models.core.db import session_scope
from models.applications.tables import Application
from models.core.errors import Conflict, Invalid
from models.hooks import install
from models.people.service import totp_secret_of
from models.visas import checklist_data, service
from models.visas.checklist_tables import VisaChecklistVersion
from models.visas.repository import items_of
from models.visas.schemas import ItemStateIn
from models.visas.views import case_view, next_steps
from tests.programmes.test_api import bearer
from tests.programmes.test_pages import login
from tests.reviews import factories as f
from tests.shelter.factories import submit_and_route

install()
ITEMS = [{"code": "passport", "text": "Passport valid at least 6 months after arrival",
          "required": True, "who": "all", "file": True},
         {"code": "test_permit", "text": "Test permit from the test office", "required": True,
          "who": "defender", "file": True}]


def _open_case(session, country: str):
    app, _ = submit_and_route(session, kind="visa", request={"destination_country": country})
    cases = service.review(session=session, application_id=app.id, decision="approve",
                           actor_id="vo1", actor_role="visa_officer")
    session.flush()
    return cases[0]


def test_versions_and_cases_keep_their_list(db_url: str) -> None:
    with session_scope() as s:
        before = _open_case(s, "CH")
        assert before.checklist_code == "CH"
        old_codes = {i.code for i in items_of(s, [before.id])}
        row = checklist_data.save_version(s, country="ch", items=ITEMS, reason="test change",
                                          actor_id="admin1")
        assert (row.country, row.number) == ("CH", 1)
        after = _open_case(s, "CH")
        assert after.checklist_code == "CH@1"
        assert {i.code for i in items_of(s, [after.id])} == {"passport", "test_permit"}
        assert {i.code for i in items_of(s, [before.id])} == old_codes  # kept
        view = case_view(s, after)
        assert view["checklist_version"] == 1
        assert "Test permit from the test office" in [i["text"] for i in view["items"]]
        second = checklist_data.save_version(s, country="CH", items=ITEMS[:1], reason="again",
                                             actor_id="admin1")
        assert second.number == 2
        assert case_view(s, after)["checklist_version"] == 1  # opened under version 1
        events = s.exec(select(AuditEvent).where(
            AuditEvent.action == "visa.checklist_changed")).all()
        assert len(events) == 2


def test_an_item_without_a_file(sqlite_url: str) -> None:
    """An item that needs no file is received without one and not asked of the applicant."""
    items = ITEMS + [{"code": "test_interview", "text": "Test interview at the office",
                      "required": True, "who": "defender", "file": False}]
    with session_scope() as s:
        checklist_data.save_version(s, country="NL", items=items, reason="test",
                                    actor_id="admin1")
        case = _open_case(s, "NL")
        by_code = {i.code: i for i in items_of(s, [case.id])}
        steps = next_steps(s, s.get(Application, case.application_id))
        asked = {st["ref_id"] for st in steps if st["code"] == "upload_visa_item"}
        assert by_code["passport"].id in asked and by_code["test_interview"].id not in asked
        service.set_item(session=s, case_id=case.id, item_id=by_code["test_interview"].id,
                         data=ItemStateIn(state="received"), actor_id="vo1")
        with pytest.raises(Conflict):
            service.set_item(session=s, case_id=case.id, item_id=by_code["passport"].id,
                             data=ItemStateIn(state="received"), actor_id="vo1")
    with session_scope() as s:  # another destination is unchanged; new ones follow DEFAULT
        assert checklist_data.resolve(s, "DE").code == "DE"
        assert checklist_data.resolve(s, "SE").code == "DEFAULT"


def test_bad_input_is_refused_and_nothing_changes(sqlite_url: str) -> None:
    bad = [{"code": "Bad Code", "text": "", "who": "nobody"},
           {"code": "passport", "text": "ok"}, {"code": "passport", "text": "twice"}]
    with session_scope() as s:
        for country, items, reason in (("XX1", ITEMS, "why"), ("CH", bad, "why"),
                                       ("CH", [], "why"), ("CH", ITEMS, " ")):
            with pytest.raises(Invalid) as err:
                checklist_data.save_version(s, country=country, items=items, reason=reason,
                                            actor_id="admin1")
            assert err.value.fields
    with session_scope() as s:
        assert s.exec(select(VisaChecklistVersion)).all() == []
    with pytest.raises(Invalid) as err:
        checklist_data.clean_items(bad)
    assert set(err.value.fields) == {"items.0.code", "items.0.text", "items.0.who",
                                     "items.2.code"}


@pytest.fixture
def client(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        f.programme(s)
        creds = {role: (u.email, totp_secret_of(u)) for role, u in
                 ((r, f.staff(s, role=r)[0]) for r in ("admin", "visa_officer", "caseworker"))}
    from api.app import create_app
    with TestClient(create_app()) as c:
        yield c, creds


def test_api_admin_only(client) -> None:  # noqa: ANN001
    c, creds = client
    heads = {role: bearer(c, *cred) for role, cred in creds.items()}
    for role in ("visa_officer", "caseworker"):
        assert c.get("/api/v1/visa-checklists", headers=heads[role]).status_code == 403
        assert c.put("/api/v1/visa-checklists/CH", headers=heads[role],
                     json={"items": ITEMS, "reason": "no"}).status_code == 403
    listing = c.get("/api/v1/visa-checklists", headers=heads["admin"]).json()["items"]
    assert {d["country"] for d in listing} >= {"DEFAULT", "CH", "CZ", "IE", "DE", "NL", "ES"}
    assert all(d["version"] == 0 for d in listing)
    resp = c.put("/api/v1/visa-checklists/se", headers=heads["admin"],
                 json={"items": ITEMS, "reason": "a new destination"})
    assert resp.status_code == 200 and resp.json()["version"] == 1
    one = c.get("/api/v1/visa-checklists/SE", headers=heads["admin"]).json()
    assert [v["reason"] for v in one["versions"]] == ["a new destination"]
    bad = c.put("/api/v1/visa-checklists/SE", headers=heads["admin"],
                json={"items": [{"code": "x", "text": ""}], "reason": "bad"})
    assert bad.status_code == 422
    assert c.get("/api/v1/visa-checklists/SE", headers=heads["admin"]).json()["version"] == 1


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _form(html: str) -> dict[str, object]:
    data: dict[str, object] = dict(re.findall(
        r'<input id="[^"]+" name="([^"]+)" type="text"[^>]* value="([^"]*)"', html))
    data.update(dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)))
    for name in re.findall(r'name="((?:required|file)_\d+)" value="on" checked', html):
        data[name] = "on"
    for name, value in re.findall(r'<select id="[^"]+" name="([^"]+)">\s*(?:<option value="(\w+)")',
                                  html):
        data.setdefault(name, value)
    return data


def test_pages_round_trip(client) -> None:  # noqa: ANN001
    c, creds = client
    login(c, *creds["visa_officer"])
    assert c.get("/staff/visa-checklists").status_code == 403
    c.cookies.clear()
    login(c, *creds["admin"])
    assert 'href="/staff/visa-checklists"' in c.get("/staff/").text
    listing = c.get("/staff/visa-checklists")
    assert listing.status_code == 200 and "Switzerland" in listing.text
    wrong = c.get("/staff/visa-checklists", params={"country": "Q9"})
    assert wrong.status_code == 422 and 'value="Q9"' in wrong.text
    opened = c.get("/staff/visa-checklists", params={"country": "se"}, follow_redirects=False)
    assert opened.headers["location"] == "/staff/visa-checklists/SE"
    spanish = c.get("/staff/visa-checklists/CH?lang=es").text
    assert "Listas de visado" in spanish and "Las solicitantes leen:" in spanish
    page = c.get("/staff/visa-checklists/CH")
    assert "Visa checklist: Switzerland" in page.text and "The standard list" in page.text
    form = _form(page.text)
    assert form["code_0"] == "passport" and form["code_1"] == "photos"
    new = int(str(form["rows"])) - 3  # the first empty row
    assert form[f"code_{new}"] == ""
    form.update({"remove_1": "on", f"code_{new}": "bad code",
                 f"text_{new}": "Test letter typed here", "reason": "test edit"})
    refused = c.post("/staff/visa-checklists/CH", data=form)
    assert refused.status_code == 422 and 'value="Test letter typed here"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    with session_scope() as s:
        assert s.exec(select(VisaChecklistVersion)).all() == []
    form[f"code_{new}"] = "test_letter"
    saved = c.post("/staff/visa-checklists/CH", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with session_scope() as s:
        row = checklist_data.latest(s, "CH")
        assert row is not None and row.number == 1 and row.reason == "test edit"
        codes = [i["code"] for i in row.items]
        assert "photos" not in codes and codes[-1] == "test_letter" and codes[0] == "passport"
    shown = c.get("/staff/visa-checklists/CH?done=saved")
    assert "test edit" in shown.text and 'value="test_letter"' in shown.text


@pytest.fixture
def admin_site(sqlite_url: str):  # noqa: ANN201
    from models.people.service import create_user
    from tests.shelter.test_pages_browser import PASSWORD
    from tests.support.server import run_server
    with session_scope() as s:
        secret = create_user(s, email="admin-checklists@example.com", role="admin",
                             password=PASSWORD)[2]
    srv = run_server({"AMPARO_DATABASE_URL": sqlite_url, "AMPARO_DISPATCHER": "off"})
    try:
        yield srv.url, secret
    finally:
        srv.stop()


def test_admin_edits_a_checklist_in_the_browser(page, admin_site) -> None:  # noqa: ANN001
    from tests.shelter.test_pages_browser import accessible, sign_in
    from tests.support.browser import screenshot_dir
    url, secret = admin_site
    shots = screenshot_dir()
    sign_in(page, url, "admin-checklists@example.com", secret, "/staff/visa-checklists")
    page.screenshot(path=str(shots / "visa-checklists.png"), full_page=True)
    assert accessible(page)
    page.fill("#country", "se")
    page.click("button:has-text('Open its checklist')")
    page.wait_for_url("**/staff/visa-checklists/SE")
    page.check("input[name=remove_1]")
    new = page.locator("input[name^=code_][value='']").first.get_attribute("name")
    row = str(new).split("_")[1]
    page.fill(f"#code_{row}", "test_letter")
    page.fill(f"#text_{row}", "Test letter from the test office")
    page.select_option(f"#who_{row}", "defender")
    page.fill("#reason", "test destination")
    page.click("button:has-text('Save as a new version')")
    assert "Saved as a new version." in page.inner_text(".flash")
    assert "test destination" in page.inner_text("table")
    page.screenshot(path=str(shots / "visa-checklist-edit.png"), full_page=True)
    assert accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "visa-checklist-edit-phone.png"), full_page=True)
