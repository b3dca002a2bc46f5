"""The public forms in Debian's Chromium: each kind in English and Arabic, an error with the
values kept, the receipt, the status page with an answer, JavaScript off, screenshots."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from tests.browser.forms_server import served_app
from tests.support.browser import screenshot_dir

KINDS = ("grant", "shelter", "visa")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
REQUEST = {
    "grant": {"#f-request-amount": "2500", "#f-request-purpose": "Locks (test)."},
    "shelter": {"#f-request-people": "2", "#f-request-children": "1",
                "#f-request-from_date": (date.today() + timedelta(days=30)).isoformat(), "#f-request-nights": "20"},
    "visa": {"#f-request-passport_valid_until": "2028-02-01",
             "#f-request-purpose": "Relocation (test)."},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_app(tmp_path_factory.mktemp("forms-browser")) as base:
        yield base


def fill_form(page, kind: str) -> None:
    page.fill("#f-applicant-name", "Test Person Alpha")
    page.fill("#f-applicant-email", "alpha@example.org")
    page.select_option("#f-applicant-country", "GT")
    page.fill("#f-threat-description", "Fictitious threat for a browser test.")
    page.check("#f-threat-types-surveillance")
    page.select_option("#f-threat-perpetrator", "state")
    for selector, value in REQUEST[kind].items():
        page.fill(selector, value)
    if kind == "visa":
        page.select_option("#f-request-destination_country", "ES")


def receipt_of(page) -> str:
    return page.inner_text("#receipt").replace(" ", "-")


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("kind", KINDS)
def test_fill_and_submit(page, site: str, kind: str, lang: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/apply/{kind}?lang={lang}")
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == ("rtl" if lang == "ar" else "ltr")
    page.screenshot(path=str(screenshot_dir() / f"apply-{kind}-{lang}-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(screenshot_dir() / f"apply-{kind}-{lang}-desktop.png"),
                    full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    fill_form(page, kind)
    page.click("button.primary")
    page.wait_for_selector("#receipt")
    assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", receipt_of(page))
    page.wait_for_selector("#copy-receipt", state="visible")  # scripts run: copy button
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    page.click("button.primary")  # "I have saved it" not ticked: asked again
    page.wait_for_selector("#saved-error")
    page.check("#saved")
    page.click("button.primary")
    page.wait_for_url("**/apply/done?lang=*")
    assert page.locator("#receipt").count() == 0
    assert "/status" in page.inner_html("main")


def test_phone_width_has_no_sideways_scroll(page, site: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    for kind in KINDS:
        page.goto(f"{site}/apply/{kind}?lang=ar")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_error_keeps_values_and_focuses_summary(page, site: str) -> None:
    page.goto(f"{site}/apply/grant?lang=es")
    fill_form(page, "grant")
    page.fill("#f-applicant-name", "")
    page.fill("#f-request-amount", "mucho")
    page.click("button.primary")
    page.wait_for_selector("#error-summary")
    page.wait_for_function("document.activeElement.id === 'error-summary'")  # script focused it
    assert page.is_visible("#f-applicant-name-error")
    assert page.get_attribute("#f-request-amount", "aria-invalid") == "true"
    assert page.input_value("#f-threat-description") == "Fictitious threat for a browser test."
    assert page.is_checked("#f-threat-types-surveillance")
    page.click("#error-summary a[href='#f-applicant-name']")
    assert page.evaluate("location.hash") == "#f-applicant-name"
    page.fill("#f-applicant-name", "Test Person Alpha")
    page.fill("#f-request-amount", "2500")
    page.click("button.primary")
    page.wait_for_selector("#receipt")


def test_language_switch_keeps_what_was_typed(page, site: str) -> None:
    page.goto(f"{site}/apply/shelter?lang=en")
    page.fill("#f-applicant-name", "Test Person Alpha")
    page.click("button[name=switch_lang][value=sw]")
    page.wait_for_selector("html[lang=sw]")
    assert page.input_value("#f-applicant-name") == "Test Person Alpha"


def test_works_with_javascript_off(browser, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site}/apply/visa?lang=fr")
        fill_form(page, "visa")
        page.click("button.primary")
        page.wait_for_selector("#receipt")
        assert not page.is_visible("#copy-receipt")  # no script: no copy button
    finally:
        context.close()


def test_quick_exit_leaves_at_once(page, site: str) -> None:
    page.route("https://www.bbc.com/**", lambda route: route.fulfill(body="weather",
                                                                     content_type="text/plain"))
    page.goto(f"{site}/apply?lang=en")
    page.goto(f"{site}/apply/grant?lang=en")
    length = page.evaluate("history.length")
    page.click("#quick-exit")
    page.wait_for_url("https://www.bbc.com/**")
    assert page.evaluate("history.length") == length  # the form page was replaced


def test_status_page_answers_a_request(page, site: str) -> None:
    page.goto(f"{site}/apply/grant?lang=ar")
    fill_form(page, "grant")
    page.click("button.primary")
    page.wait_for_selector("#receipt")
    receipt = receipt_of(page)
    from models.applications.info import application_by_receipt, request_info
    from models.core.db import session_scope
    with session_scope() as session:
        request_info(session=session, application=application_by_receipt(session, receipt),
                     staff=None, question="code:endorser_missing")
    page.goto(f"{site}/status?lang=ar")
    page.fill("#receipt-input", receipt.lower())
    page.click("button.primary")
    page.wait_for_selector("#answer-1")
    assert receipt not in page.url
    page.fill("#answer-1", "Test Endorser Beta, beta@example.org")
    page.click("form.box button.primary")
    page.wait_for_selector(".notice")  # the answer page, not the one before
    assert page.locator("#answer-1").count() == 0
    page.screenshot(path=str(screenshot_dir() / "status-ar-desktop.png"), full_page=True)
