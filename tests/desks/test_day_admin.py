"""A day in the life of an admin, through pages only, on the shared real server: her desk
(people, programmes, audit, stalled work), the staff list searched, a person added and then
disabled with a reason, that person's history in the audit viewer with the chain verified,
the programmes page, and an unknown address answered with a page."""
from __future__ import annotations

import uuid

import pytest

from tests.desks.conftest import sign_in_page
from tests.support.browser import screenshot_dir
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ADMIN = "admin@demo.amparo.invalid"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shots(page, name: str) -> None:  # noqa: ANN001
    """The page on a phone and on a desktop; no sideways scrolling on the phone."""
    folder = screenshot_dir()
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(folder / f"day-admin-{name}-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"day-admin-{name}-desktop.png"), full_page=True)


def test_admin_day(desk, page) -> None:  # noqa: ANN001
    sign_in_page(page, desk, ADMIN)
    page.goto(f"{desk.url}/staff/")
    # her desk: people, programmes, audit, and any stalled work, with counts
    for key in ("people", "programmes", "audit", "overdue", "untriaged", "unsent"):
        assert page.locator(f"#desk-{key}").count() == 1, key
    assert int(page.locator("#desk-people .count").get_attribute("data-count")) >= 10
    menu = page.get_by_role("navigation", name="Staff sections")
    for name in ("Cases", "Programmes", "Staff", "Audit log", "Visas"):
        assert menu.get_by_role("link", name=name, exact=True).count() == 1, name
    shots(page, "desk")

    # the staff list, searched by role and by part of an e-mail
    menu.get_by_role("link", name="Staff", exact=True).click()
    page.select_option("#filter-role", "finance")
    page.get_by_role("button", name="Search").click()
    assert "Showing 1–2 of 2" in page.inner_text("main")
    assert "finance1@demo.amparo.invalid" in page.inner_text("main")
    assert "caseworker@demo.amparo.invalid" not in page.inner_text("main")
    shots(page, "users-search")

    # a person added from the page, then disabled with a reason
    email = f"day-admin-{uuid.uuid4().hex[:8]}@example.invalid"
    page.goto(f"{desk.url}/staff/users")
    page.fill("#email", email)
    page.select_option("#role", "caseworker")
    page.get_by_role("button", name="Add the person").click()
    assert email in page.inner_text("main")  # the secrets page, shown once
    page.goto(f"{desk.url}/staff/users")
    page.fill("#q", email.split("@")[0])
    page.get_by_role("button", name="Search").click()
    assert "Showing 1–1 of 1" in page.inner_text("main")
    page.get_by_role("link", name=email).click()
    page.get_by_role("link", name="Disable this person…").click()
    page.get_by_role("button", name="Yes, disable").click()  # no reason: refused, kept
    expect(page.locator("#reason-error")).to_be_visible()
    page.select_option("#reason", "left")
    page.get_by_role("button", name="Yes, disable").click()
    page.wait_for_url("**done=disabled")
    assert "Disabled" in page.inner_text("main")
    shots(page, "disabled")

    # her history in the audit viewer, and the chain verified
    page.get_by_role("link", name="Her history in the audit log").click()
    text = page.inner_text("main")
    assert "The chain verifies" in text
    assert "Showing 1–" in text and "Nothing found." not in text
    shots(page, "audit")
    page.goto(f"{desk.url}/staff/audit?per_page=5")
    page.get_by_role("link", name="Next").click()
    assert "Page 2 of" in page.inner_text("main")

    # the programmes page
    page.get_by_role("navigation", name="Staff sections").get_by_role(
        "link", name="Programmes").click()
    assert page.get_by_role("link", name="emergency").count() + \
        page.locator("a[href='/staff/programmes/emergency']").count() >= 1
    shots(page, "programmes")

    # an unknown address is a page with her menu, not raw JSON
    response = page.goto(f"{desk.url}/staff/nope")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Staff sections")).to_be_visible()
