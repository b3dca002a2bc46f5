"""The finance pages in Chromium: filters, the drawn charts, CSV export, an approval by form;
finance sending a mobile-money batch and reconciling it with the provider's statement; with
screenshots saved (test-artifacts/screenshots/finance-*.png, desktop and phone)."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import uvicorn

from api.auth import COOKIE, issue_token
from models.core.base import utcnow
from models.core.db import session_scope
from models.money import outcomes, service
from models.money.tables import Disbursement
from tests.money import factories as f
from tests.money.conftest import money_app
from tests.support.browser import screenshot_dir
from tests.support.server import free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def live_url(sqlite_url: str) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(money_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _history() -> tuple[str, str]:
    """Confirmed money over several weeks, one approved-unsent, one draft; a finance token."""
    with session_scope() as session:
        prog = f.programme(session)
        a, b = f.staff(session, n=2)
        for weeks_ago, rail in ((5, "bank_wire"), (3, "mobile_money"), (1, "bank_wire"),
                                (0, "cash_via_partner")):
            [d] = service.create_disbursements(session=session, application=f.grant(
                session, prog=prog, amount=100_000 + weeks_ago * 50_000))
            service.approve(session=session, disbursement_id=d.id, user_id=a.id,
                            role="finance", rail=rail, destination=f"test-dest-{weeks_ago}")
            outcomes.confirm_manual(session=session, disbursement_id=d.id, user_id=b.id,
                                    role="finance", reference="REF-TEST")
            when = utcnow() - timedelta(weeks=weeks_ago)
            d.created_at, d.approved_at = when - timedelta(days=2), when - timedelta(hours=30)
            d.confirmed_at = when
            session.add(d)
        [unsent] = service.create_disbursements(session=session,
                                                application=f.grant(session, prog=prog))
        service.approve(session=session, disbursement_id=unsent.id, user_id=a.id,
                        role="finance", rail="money_transfer_agent",
                        destination="Test Pickup, Test City")
        [draft] = service.create_disbursements(session=session,
                                               application=f.grant(session, prog=prog))
        return draft.id, issue_token(b)[0]


def test_finance_pages_in_the_browser(live_url, page):
    draft_id, token = _history()
    page.context.add_cookies([{"name": COOKIE, "value": token, "url": live_url}])
    page.goto(live_url + "/staff/finance")
    assert page.locator("#chart-weekly-eur rect").count() == 12
    assert page.locator("#chart-timing rect").count() == 4
    assert page.locator("#disbursements tbody tr").count() == 6
    assert "Money transfer agent" in page.locator("#unsent").inner_text()
    page.screenshot(path=str(screenshot_dir() / "finance-overview.png"), full_page=True)

    page.select_option("#f-status", "confirmed")
    page.select_option("#f-rail", "bank_wire")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**status=confirmed**")
    statuses = page.locator("#disbursements tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.status, r.dataset.rail])")
    assert statuses == [["confirmed", "bank_wire"]] * 2

    with page.expect_download() as info:
        page.click("#export-csv")
    lines = open(info.value.path(), encoding="utf-8").read().strip().splitlines()
    assert len(lines) == 3 and all(",confirmed," in row and ",bank_wire," in row
                                   for row in lines[1:])

    page.goto(f"{live_url}/staff/finance/disbursements/{draft_id}")
    page.select_option("#a-rail", "vendor_direct")
    page.fill("#a-dest", "vendor-test-0001")
    page.click("form[action$='/approve'] button")
    assert "Your approval is recorded." in page.inner_text("main")
    assert page.inner_text("#status").startswith("Approved")
    page.screenshot(path=str(screenshot_dir() / "finance-disbursement.png"), full_page=True)
    with session_scope() as session:
        assert session.get(Disbursement, draft_id).status == "approved"


def _batch() -> tuple[list[str], str]:
    """Two approved mobile-money payments (fake numbers) and a finance token."""
    with session_scope() as session:
        prog = f.programme(session)
        a, b = f.staff(session, n=2)
        ids = []
        for i in range(2):
            [d] = service.create_disbursements(session=session, application=f.grant(
                session, prog=prog, amount=120_000 + i * 10_000))
            service.approve(session=session, disbursement_id=d.id, user_id=a.id,
                            role="finance", rail="mobile_money",
                            destination=f"+009995550{i:03d}")
            ids.append(d.id)
        return ids, issue_token(b)[0]


def test_finance_sends_and_reconciles_a_batch(live_url, page):
    from models.money.batches import payment_reference
    ids, token = _batch()
    page.context.add_cookies([{"name": COOKIE, "value": token, "url": live_url}])
    page.goto(live_url + "/staff/finance")
    page.click("#to-batches")
    page.select_option("#b-rail", "mobile_money")
    page.click("form.filters button[type=submit]")
    assert page.locator("#batch tbody tr").count() == 2
    assert "•••• 0000" in page.inner_text("#batch") and "+009995550000" not in page.content()
    page.screenshot(path=str(screenshot_dir() / "finance-batch.png"), full_page=True)
    page.select_option("#b-format", "kotani_mobile_money")
    with page.expect_download() as info:
        page.click("#export-batch")
    lines = open(info.value.path(), encoding="utf-8").read().strip().splitlines()
    assert lines[0].startswith("recipient_name,") and len(lines) == 3
    page.click("#mark-batch-sent")
    assert "Marked as sent: 2" in page.inner_text("main")

    statement = ("Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn\n"
                 f"RX1,2026-12-01,Payment {payment_reference(ids[0])},Completed,,1200.00\n"
                 f"RX2,2026-12-01,Payment {payment_reference(ids[1])},Completed,,1250.00\n")
    page.goto(live_url + "/staff/finance/statements")
    page.select_option("#s-rail", "mobile_money")
    page.select_option("#s-preset", "mobile_money_mpesa")
    page.set_input_files("#s-file", files=[{"name": "statement.csv", "mimeType": "text/csv",
                                            "buffer": statement.encode()}])
    page.click("#upload-statement")
    assert page.locator("#matched tbody tr[data-outcome=matched]").count() == 1
    assert page.locator("#differs tbody tr[data-outcome=amount_differs]").count() == 1
    page.screenshot(path=str(screenshot_dir() / "finance-statement.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_dir() / "finance-statement-phone.png"), full_page=True)
    page.click("#confirm-matched")
    assert "Payments confirmed: 1" in page.inner_text("main")
    with session_scope() as session:
        assert [session.get(Disbursement, i).status for i in ids] == ["confirmed", "sent"]
