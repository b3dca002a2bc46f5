"""A defender gives her mobile-money details on /status in Chromium (issue 17): a real
uvicorn server, a wrong number explained and kept, then saved; her page shows only the last
digits. Screenshots (desktop and phone 390x844): test-artifacts/screenshots/payout-*.png."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.core.db import new_session, session_scope
from models.money.payout_repository import current
from models.money.payout_store import fields_of
from models.programmes.service import demo_programme, ensure_programme
from tests.applications.helpers import payload
from tests.support.browser import screenshot_dir
from tests.support.server import free_port
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def live(sqlite_url: str) -> Iterator[tuple[str, str, str]]:
    with session_scope() as s:
        ensure_programme(s, demo_programme())
        s.flush()
        done = submit_application(session=s, data=ApplicationIn.model_validate(
            payload(applicant={"country": "KE"})))
    from api.app import create_app
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", done.receipt, done.id
    server.should_exit = True
    thread.join(10)


def _open_status(page, base: str, receipt: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/status")
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Show my application").click()
    expect(page.get_by_role("heading", name="How you will be paid")).to_be_visible()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_she_enters_mobile_money_details_on_her_status_page(live, page, size: str) -> None:  # noqa: ANN001
    base, receipt, app_id = live
    shots = screenshot_dir()
    if size == "phone":
        page.set_viewport_size({"width": 390, "height": 844})
    _open_status(page, base, receipt)
    page.get_by_text("Mobile money", exact=True).click()  # opens the rail's form
    page.get_by_label("Mobile-money provider").select_option(label="M-Pesa")
    page.get_by_label("Mobile number that receives the money").fill("12345")
    page.screenshot(path=shots / f"payout-{size}-form.png", full_page=True)
    page.get_by_role("button", name="Save these details").first.click()
    expect(page.get_by_text("This is not a phone number we can use")).to_be_visible()
    field = page.get_by_label("Mobile number that receives the money")
    assert field.input_value() == "12345"  # what she typed is kept
    page.screenshot(path=shots / f"payout-{size}-error.png", full_page=True)
    field.fill("0700 000 001")
    page.get_by_role("button", name="Save these details").first.click()
    expect(page.get_by_text("Your payment details were saved")).to_be_visible()
    expect(page.get_by_text("ending in 0001")).to_be_visible()
    body = page.content()
    assert "700000001" not in body and "700 000 001" not in body
    if size == "phone":  # nothing wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=shots / f"payout-{size}-saved.png", full_page=True)
    with new_session() as s:
        assert fields_of(s, current(s, app_id)) == {"provider": "mpesa",
                                                    "phone": "+254700000001"}
