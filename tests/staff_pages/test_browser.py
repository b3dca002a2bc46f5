"""A real browser (Debian's Chromium) on a real uvicorn server: login → queue → case → vote →
recusal, with screenshots in tests.support.browser.screenshot_dir()."""
from __future__ import annotations

import threading
import time

import pyotp
import pytest
import uvicorn

from models.core.db import session_scope
from models.people.service import totp_secret_of
from tests.reviews import factories as f
from tests.support.browser import screenshot_dir
from tests.support.server import free_port
from playwright.sync_api import expect


@pytest.fixture
def live(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        prog = f.programme(s)
        _, reviewers = f.panel(s, prog=prog, members=3, on_call=0)
        app = f.application(s, prog=prog, amount_minor=300_000)
        people = [(r.email, totp_secret_of(r)) for r in reviewers]
        app_id = app.id
    from api.app import create_app
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", people, app_id
    server.should_exit = True
    thread.join(10)


def _login(page, base: str, email: str, secret: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/staff/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()


def test_review_in_the_browser(live, page) -> None:  # noqa: ANN001
    base, people, app_id = live
    shots = screenshot_dir()
    page.goto(f"{base}/staff/login")
    page.screenshot(path=shots / "staff-login.png")
    _login(page, base, *people[0])
    page.get_by_role("link", name="Review queue").first.click()
    assert page.url.endswith("/staff/queue")
    page.screenshot(path=shots / "staff-queue.png", full_page=True)
    page.get_by_role("link", name=f"grant {app_id[:8]}").click()
    expect(page.get_by_role("heading", name="Risk factors")).to_be_visible()
    page.screenshot(path=shots / "staff-case.png", full_page=True)
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Amount to approve").fill("2750")
    page.get_by_label("Comment for the panel").fill("Test comment alpha")
    page.get_by_role("button", name="Cast vote").click()
    expect(page.get_by_text("Your vote is recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="2750.00 EUR")).to_be_visible()
    page.screenshot(path=shots / "staff-voted.png", full_page=True)
    page.get_by_role("button", name="Sign out").click()
    assert "/staff/login" in page.url

    _login(page, base, *people[1])
    page.goto(f"{base}/staff/cases/{app_id}")
    page.get_by_role("button", name="Recuse myself").click()
    assert page.url.endswith("/staff/queue?done=recused")
    expect(page.get_by_text("no longer shown to you")).to_be_visible()
    assert page.get_by_text(app_id[:8]).count() == 0
    page.screenshot(path=shots / "staff-recused.png", full_page=True)
