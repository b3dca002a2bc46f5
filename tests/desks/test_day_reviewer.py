"""A reviewer's day, through pages only, on the shared real server (issue 15).

From her queue she opens a grant, asks the defender a question, and once the answer and a
file have come back she reads both on the case page (above the vote form), opens the file,
and votes. Any missing action fails the test. Screenshots on a phone and a desktop.
"""
from __future__ import annotations

import pytest

from tests.casework.desk_cases import PDF, answer_first_question, grant, submit, wait_status
from tests.desks.conftest import sign_in_page
from tests.support.browser import screenshot_dir
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REVIEWER = "reviewer1@demo.amparo.invalid"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def _shots(page, name: str) -> None:  # noqa: ANN001
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=screenshot_dir() / f"day-reviewer-{name}-{label}.png",
                        full_page=True)
    page.set_viewport_size(DESKTOP)


def _open_from_queue(page, base: str, app_id: str, *, answered: bool = False) -> None:  # noqa: ANN001
    page.goto(f"{base}/staff/")
    page.get_by_role("navigation").get_by_role("link", name="Review queue").click()
    page.get_by_label("Case id").fill(app_id)
    page.get_by_role("button", name="Search", exact=True).click()
    row = page.locator("tr", has=page.locator(f"a[href='/staff/cases/{app_id}']"))
    assert (row.get_by_text("She answered a question").count() == 1) is answered
    row.locator(f"a[href='/staff/cases/{app_id}']").first.click()
    page.wait_for_url(f"**/staff/cases/{app_id}*")


def test_a_reviewers_day(desk, page) -> None:  # noqa: ANN001
    page.set_default_timeout(15_000)
    app_id, receipt = submit(desk, grant())
    wait_status(desk, receipt, "in_review")
    sign_in_page(page, desk, REVIEWER)

    # Before voting she wants to know more: a question to the defender.
    _open_from_queue(page, desk.url, app_id)
    expect(page.get_by_text("She has uploaded no document.")).to_be_visible()
    assert page.get_by_role("heading", name="Case notes").count() == 0  # not for reviewers
    page.get_by_label("Question (the applicant sees it").fill(
        "Test question: which doors and locks, and from which supplier?")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("Your question was sent to the applicant.")).to_be_visible()

    # The defender answers with her receipt and attaches a quote.
    answer_first_question(desk, receipt, "Test answer: two steel doors, Fictional Locks Ltd")
    wait_status(desk, receipt, "in_review")

    # Back from her queue, where the case says she answered: the answer and the file,
    # above the vote form.
    _open_from_queue(page, desk.url, app_id, answered=True)
    answer = page.get_by_text("Test answer: two steel doors")
    expect(answer).to_be_visible()
    expect(page.get_by_text("which doors and locks")).to_be_visible()
    documents = page.get_by_role("table", name="Her documents")
    expect(documents.get_by_role("cell", name="Attached to an answer")).to_be_visible()
    vote_box = page.get_by_role("heading", name="Your vote").bounding_box()
    assert answer.bounding_box()["y"] < vote_box["y"]
    assert documents.bounding_box()["y"] < vote_box["y"]
    _shots(page, "answers")
    with page.expect_download() as download:
        documents.get_by_role("link", name="Download document 1").click()
    assert open(download.value.path(), "rb").read() == PDF

    # Her vote.
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Amount to approve").fill("2000")
    page.get_by_label("Comment for the panel").fill("Test comment: the quote is reasonable")
    page.get_by_role("button", name="Cast vote").click()
    expect(page.get_by_text("Your vote is recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="Approve", exact=True)).to_be_visible()
    _shots(page, "voted")
