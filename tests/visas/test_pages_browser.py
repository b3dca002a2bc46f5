"""Browser tests (Debian Chromium via Playwright) of the visa officer's pages, against the
real server: the panel's review, cases with checklist progress, the week's appointments and
deadlines, one case's checklist and its moves. Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from models.core.db import session_scope
from models.people.service import create_user
from models.visas import service
from models.visas.schemas import AppointmentIn, LodgeIn
from models.visas.tables import VisaItem
from tests.shelter.factories import make_application
from tests.shelter.test_pages_browser import PASSWORD, accessible, sign_in
from tests.support.browser import screenshot_dir
from tests.support.server import run_server


def _lodged_case(session) -> None:  # noqa: ANN001
    """A second case already lodged, with an appointment this week."""
    app = make_application(session, kind="visa", phone="+00 000 0202",
                           request={"destination_country": "CH"})
    case = service.review(session=session, application_id=app.id, decision="approve",
                          actor_id="vo", actor_role="visa_officer")[0]
    session.flush()
    for item in session.exec(select(VisaItem).where(VisaItem.case_id == case.id)).all():
        item.status = "accepted" if item.required else "waived"
    session.flush()
    kw = {"session": session, "case_id": case.id, "actor_id": "vo", "actor_role": "visa_officer"}
    service.approve_dossier(**kw)
    service.lodge(**kw, data=LodgeIn(embassy_country="CH", lodged_on=datetime.now().date()))
    service.set_appointment(**kw, data=AppointmentIn(
        at=datetime.now(timezone.utc) + timedelta(days=2), country="CR"))


@pytest.fixture
def visa_site(sqlite_url: str):
    with session_scope() as session:
        secret = create_user(session, email="officer@example.com", role="visa_officer",
                             password=PASSWORD)[2]
        new = make_application(session, kind="visa", phone="+00 000 0201",
                               request={"destination_country": "IE", "family_members": 1})
        _lodged_case(session)
        new_id = new.id
    srv = run_server({"AMPARO_DATABASE_URL": sqlite_url, "AMPARO_DISPATCHER": "off"})
    try:
        yield srv.url, secret, new_id
    finally:
        srv.stop()


def test_visa_officer_pages(page, visa_site) -> None:  # noqa: ANN001
    url, secret, new_id = visa_site
    shots = screenshot_dir()
    sign_in(page, url, "officer@example.com", secret, "/staff/visas")
    assert "Appointment (CR)" in page.inner_text("#week + table")
    review_row = page.locator("#review + table tbody tr", has_text=new_id[:8])
    page.screenshot(path=str(shots / "visa-list-before-review.png"), full_page=True)
    review_row.locator("a").click()  # the case is read before the panel decides
    page.click("button[value=approve]")
    assert "The panel's decision is recorded." in page.inner_text(".flash")
    page.goto(f"{url}/staff/visas")
    rows = page.locator("#cases + table tbody tr", has_text=new_id[:8])
    assert rows.count() == 2  # the defender and one family member
    assert "0/" in rows.first.inner_text()
    page.screenshot(path=str(shots / "visa-list.png"), full_page=True)
    assert accessible(page)

    rows.first.locator("a").click()
    passport = page.locator("#checklist + table tbody tr", has_text="Passport valid")
    passport.locator("input[type=file]").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 test\n%%EOF\n"}])
    passport.locator("button[type=submit]", has_text="Upload").click()
    assert "The checklist is updated." in page.inner_text(".flash")
    page.locator("#checklist + table tbody tr", has_text="Passport valid") \
        .locator("button[value^=accepted]").click()
    assert "accepted" in page.locator("#checklist + table tbody tr",
                                      has_text="Passport valid").inner_text()
    page.click("text=Approve the dossier (visa panel)")
    assert "checklist is not complete" in page.inner_text(".error").lower()
    page.screenshot(path=str(shots / "visa-case-checklist.png"), full_page=True)
    assert accessible(page)
