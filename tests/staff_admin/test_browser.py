"""Debian's Chromium, JavaScript off, on a real uvicorn server: the admin goes from her start
page to the staff list, adds a person (the secret and QR code shown once), the person signs
in, the admin disables her with a reason and her open page is out at once; then the audit log
verifies. Desktop and phone; screenshots in tests.support.browser.screenshot_dir()."""
from __future__ import annotations

import re
import threading
import time

import pyotp
import pytest
import uvicorn

from models.core.db import session_scope
from tests.reviews import factories as f
from tests.support.browser import screenshot_dir
from tests.support.server import free_port
from playwright.sync_api import expect

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def live(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        admin, secret = f.staff(s, role="admin", email="admin.browser@example.invalid")
        creds = (admin.email, secret)
    from api.app import create_app
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", creds
    server.should_exit = True
    thread.join(10)


def _login(page, base: str, email: str, password: str, secret: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/staff/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_add_and_disable_in_the_browser(live, browser, viewport) -> None:  # noqa: ANN001
    base, (email, secret) = live
    shots, tag = screenshot_dir(), "phone" if viewport else "desktop"
    admin_ctx = browser.new_context(locale="en-GB", java_script_enabled=False,
                                    viewport=viewport or {"width": 1280, "height": 900})
    person_ctx = browser.new_context(locale="en-GB", java_script_enabled=False)
    try:
        page = admin_ctx.new_page()
        _login(page, base, email, f.PASSWORD, secret)
        page.get_by_role("main").get_by_role("link", name="Staff").click()
        assert page.url.endswith("/staff/users")
        page.screenshot(path=shots / f"admin-staff-{tag}.png", full_page=True)

        page.get_by_label("E-mail", exact=True).fill("not an address")
        page.locator("#role").select_option("reviewer")
        page.get_by_role("button", name="Add the person").click()
        expect(page.get_by_text("Enter an e-mail address")).to_be_visible()
        assert page.locator("#role").input_value() == "reviewer"  # kept
        new_email = f"reviewer.{tag}@example.invalid"
        page.get_by_label("E-mail", exact=True).fill(new_email)
        page.get_by_role("button", name="Add the person").click()
        expect(page.get_by_text("Shown once.")).to_be_visible()
        expect(page.locator("svg.qr")).to_be_visible()
        password, totp = page.locator("code.secret").all_inner_texts()
        page.screenshot(path=shots / f"admin-staff-added-{tag}.png", full_page=True)

        other = person_ctx.new_page()
        _login(other, base, new_email, password, totp)
        assert other.url.endswith("/staff/queue") or "/staff/" in other.url
        assert "/staff/login" not in other.url

        page.get_by_role("link", name="Done: back to this person").click()
        page.get_by_role("link", name="Disable this person…").click()
        expect(page.get_by_text("signed out everywhere at once")).to_be_visible()
        page.get_by_role("button", name="Yes, disable").click()
        expect(page.get_by_text("Choose a reason.")).to_be_visible()  # the reason is required
        page.get_by_label("Reason").select_option("left")
        page.screenshot(path=shots / f"admin-staff-disable-{tag}.png", full_page=True)
        page.get_by_role("button", name="Yes, disable").click()
        expect(page.get_by_text("Disabled. She was signed out everywhere at once.")).to_be_visible()

        other.reload()
        assert "/staff/login" in other.url  # out at once

        page.get_by_role("link", name="Her history in the audit log").click()
        expect(page.get_by_text("The chain verifies")).to_be_visible()
        expect(page.get_by_text("staff.disabled")).to_be_visible()
        assert re.search(r"staff\.created", page.content())
        page.screenshot(path=shots / f"admin-audit-{tag}.png", full_page=True)
    finally:
        admin_ctx.close()
        person_ctx.close()
