"""A visa officer's day, through pages only, on the shared real server (issue 15).

A defender asks for a humanitarian visa; her passport runs out in four months and her
journey is twelve days away. The officer reads the case before the panel decides (a
rejection would need a reason and a confirmation), opens the checklist, files a scan for
each document (no "received" without a file), ticks them all and accepts them in one submit
— refused while a warning is open — overrides both warnings with a reason, approves the
dossier, lodges it, books the appointment, records the grant, and links the defender's
shelter case as one relocation by choosing it from her cases. Any missing action fails the
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

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OFFICER = "visa@demo.amparo.invalid"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n% test scan for the visa desk\n%%EOF\n"
PURPOSE = "Fictional purpose: a few months away from the threat (test)."


def _shots(page, name: str) -> None:  # noqa: ANN001
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=screenshot_dir() / f"day-visa-{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def _person(tag: str) -> dict[str, str]:
    return {"name": f"Testperson Visa {tag}", "email": f"visa-{tag}@example.invalid",
            "phone": f"+00 {int(tag, 16) % 10**9:09d}", "country": "ZZ"}


def _application(kind: str, who: dict[str, str], request: dict) -> dict:
    return {"kind": kind, "programme": "emergency", "language": "en", "applicant": who,
            "threat": {"description": "Fictional threat description for tests.",
                       "types": ["death_threat"], "imminent": True, "perpetrator": "state"},
            "endorser": {"name": "Endorser Fictional", "organisation": "Test Network",
                         "contact": "endorser@example.invalid"},
            "request": request}


def _submit(desk, body: dict) -> tuple[str, str]:  # noqa: ANN001
    r = desk.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["receipt"]


def _flash(page) -> str:  # noqa: ANN001
    return page.locator(".flash").inner_text()


def test_a_visa_officers_day(desk, page) -> None:  # noqa: ANN001
    page.set_default_timeout(15_000)
    today = date.today()
    who = _person(uuid.uuid4().hex[:10])
    visa_id, receipt = _submit(desk, _application("visa", who, {
        "destination_country": "IE", "family_members": 0, "purpose": PURPOSE,
        "passport_valid_until": (today + timedelta(days=120)).isoformat()}))
    wait_for(lambda: desk.status(receipt)["status"] == "in_review", what="the visa in review")
    shelter_id, _ = _submit(desk, _application("shelter", who, {
        "people": 1, "nights": 30, "from_date": (today + timedelta(days=20)).isoformat()}))

    sign_in_page(page, desk, OFFICER)
    # 1. The new case, read before the panel decides.
    page.get_by_role("navigation").get_by_role("link", name="Visas").click()
    page.wait_for_url("**/staff/visas*")
    page.locator(f"#review + table a[href='/staff/visas/review/{visa_id}']").click()
    assert PURPOSE in page.locator("dl.facts").first.inner_text()
    assert who["phone"] in page.locator("#reach + dl").inner_text()  # how to reach her
    assert "expires less than 6 months after the arrival" in page.locator("#flags + ul") \
        .inner_text()
    page.get_by_label("Reason for rejecting").select_option("other_route_better")
    page.get_by_role("button", name="Reject the request").click()
    assert "Tick the box to confirm." in page.locator("main").inner_text()  # nothing ended
    _shots(page, "review")
    assert accessible(page)
    page.get_by_role("button", name="Open the checklist").click()
    assert "The panel's decision is recorded." in _flash(page)
    case_url = page.url.split("?")[0]

    # 2. A scan for every required document: the file makes it "received".
    rows = page.locator("#checklist + table tbody tr")
    codes = [rows.nth(i).get_attribute("data-code") for i in range(rows.count())]
    for code in codes:
        row = page.locator(f"#checklist + table tbody tr[data-code='{code}']")
        if "(optional)" in row.inner_text():
            continue
        row.locator("input[type=file]").set_input_files(files=[{
            "name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        row.get_by_role("button", name="Upload: received").click()
        assert "The checklist is updated." in _flash(page)
    # 3. The journey in 12 days: inside the embassy's 15-day lead time.
    page.get_by_label("Planned journey (from the itinerary)").fill(
        (today + timedelta(days=12)).isoformat())
    page.get_by_role("button", name="Save the date").click()
    warnings = page.locator("#warnings + ul").inner_text()
    assert "less than 15 days ahead" in warnings and "less than 6 months" in warnings

    # 4. All ticked and accepted in one submit: refused while a warning is open.
    def tick_required_and_accept() -> None:
        for code in codes:
            row = page.locator(f"#checklist + table tbody tr[data-code='{code}']")
            if "(optional)" not in row.inner_text():
                row.locator("input[type=checkbox]").check()
        page.get_by_label("With the chosen documents").select_option("accepted")
        page.get_by_role("button", name="Apply to the chosen documents").click()

    tick_required_and_accept()
    assert "override it with a reason" in page.locator(".error").inner_text()
    _shots(page, "checklist-blocked")
    assert accessible(page)
    for code, reason in (("passport_too_short", "renewal_under_way"),
                         ("travel_too_soon", "urgent_procedure")):
        page.locator(f"#why-{code}").select_option(reason)
        page.locator(f"form:has(#why-{code})").get_by_role(
            "button", name="Override with this reason").click()
        assert "your reason is recorded" in _flash(page)
    tick_required_and_accept()
    assert "The chosen documents are updated." in _flash(page)
    required = sum("(optional)" not in page.locator(
        f"#checklist + table tbody tr[data-code='{c}']").inner_text() for c in codes)
    assert f"{required}/{required} accepted" in page.locator("#checklist").inner_text()
    _shots(page, "checklist-done")

    # 5. The dossier approved, lodged, the appointment booked, the visa granted.
    page.get_by_role("button", name="Approve the dossier (visa panel)").click()
    assert "The dossier is approved" in _flash(page)
    page.get_by_label("Embassy of (country, 2 letters)").fill("IE")
    page.get_by_label("Lodged on").fill(today.isoformat())
    page.get_by_role("button", name="Lodge", exact=True).click()
    assert "Lodged." in _flash(page)
    page.get_by_label("Date and time (UTC)").fill(f"{(today + timedelta(days=3)).isoformat()}T10:30")
    page.get_by_label("In (country, 2 letters)").fill("IE")
    page.get_by_role("button", name="Save the appointment").click()
    assert "The appointment is saved." in _flash(page)
    page.get_by_label("Valid from").fill((today + timedelta(days=10)).isoformat())
    page.get_by_label("Valid until").fill((today + timedelta(days=100)).isoformat())
    page.get_by_role("button", name="Granted", exact=True).click()
    assert "The decision is recorded." in _flash(page)
    assert desk.status(receipt)["status"] == "granted"

    # 6. Her shelter case linked as one relocation, chosen from her own cases.
    page.get_by_role("navigation").get_by_role("link", name="Visas").click()
    page.locator(f"#cases + table a[href='{case_url.split(desk.url)[-1]}']").click()
    page.locator(f"input[name=shelter_application_id][value='{shelter_id}']").check()
    _shots(page, "relocation-choice")
    page.get_by_role("button", name="Link as one relocation").click()
    assert "The relocation is linked." in _flash(page)
    assert shelter_id[:8] in page.locator("main").inner_text()
    _shots(page, "relocation")
