"""A shelter coordinator's day, through pages only, on the shared real server (issue 15).

A defender asks for a safe place for herself and her child, in her own words ("Ground
floor, one child uses a wheelchair"). The coordinator finds the case on her desk, reads the
needs as written and how to reach her, reads each house's fit in words (step-free access
first, no raw score), holds beds in the best house, confirms the placement, checks the
family in, and reads the house's nights as a calendar grid. Any missing action fails the
test (short timeouts). Screenshots on a phone and a desktop.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from tests.desks.conftest import sign_in_page
from tests.e2e.harness import wait_for
from tests.shelter.test_pages_browser import accessible
from tests.support.browser import screenshot_dir
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
COORDINATOR = "shelter@demo.amparo.invalid"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
NEEDS = "Ground floor, one child uses a wheelchair"


def _shots(page, name: str) -> None:  # noqa: ANN001
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=screenshot_dir() / f"day-shelter-{name}-{label}.png",
                        full_page=True)
    page.set_viewport_size(DESKTOP)


def _shelter_request(tag: str) -> dict:
    return {
        "kind": "shelter", "programme": "emergency", "language": "en",
        "applicant": {"name": f"Testperson Shelter {tag}",
                      "email": f"shelter-{tag}@example.invalid",
                      "phone": f"+00 {int(tag, 16) % 10**9:09d}", "country": "ZZ"},
        "threat": {"description": "Fictional threat description for tests.",
                   "types": ["death_threat"], "imminent": True, "perpetrator": "state"},
        "endorser": {"name": "Endorser Fictional", "organisation": "Test Network",
                     "contact": "endorser@example.invalid"},
        "request": {"people": 2, "children": 1, "needs": NEEDS, "nights": 14,
                    "from_date": (date.today() + timedelta(days=2)).isoformat()},
    }


def test_a_shelter_coordinators_day(desk, page) -> None:  # noqa: ANN001
    page.set_default_timeout(15_000)
    base, tag = desk.url, uuid.uuid4().hex[:10]
    body = _shelter_request(tag)
    r = desk.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.text
    case_id, receipt = r.json()["id"], r.json()["receipt"]
    wait_for(lambda: desk.status(receipt)["status"] == "matching", what="the case in matching")

    sign_in_page(page, desk, COORDINATOR)
    # 1. Her desk: the case waits to be matched.
    page.get_by_role("navigation").get_by_role("link", name="Shelters").click()
    page.wait_for_url("**/staff/shelters*")
    page.locator(f"#queue + table a[href='/staff/shelters/cases/{case_id}']").click()
    page.wait_for_url(f"**/staff/shelters/cases/{case_id}*")

    # 2. Her needs as she wrote them, and how to reach her (coordinators only).
    assert page.locator("#needs-text").inner_text().strip() == NEEDS
    contact = page.locator("#contact + p + dl").inner_text()
    assert body["applicant"]["phone"] in contact and body["applicant"]["email"] in contact
    assert body["applicant"]["name"] in contact

    # 3. Houses in words: a fit, not a score; step-free access because her words ask for it.
    ranked = page.locator("#ranked + table")
    text = ranked.inner_text()
    assert "score" not in text.lower()
    best = page.locator("#ranked + table tbody tr").first
    assert "Best fit" in best.inner_text()
    assert "Step-free access: her needs mention a wheelchair" in best.inner_text()
    assert "No step-free access" in text or "Cannot take this case" in text
    house_name = best.locator("td").first.inner_text().strip()
    _shots(page, "case")
    assert accessible(page)

    # 4. Hold beds in the best house, confirm the placement, check the family in.
    best.get_by_role("button", name="Hold 2 beds").click()
    assert "Beds are held." in page.locator(".flash").inner_text()
    page.get_by_role("button", name="Confirm the placement").click()
    assert "The placement is confirmed." in page.locator(".flash").inner_text()
    _shots(page, "placed")
    page.get_by_role("button", name="Check in").click()
    assert "Checked in." in page.locator(".flash").inner_text()
    expect(page.get_by_role("button", name="Check out")).to_be_visible()

    # 5. The house's nights as a grid: her nights show beds taken.
    page.get_by_role("navigation").get_by_role("link", name="Shelters").click()
    page.locator("a", has_text=house_name).first.click()
    grid = page.locator("table.nights")
    assert grid.locator("thead th").count() == 7
    assert grid.locator("td.night").count() == 28
    arrival = (date.today() + timedelta(days=2)).isoformat()
    assert "some" in (grid.locator(f"td[data-night='{arrival}']").get_attribute("class") or "") \
        or "full" in (grid.locator(f"td[data-night='{arrival}']").get_attribute("class") or "")
    _shots(page, "house-calendar")
    assert accessible(page)
    # 6. Two nights a month ahead closed for repairs, shown closed on the grid.
    closed_from = date.today() + timedelta(days=25)
    page.get_by_label("From").fill(closed_from.isoformat())
    page.get_by_label("Until (not included)").fill((closed_from + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Save").click()
    assert "The calendar was updated." in page.locator(".flash").inner_text()
    assert "closed" in (page.locator(f"td[data-night='{closed_from.isoformat()}']")
                        .get_attribute("class") or "")
    page.get_by_role("link", name="next 4 weeks").click()
    later = (date.today() + timedelta(days=28)).isoformat()
    assert page.locator(f"table.nights td[data-night='{later}']").count() == 1
    assert desk.status(receipt)["status"] == "checked_in"
