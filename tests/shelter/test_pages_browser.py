"""Browser tests (Debian Chromium via Playwright) of the shelter coordinator's pages, against
the real server: sign in, the desk, add a house, its calendar, rank, hold, confirm, check in.
Screenshots go to test-artifacts/screenshots/ (or $AMPARO_SCREENSHOT_DIR)."""
from __future__ import annotations

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe

from models.core.db import session_scope
from models.people.service import create_user
from tests.shelter.factories import make_application, make_shelter
from tests.support.browser import screenshot_dir
from tests.support.server import run_server

PASSWORD = "test-password-0123456789"
_AXE = Axe()


def accessible(page) -> bool:  # noqa: ANN001
    """axe-core finds no serious or critical violation on the page (else it says which)."""
    violations = [f"{v['id']} ({v['impact']})" for v in _AXE.run(page).response["violations"]
                  if v.get("impact") in ("serious", "critical")]
    assert not violations, violations
    return True


def sign_in(page, url: str, email: str, secret: str, target: str) -> None:  # noqa: ANN001
    page.goto(f"{url}/staff/login?next={target}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#otp", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_url(f"**{target}*")


@pytest.fixture
def coordinator_site(sqlite_url: str):
    with session_scope() as session:
        secret = create_user(session, email="coordinator@example.com",
                             role="shelter_coordinator", password=PASSWORD)[2]
        make_shelter(session, name="Test House North", beds=4)
        make_shelter(session, name="Test House Full", beds=1, features=[])
        critical = make_application(session, imminent=True, phone="+00 000 0101",
                                    request={"people": 2, "children": 1})
        critical.priority = 0
        make_application(session, phone="+00 000 0102")
        case_id = critical.id
    srv = run_server({"AMPARO_DATABASE_URL": sqlite_url, "AMPARO_DISPATCHER": "off"})
    try:
        yield srv.url, secret, case_id
    finally:
        srv.stop()


def test_coordinator_desk_house_and_placement(page, coordinator_site) -> None:  # noqa: ANN001
    url, secret, case_id = coordinator_site
    shots = screenshot_dir()
    sign_in(page, url, "coordinator@example.com", secret, "/staff/shelters")
    assert page.locator("h1").inner_text() == "Shelters"
    first_case = page.locator("#queue + table tbody tr").first
    assert case_id[:8] in first_case.inner_text()  # the critical case is matched first
    page.screenshot(path=str(shots / "shelter-desk.png"), full_page=True)
    assert accessible(page)

    page.click("text=Add a house")
    page.fill("#name", "Test House East")
    page.fill("#country", "CO")
    page.fill("#region", "Test Region Two")
    page.fill("#beds", "8")
    page.fill("#max_nights", "120")
    page.check("input[name=features][value=children]")
    page.check("input[name=languages][value=es]")
    page.fill("#address", "Test Street 3")
    page.click("form.stack button[type=submit]")
    assert "The house was added." in page.inner_text(".flash")
    assert "Test Street 3" in page.inner_text("dl.facts")  # coordinators see the address
    assert page.locator("table.nights td.night").count() == 28  # a grid of nights
    page.screenshot(path=str(shots / "shelter-house-calendar.png"), full_page=True)
    assert accessible(page)

    page.goto(f"{url}/staff/shelters/cases/{case_id}")
    ranked = page.locator("#ranked + table tbody tr")
    assert "Test House North" in ranked.first.inner_text()
    assert "Does not take children" in page.inner_text("#ranked + table")
    page.screenshot(path=str(shots / "shelter-case-matches.png"), full_page=True)
    assert accessible(page)
    ranked.first.locator("button").click()
    assert "Beds are held." in page.inner_text(".flash")
    page.screenshot(path=str(shots / "shelter-case-held.png"), full_page=True)
    page.click("text=Confirm the placement")
    assert "The placement is confirmed." in page.inner_text(".flash")
    page.click("text=Check in")
    assert "Checked in." in page.inner_text(".flash")
    page.goto(f"{url}/staff/shelters")
    assert "Test House North" in page.inner_text("#houses + div table")
    page.screenshot(path=str(shots / "shelter-desk-after.png"), full_page=True)


def test_other_roles_do_not_see_the_desk(page, sqlite_url: str) -> None:  # noqa: ANN001
    with session_scope() as session:
        secret = create_user(session, email="finance@example.com", role="finance",
                             password=PASSWORD)[2]
    srv = run_server({"AMPARO_DATABASE_URL": sqlite_url, "AMPARO_DISPATCHER": "off"})
    try:
        page.goto(f"{srv.url}/staff/login?next=/staff/shelters")
        page.fill("#email", "finance@example.com")
        page.fill("#password", PASSWORD)
        page.fill("#otp", pyotp.TOTP(secret).now())
        response_holder = []
        page.on("response", lambda r: response_holder.append(r.status)
                if r.url.endswith("/staff/shelters") else None)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert 403 in response_holder
    finally:
        srv.stop()
