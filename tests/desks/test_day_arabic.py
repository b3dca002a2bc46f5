"""Issue 16.6: two roles' day in Arabic, through pages only, on the shared real server — a
caseworker (her desk, the case list, a case, a note added) and a reviewer (her desk, her
queue, the case, her vote) with a browser set to Arabic. Every page they read is right to
left and fails the test on a raw code or an English string left (tests/i18n/scan.py).
Screenshots on a phone and a desktop."""
from __future__ import annotations

import pytest

from tests.casework.desk_cases import grant, submit, wait_status
from tests.desks.conftest import sign_in_page
from tests.i18n.scan import problems
from tests.support.browser import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def _read(page, name: str) -> None:  # noqa: ANN001
    """The page as she reads it: Arabic, right to left, no code and no English left."""
    html = page.content()
    assert 'lang="ar"' in html and 'dir="rtl"' in html, name
    assert not problems(html, "ar"), (name, problems(html, "ar"))
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=screenshot_dir() / f"day-ar-{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def _votes(desk, app_id: str) -> list[str]:  # noqa: ANN001
    """Read back from the server's own database (a check only: the test acts through pages)."""
    import sqlite3
    path = desk.env["AMPARO_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute(
            "SELECT decision FROM vote WHERE application_id = ?", (app_id,))]


def test_a_caseworker_and_a_reviewer_in_arabic(desk, browser) -> None:  # noqa: ANN001
    app_id, receipt = submit(desk, grant())
    wait_status(desk, receipt, "in_review")
    context = browser.new_context(locale="ar")  # her browser asks for Arabic
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_page(page, desk, "caseworker@demo.amparo.invalid")
        for name, path in (("caseworker-desk", "/staff/"), ("caseworker-cases", "/staff/cases"),
                           ("caseworker-case", f"/staff/cases/{app_id}")):
            page.goto(desk.url + path)
            _read(page, name)
        page.fill("#note", "ملاحظة تجريبية مختلقة")
        page.locator("form[action$='/notes'] button[type=submit]").click()
        page.wait_for_load_state()
        assert "ملاحظة تجريبية مختلقة" in page.inner_text("main")
        _read(page, "caseworker-note")
        context.clear_cookies()
        sign_in_page(page, desk, "reviewer2@demo.amparo.invalid")
        for name, path in (("reviewer-desk", "/staff/"), ("reviewer-queue", "/staff/queue"),
                           ("reviewer-case", f"/staff/cases/{app_id}")):
            page.goto(desk.url + path)
            _read(page, name)
        page.check("#decision-approve")
        page.fill("#amount", "2500")
        page.locator("form[action$='/vote'] button[type=submit]").first.click()
        page.wait_for_load_state()
        _read(page, "reviewer-voted")
        assert _votes(desk, app_id) == ["approve"]  # her vote counted
    finally:
        context.close()
