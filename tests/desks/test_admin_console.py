"""The admin's console through pages only, on the shared real server (issue 14): the
operations page and "rotate now", a new programme, its risk weights previewed and saved, its
on-call rota with the gaps ahead, a reviewer's declared conflicts, recovery codes for a lost
phone (and signing in with one), and the audit log verified and exported. Screenshots on a
phone and a desktop, no sideways scrolling on the phone."""
from __future__ import annotations

import re
import subprocess
import uuid

import pytest
from playwright.sync_api import expect

from tests.desks.conftest import sign_in_page
from tests.e2e.harness import AMPARO, Staff, grant_application, wait_for
from tests.support.browser import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shots(page, name: str) -> None:  # noqa: ANN001
    folder = screenshot_dir()
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(folder / f"console-{name}-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"console-{name}-desktop.png"), full_page=True)


def _new_person(desk, role: str) -> str:  # noqa: ANN001
    """A person made with the CLI on the server's database (so this test has its own admin)."""
    email = f"console-{role}-{uuid.uuid4().hex[:6]}@example.invalid"
    out = subprocess.run([AMPARO, "user", "add", email, "--role", role], env=desk.env,
                         check=True, capture_output=True, text=True, timeout=120).stdout
    password = re.search(r"password=(\S+)", out).group(1)  # type: ignore[union-attr]
    secret = re.search(r"totp_secret=(\S+)", out).group(1)  # type: ignore[union-attr]
    desk.staff[email] = Staff(email, role, password, secret)
    return email


def _operations_and_programme(desk, page) -> str:  # noqa: ANN001
    page.goto(f"{desk.url}/staff/operations")
    assert "Encryption keys" in page.inner_text("main")
    page.get_by_role("button", name="Rotate now").click()
    assert "Key rotation requested" in page.inner_text("main")
    shots(page, "operations")
    slug = f"console-{uuid.uuid4().hex[:6]}"
    page.goto(f"{desk.url}/staff/programmes")
    page.get_by_role("link", name="New programme").click()
    page.fill("#name", "Console Test Fund")
    page.fill("#slug", slug)
    page.fill("#cap", "not a number")
    page.get_by_role("button", name="Create the programme").click()
    expect(page.locator("#cap-error")).to_be_visible()
    assert page.input_value("#slug") == slug
    shots(page, "programme-new-error")
    page.fill("#cap", "5000")
    page.get_by_role("button", name="Create the programme").click()
    assert "Created" in page.inner_text("main")
    return slug


def _risk_and_rota(desk, page, slug: str) -> None:  # noqa: ANN001
    page.get_by_role("link", name=re.compile("Risk weights")).click()
    page.fill("[name='threat_type.surveillance']", "60")
    page.get_by_role("button", name="Show the effect").click()
    assert "would have been" in page.inner_text("main")
    shots(page, "risk-preview")
    page.fill("#reason", "Console test")
    page.get_by_role("button", name="Save as a new version").click()
    assert "Saved as a new version" in page.inner_text("main")
    page.goto(f"{desk.url}/staff/programmes/{slug}/panel")
    for n in (1, 2, 3):
        page.get_by_label(f"On the panel: reviewer{n}@demo.amparo.invalid").check()
    page.get_by_label("Chair: reviewer1@demo.amparo.invalid").check()
    page.get_by_role("button", name="Save the panel").click()
    assert "Saved." in page.inner_text("main")
    shots(page, "panel")
    _decided_under_the_new_rules(desk, slug)
    # the rota of this programme only (the shared server's demo programme stays as it is,
    # so other tests' on-call reviewers do not change with the day of the week)
    page.goto(f"{desk.url}/staff/programmes/{slug}/rota")
    page.fill("#timezone", "Africa/Nairobi")
    page.get_by_role("button", name="Add the shift").click()
    assert "(Africa/Nairobi)" in page.inner_text("main")
    assert "Nobody on call in the next 7 days" in page.inner_text("main")
    shots(page, "rota")


def _decided_under_the_new_rules(desk, slug: str) -> None:  # noqa: ANN001
    """A case for the new programme is routed under its rules and decided by its quorum."""
    data = {**grant_application(amount=3000), "programme": slug}
    r = desk.post("/api/v1/applications", json=data)
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    caseworker = "caseworker@demo.amparo.invalid"
    case = wait_for(lambda: (lambda c: c if c.get("status") == "in_review" else None)(
        desk.get(f"/api/v1/applications/{case_id}", caseworker).json()), what="routing")
    assert case.get("programme_version") == 2  # the risk weights saved above
    # surveillance now weighs 60: critical, the fast track (2 approvals; nobody on call:
    # the whole panel may vote)
    assert case["risk_level"] == "critical"
    for n in (1, 2):
        vote = desk.post(f"/api/v1/applications/{case_id}/votes",
                         f"reviewer{n}@demo.amparo.invalid",
                         json={"decision": "approve", "amount": 3000})
        assert vote.status_code in (200, 201), vote.text
    wait_for(lambda: desk.get(f"/api/v1/applications/{case_id}", caseworker).json()
             .get("status") in ("approved", "disbursing"), what="the quorum's decision")


def _conflicts_and_codes(desk, page) -> str:  # noqa: ANN001
    reviewer = next(e for e, s in desk.staff.items() if s.role == "reviewer")
    page.goto(f"{desk.url}/staff/users")
    page.fill("#q", reviewer.split("@")[0])
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=reviewer).first.click()
    page.get_by_role("link", name=re.compile("must not judge")).click()
    page.fill("#value", "Fictional Watchdog Collective")
    page.select_option("#kind", "organisation")
    page.get_by_role("button", name="Declare", exact=True).click()
    assert "Fictional Watchdog Collective" in page.inner_text("main")
    shots(page, "conflicts")
    lost = _new_person(desk, "caseworker")
    page.goto(f"{desk.url}/staff/users")
    page.fill("#q", lost.split("@")[0])
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=lost).first.click()
    page.get_by_role("button", name="Make new recovery codes").click()
    codes = page.locator("ol.codes code").all_inner_texts()
    assert len(codes) == 10
    shots(page, "recovery-codes")
    return f"{lost} {codes[0]}"


def test_the_admin_console(desk, page, browser) -> None:  # noqa: ANN001
    admin = _new_person(desk, "admin")
    sign_in_page(page, desk, admin)
    slug = _operations_and_programme(desk, page)
    _risk_and_rota(desk, page, slug)
    lost, code = _conflicts_and_codes(desk, page).split()
    page.goto(f"{desk.url}/staff/audit")
    page.get_by_role("button", name="Verify the chain now").click()
    assert "The chain verifies" in page.inner_text("main")
    shots(page, "audit-verified")
    other = browser.new_context()  # she lost her phone: the password and one code
    try:
        phone = other.new_page()
        phone.goto(f"{desk.url}/staff/login")
        phone.fill("#email", lost)
        phone.fill("#password", desk.staff[lost].password)
        phone.fill("#otp", code)
        phone.locator("form button[type=submit]").last.click()
        assert "/staff/login" not in phone.url
    finally:
        other.close()
