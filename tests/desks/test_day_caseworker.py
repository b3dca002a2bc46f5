"""A caseworker's day, through pages only, on the shared real server (issue 15).

She opens each case from the case list's search, and: sets aside a wrong "not eligible" and a
wrong "possible duplicate" with a reason (the cases go on to review), reads a question in
words with the defender's answer and opens the file she attached, writes a note, withdraws a
case with a reason and a confirmation, and on a paid case reads the payment and the
follow-ups with their dates, records a check-in and the report and closes the case. Any
missing action fails the test (short timeouts). Screenshots on a phone and a desktop.
"""
from __future__ import annotations

import pytest

from tests.casework.desk_cases import (PDF, answer_first_question, grant, paid_and_in_follow_up,
                                       person, submit, wait_status)
from tests.desks.conftest import sign_in_page
from tests.support.browser import screenshot_dir
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CASEWORKER = "caseworker@demo.amparo.invalid"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def _shots(page, name: str) -> None:  # noqa: ANN001
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=screenshot_dir() / f"day-caseworker-{name}-{label}.png",
                        full_page=True)
    page.set_viewport_size(DESKTOP)


def _open_case(page, base: str, app_id: str) -> None:  # noqa: ANN001
    """From the menu to the case, by the list's search (no typed URL)."""
    page.goto(f"{base}/staff/")
    page.get_by_role("navigation").get_by_role("link", name="Cases").click()
    page.get_by_label("Case id").fill(app_id)
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator(f"a[href='/staff/cases/{app_id}']").first.click()
    page.wait_for_url(f"**/staff/cases/{app_id}*")


def _status_tag(page) -> str:  # noqa: ANN001
    return page.locator("h1 .tag").inner_text().strip()


def _reload_until(page, check, tries: int = 60) -> None:  # noqa: ANN001
    for _ in range(tries):
        if check():
            return
        page.wait_for_timeout(1000)
        page.reload()
    raise AssertionError("the case page never showed the expected state")


def test_a_caseworkers_day(desk, page) -> None:  # noqa: ANN001
    page.set_default_timeout(15_000)
    base = desk.url
    # The morning's cases, as defenders sent them.
    over_cap, over_cap_receipt = submit(desk, grant(request={
        "amount": 50000, "currency": "EUR", "purpose": "Security measures for the office"}))
    twin = person()
    first, _ = submit(desk, grant(twin))
    second, second_receipt = submit(desk, grant(twin))
    asked, asked_receipt = submit(desk, grant(endorser=None))
    paid, paid_receipt = paid_and_in_follow_up(desk)
    wait_status(desk, over_cap_receipt, "ineligible")
    wait_status(desk, second_receipt, "needs_info")
    wait_status(desk, asked_receipt, "needs_info")

    sign_in_page(page, desk, CASEWORKER)

    # 1. "Not eligible" set aside with a reason; the case goes on to review.
    _open_case(page, base, over_cap)
    expect(page.get_by_role("heading", name="Not eligible after triage")).to_be_visible()
    expect(page.get_by_text("€50,000.00").first).to_be_visible()
    page.get_by_label("Reason to accept it for assessment anyway").fill("ab")
    page.get_by_role("button", name="Override: accept for assessment").click()
    expect(page.get_by_text("Write a reason of at least 5 characters.")).to_be_visible()
    assert page.get_by_label("Reason to accept it for assessment anyway").input_value() == "ab"
    _shots(page, "override-refused")
    page.get_by_label("Reason to accept it for assessment anyway").fill(
        "Test reason: the cap was raised for this crisis by the board")
    page.get_by_role("button", name="Override: accept for assessment").click()
    expect(page.get_by_text("The override is recorded with its reason.")).to_be_visible()
    expect(page.get_by_text("the cap was raised for this crisis")).to_be_visible()
    _reload_until(page, lambda: "review" in _status_tag(page))

    # 2. "Possible duplicate": a new need, not a copy.
    _open_case(page, base, second)
    expect(page.get_by_role("heading", name="Possible duplicate")).to_be_visible()
    expect(page.locator(f"a[href='/staff/cases/{first}']").first).to_be_visible()
    assert "code:" not in page.content()
    page.get_by_label("Why this is a new need, not a duplicate").fill(
        "Test reason: a second office was raided, a new need")
    page.get_by_role("button", name="Not a duplicate: go on").click()
    expect(page.get_by_text("The override is recorded with its reason.")).to_be_visible()
    _reload_until(page, lambda: "review" in _status_tag(page))

    # 3. A question in words, her answer and her file; a note; the case withdrawn.
    answer_first_question(desk, asked_receipt, "Test answer: Endorser Fictional, Test Network")
    _open_case(page, base, asked)
    expect(page.get_by_text("Who can vouch for you?")).to_be_visible()
    assert "code:endorser_missing" not in page.content()
    expect(page.get_by_text("Test answer: Endorser Fictional")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file she attached").click()
    assert open(download.value.path(), "rb").read() == PDF
    page.get_by_label("New note").fill("Test note: she called, the threat has passed")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Your note is saved.")).to_be_visible()
    expect(page.get_by_text("the threat has passed")).to_be_visible()
    page.get_by_label("Reason for withdrawing").fill("Test reason: she asked to withdraw by phone")
    page.get_by_role("button", name="Withdraw the case").click()  # the box is not ticked
    assert page.get_by_label("Reason for withdrawing").input_value().startswith("Test reason")
    page.get_by_label("I confirm: the case ends").check()
    page.get_by_role("button", name="Withdraw the case").click()
    expect(page.get_by_text("The case is withdrawn.")).to_be_visible()
    assert wait_status(desk, asked_receipt, "withdrawn") == "withdrawn"
    _shots(page, "withdrawn")

    # 4. A paid case in follow-up: payment, dates, a check-in, the report, closing it.
    _open_case(page, base, paid)
    payments = page.get_by_role("table", name="Payments")
    for words in ("€2,500.00", "Received", "Bank transfer"):
        expect(payments.get_by_role("cell", name=words, exact=True)).to_be_visible()
    followups = page.locator("ul.followups > li")
    assert followups.count() == 3
    expect(followups.nth(0).get_by_text("Check-in", exact=True)).to_be_visible()
    expect(followups.nth(2).get_by_text("Report on the use of funds", exact=True)).to_be_visible()
    assert "due " in followups.nth(0).inner_text()
    _shots(page, "follow-up")
    followups.nth(0).get_by_label("What the check-in found").fill("Test check-in: safe at home")
    followups.nth(0).get_by_role("button", name="Mark this check-in done").click()
    expect(page.get_by_text("The check-in is recorded.")).to_be_visible()
    followups = page.locator("ul.followups > li")
    followups.nth(2).get_by_label("Summary of the report").fill(
        "Test report: locks and cameras bought, receipts seen on a call")
    followups.nth(2).get_by_role("button", name="Record the report").click()
    expect(page.get_by_text("The report is recorded.")).to_be_visible()
    page.get_by_label("Reason for closing now").fill(
        "Test reason: she is safe; the last call is not needed")
    page.get_by_label("I confirm: the case ends").check()
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_text("The case is closed.")).to_be_visible()
    assert wait_status(desk, paid_receipt, "closed") == "closed"
    expect(page.locator("ul.followups").get_by_text("Cancelled", exact=True)).to_be_visible()
    _shots(page, "closed")
