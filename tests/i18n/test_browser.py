"""In a real browser (Chromium, a real uvicorn server): the grant form in Spanish and Arabic
with its cap and a counter that turns into an error when the answer is too long (no silent
cut), and staff pages in the language kept on each account (Arabic right to left).
Screenshots, phone and desktop, in tests.support.browser.screenshot_dir()."""
from __future__ import annotations

import threading
import time

import pytest
import uvicorn

from api.auth import COOKIE, issue_token
from models.core.db import session_scope
from models.people.tables import StaffUser
from tests.reviews import factories as f
from tests.support.browser import screenshot_dir
from tests.support.server import free_port
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def live(sqlite_url: str):  # noqa: ANN201
    from models.programmes.service import demo_programme, ensure_programme
    people = {}
    with session_scope() as s:
        ensure_programme(s, demo_programme())
        for role, lang in (("admin", "ar"), ("finance", "es")):
            user, _ = f.staff(s, role=role, email=f"{role}.browser-i18n@example.invalid")
            user.language = lang
            people[role] = user.id
    from api.app import create_app
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", people
    server.should_exit = True
    thread.join(10)


def _signed_in(page, base: str, user_id: str) -> None:  # noqa: ANN001
    with session_scope(read_only=True) as s:
        token, _ = issue_token(s.get(StaffUser, user_id))  # type: ignore[arg-type]
    page.context.add_cookies([{"name": COOKIE, "value": token, "url": base}])


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_the_grant_form_says_its_limits(live, page, lang: str) -> None:  # noqa: ANN001
    base, _ = live
    shots = screenshot_dir()
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/apply/grant?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    counter = page.locator("#f-threat-description-count")
    page.locator("#f-threat-description").fill("Test text, fictitious. " * 180)  # 4,140
    assert counter.get_attribute("class") == "error"
    assert len(page.locator("#f-threat-description").input_value()) == 4140  # nothing cut
    page.locator("#f-threat-description").fill("Test text, fictitious.")
    assert counter.get_attribute("class") == "hint"
    page.locator("#f-request-amount").fill("3.000,50" if lang == "es" else "3,000.50")
    page.locator("#f-request-amount").scroll_into_view_if_needed()
    expect(page.locator("#f-request-amount-cap")).to_be_visible()
    page.screenshot(path=shots / f"i18n-grant-form-{lang}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=shots / f"i18n-grant-form-{lang}-desktop.png")


def test_staff_pages_in_the_language_of_her_account(live, page) -> None:  # noqa: ANN001
    base, people = live
    shots = screenshot_dir()
    _signed_in(page, base, people["admin"])
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(f"{base}/staff/users")
        assert page.locator("html").get_attribute("lang") == "ar"
        assert page.locator("html").get_attribute("dir") == "rtl"
        expect(page.get_by_role("heading", name="إضافة شخص")).to_be_visible()
        page.screenshot(path=shots / f"i18n-staff-users-ar-{size}.png", full_page=True)
        page.goto(f"{base}/staff/programmes")
        page.screenshot(path=shots / f"i18n-staff-programmes-ar-{size}.png", full_page=True)
    page.goto(f"{base}/staff/account")
    page.get_by_label("لغة صفحاتك ورسائلك الإلكترونية").select_option("es")
    page.get_by_role("button", name="حفظ").click()
    assert page.locator("html").get_attribute("lang") == "es"
    expect(page.get_by_text("Guardado.")).to_be_visible()
    page.screenshot(path=shots / "i18n-staff-account-es-desktop.png", full_page=True)
    page.context.clear_cookies()
    _signed_in(page, base, people["finance"])
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/staff/finance")
    assert page.locator("html").get_attribute("lang") == "es"
    page.screenshot(path=shots / "i18n-staff-finance-es-phone.png", full_page=True)
    page.goto(f"{base}/staff/login?lang=es")
    page.screenshot(path=shots / "i18n-staff-login-es-phone.png")
