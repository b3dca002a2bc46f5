"""A day in the life of a defender, on the shared real server: she applies on the web form,
follows her case with the receipt, answers the question a caseworker asked (through the API),
and, once the panel has decided, sees the decision and the amount (EUR 2,000 where she asked
2,500). Her part is pages only; staff's parts go through the API. Phone and desktop
screenshots."""
from __future__ import annotations

import json
import uuid

import pytest

from tests.e2e.harness import wait_for
from tests.support.browser import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CASEWORKER = "caseworker@demo.amparo.invalid"
REVIEWERS = ("reviewer1@demo.amparo.invalid", "reviewer2@demo.amparo.invalid",
             "reviewer3@demo.amparo.invalid")


def shots(page, name: str) -> None:  # noqa: ANN001
    folder = screenshot_dir()
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(folder / f"day-defender-{name}-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"day-defender-{name}-desktop.png"), full_page=True)


def apply_for_a_grant(page, base: str, name: str, email: str) -> str:  # noqa: ANN001
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/apply/grant?lang=en")
    page.fill("#f-applicant-name", name)
    page.fill("#f-applicant-email", email)
    page.select_option("#f-applicant-country", "GT")
    page.fill("#f-threat-description", "Fictitious threat for a day-in-the-life test.")
    page.check("#f-threat-types-surveillance")
    page.select_option("#f-threat-perpetrator", "corporate")
    page.fill("#f-endorser-name", "Endorser Fictional Gamma")
    page.fill("#f-endorser-contact", "gamma@example.invalid")
    page.fill("#f-request-amount", "2500")
    page.fill("#f-request-purpose", "Locks and a camera for the office (test).")
    page.click("button.primary")
    page.wait_for_selector("#receipt")
    receipt = page.inner_text("#receipt").replace(" ", "-")
    shots(page, "receipt")
    page.check("#saved")
    page.click("button.primary")
    page.wait_for_url("**/apply/done?lang=*")
    return receipt


def open_status(page, base: str, receipt: str) -> str:  # noqa: ANN001
    page.goto(f"{base}/status?lang=en")
    page.fill("#receipt-input", receipt.lower())
    page.click("button.primary")
    page.wait_for_selector("h1")
    assert receipt not in page.url and "/status" in page.url
    return page.inner_text("main")


def case_id(desk, name: str) -> str:  # noqa: ANN001
    """The caseworker finds the case by the (fictional) name in her list."""
    answer = desk.get("/api/v1/applications?kind=grant", CASEWORKER).json()
    items = answer["items"] if isinstance(answer, dict) else answer
    found = [item["id"] for item in items if name in json.dumps(item)]
    assert len(found) == 1, "the case is not in the caseworker's list"
    return found[0]


def test_defender_day(desk, page) -> None:  # noqa: ANN001
    tag = uuid.uuid4().hex[:8]
    name, email = f"Testperson Day Defender {tag}", f"day.defender.{tag}@example.invalid"
    receipt = apply_for_a_grant(page, desk.url, name, email)
    wait_for(lambda: desk.status(receipt)["status"] == "in_review", timeout=120,
             what="the case to reach the panel")
    text = open_status(page, desk.url, receipt)
    assert "Being reviewed" in text and "Come back to this page" in text
    shots(page, "in-review")

    # a caseworker asks her a question (API); she answers it on her status page
    app_id = case_id(desk, name)
    asked = desk.post(f"/api/v1/applications/{app_id}/info-requests", CASEWORKER,
                      json={"question": "Which office will the locks protect? (test)"})
    assert asked.status_code == 201, asked.text
    text = open_status(page, desk.url, receipt)
    assert "Answer it below" in text and "Which office will the locks protect?" in text
    assert text.index("Answer it below") < text.index("Which office will the locks protect?")
    shots(page, "question")
    page.fill("#answer-1", "The collective's office in the fictional town (test).")
    page.click("form.box button.primary")
    page.wait_for_selector(".notice")
    text = page.inner_text("main")
    assert "Thank you. Your answer was sent." in text
    assert "Answer it below" not in text and "Thank you for answering it" in text
    assert page.locator("#answer-1").count() == 0
    shots(page, "answered")

    # the panel decides EUR 2,000 (API); she sees the decision and the amount
    wait_for(lambda: desk.status(receipt)["status"] == "in_review", what="the case resumed")
    for reviewer in REVIEWERS:
        vote = desk.post(f"/api/v1/applications/{app_id}/votes", reviewer,
                         json={"decision": "approve", "amount": 2000})
        assert vote.status_code == 200, vote.text
    wait_for(lambda: desk.status(receipt)["status"] in ("approved", "disbursing"),
             what="the decision")
    text = open_status(page, desk.url, receipt)
    assert "Amount decided" in text and "€2,000.00" in text
    assert "Amount you asked for" in text and "€2,500.00" in text
    assert "Your request has ended" not in text
    for private in (name, email, "Endorser Fictional Gamma"):  # docs/watched-phone.md
        assert private not in page.content()
    assert receipt.lower() not in page.inner_text("body").lower()  # in hidden fields only
    shots(page, "decided")
