"""A finance officer's day, through pages only, on the shared real server (issue 15, 17).

A defender's grant is decided by three reviewers over the API (as in the grant spine). Then
finance does her whole job from the pages: finds the payment in the list (its destination
masked), opens it, reads the rail's instructions, approves it on mobile money with the
number, sends the day's batch (the provider's CSV downloaded, the batch marked as sent),
uploads the provider's statement, reads what matched and confirms it; the defender's case
goes on to follow-up. Screenshots on a phone and a desktop.
"""
from __future__ import annotations

import csv
import io

import pytest

from tests.casework.desk_cases import grant, submit, wait_status
from tests.desks.conftest import sign_in_page
from tests.support.browser import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REVIEWERS = [f"reviewer{i}@demo.amparo.invalid" for i in (1, 2, 3)]
FINANCE = "finance2@demo.amparo.invalid"
NUMBER = "+00 999 555 0199"  # obviously fake
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def _shots(page, name: str) -> None:  # noqa: ANN001
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=screenshot_dir() / f"day-finance-{name}-{label}.png",
                        full_page=True)
    page.set_viewport_size(DESKTOP)


def _decided_grant(desk) -> tuple[str, str]:  # noqa: ANN001
    app_id, receipt = submit(desk, grant())
    wait_status(desk, receipt, "in_review")
    for who, amount in zip(REVIEWERS, (2500, 2000, 2500)):
        r = desk.post(f"/api/v1/applications/{app_id}/votes", who,
                      json={"decision": "approve", "amount": amount, "comment": "ok"})
        assert r.status_code in (200, 201), r.text
    wait_status(desk, receipt, "approved", "disbursing")
    return app_id, receipt


def _open_payment(page, base: str, app_id: str) -> None:  # noqa: ANN001
    """From finance's list, filtered to payments waiting for approval, to this grant's."""
    page.goto(f"{base}/staff/finance")
    page.select_option("#f-status", "draft")
    page.locator("form.filters button[type=submit]").click()
    row = page.locator("#disbursements tbody tr", has_text=app_id[:8])
    assert row.count() == 1
    assert "€2,500.00" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url("**/staff/finance/disbursements/*")


def test_a_finance_officers_day(desk, page, tmp_path) -> None:  # noqa: ANN001
    page.set_default_timeout(15_000)
    base = desk.url
    app_id, receipt = _decided_grant(desk)
    sign_in_page(page, desk, FINANCE)

    # 1. The payment: approved on mobile money with the number she gave by phone.
    _open_payment(page, base, app_id)
    page.select_option("#a-rail", "mobile_money")
    page.fill("#a-dest", NUMBER)
    page.get_by_role("button", name="Approve", exact=True).click()
    assert "Your approval is recorded." in page.inner_text("main")
    assert page.inner_text("#status").startswith("Approved")
    assert page.inner_text("#destination") == NUMBER  # whole on her payment's page
    assert "mobile-money number" in page.inner_text("#instructions")
    reference = page.inner_text("#payment-reference").strip()
    assert reference.startswith("AMP-")
    _shots(page, "approved")

    # 2. The day's batch: the provider's file, then marked as sent.
    page.goto(f"{base}/staff/finance")
    assert NUMBER not in page.inner_text("#disbursements")  # lists mask it
    page.click("#to-batches")
    page.select_option("#b-rail", "mobile_money")
    page.locator("form.filters button[type=submit]").click()
    row = page.locator("#batch tbody tr", has_text=reference)
    assert "•••• 0199" in row.inner_text() and NUMBER not in page.content()
    _shots(page, "batch")
    page.select_option("#b-format", "kotani_mobile_money")
    with page.expect_download() as info:
        page.click("#export-batch")
    rows = list(csv.reader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    ours = next(r for r in rows if reference in r)
    assert rows[0][2] == "recipient_phone" and ours[2] == "009995550199"
    assert ours[3] == "2500.00" and ours[4] == "EUR"
    page.click("#mark-batch-sent")
    assert "Marked as sent:" in page.inner_text("#batch-flash")

    # 3. The provider's statement: uploaded, read, the matched payment confirmed.
    statement = ("Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn\n"
                 f"RDAY1,2026-12-01 09:00,Business Payment {reference},Completed,,2500.00\n"
                 "RDAY2,2026-12-01 09:05,Business Payment to someone else,Completed,,40.00\n")
    page.click("text=Statements (manual rails)")
    page.select_option("#s-rail", "mobile_money")
    page.select_option("#s-preset", "mobile_money_mpesa")
    page.set_input_files("#s-file", files=[{"name": "statement.csv", "mimeType": "text/csv",
                                            "buffer": statement.encode()}])
    page.click("#upload-statement")
    assert reference in page.inner_text("#matched")
    assert "No payment of ours" in page.inner_text("#unmatched-lines")
    _shots(page, "statement")
    page.click("#confirm-matched")
    assert "Payments confirmed: 1" in page.inner_text("#statement-flash")
    page.locator("#matched a").first.click()
    assert page.inner_text("#status").startswith("Arrived")
    _shots(page, "confirmed")
    wait_status(desk, receipt, "follow_up")
