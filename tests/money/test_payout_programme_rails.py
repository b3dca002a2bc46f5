"""Issue 17: the rails her *programme* offers in her country — a programme narrows the rails
(a rule like the others, versioned); intake, the receipt route and her status page follow it;
the admin sets it from the programme's page."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient

from models.core.db import new_session
from models.money.payout_rules import rails_offered
from models.programmes.schemas import ProgrammePatch
from models.programmes.service import change_programme, forget_programmes
from tests.money.test_payout_api import BANK, MOBILE, apply, client, send_later  # noqa: F401


def test_rails_offered_by_country_and_programme() -> None:
    assert "mobile_money" in rails_offered("KE")
    assert rails_offered("KE", ["bank_wire", "mobile_money"]) == ("mobile_money", "bank_wire")
    assert rails_offered("DE", ["mobile_money"]) == ()  # no mobile money where she lives


def _only_bank() -> None:
    with new_session() as s:
        change_programme(s, slug="emergency", actor_id="admin-test", data=ProgrammePatch(
            payout_rails=["bank_wire"], reason="bank transfers only this year"))
        s.commit()
    forget_programmes()


def test_a_programme_that_pays_by_bank_only(client: TestClient) -> None:  # noqa: F811
    _only_bank()
    body_ok = apply(client, payout=BANK)
    status = client.post("/api/v1/status", json={"receipt": body_ok["receipt"]}).json()
    assert status["payout"]["offered"] == ["bank_wire"]
    from tests.applications.helpers import payload
    refused = client.post("/api/v1/applications",
                          json={**payload(applicant={"country": "KE"}), "payout": MOBILE})
    assert refused.status_code == 422 and "payout.rail" in refused.json()["error"]["fields"]
    later = send_later(client, body_ok["receipt"], MOBILE)
    assert later.status_code == 422


def test_the_admin_narrows_the_rails_on_the_programme_page(sqlite_url: str) -> None:
    from tests.programmes.test_pages import _csrf, login
    from tests.reviews import factories as f
    from models.core.db import session_scope
    from models.people.service import totp_secret_of
    with session_scope() as s:
        prog = f.programme(s)
        f.panel(s, prog=prog, members=3)
        admin = f.staff(s, role="admin")[0]
        creds, slug = (admin.email, totp_secret_of(admin)), prog.slug
    from api.app import create_app
    with TestClient(create_app()) as web:
        login(web, *creds)
        page = web.get(f"/staff/programmes/{slug}")
        boxes = re.findall(r'name="payout_rails" value="([^"]+)" checked', page.text)
        assert len(boxes) == 6  # none set: every rail
        data = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" type="[^"]+" value="([^"]*)"',
                               page.text))
        data.update({"csrf_token": _csrf(page.text), "kinds": ["grant"], "active": "on",
                     "reason": "narrow the rails", "payout_rails_shown": "1"})
        none = web.post(f"/staff/programmes/{slug}", data=data)
        assert none.status_code == 422 and "Choose at least one" in none.text
        saved = web.post(f"/staff/programmes/{slug}", follow_redirects=False,
                         data={**data, "payout_rails": ["bank_wire", "vendor_direct"]})
        assert saved.status_code == 303
        after = web.get(f"/staff/programmes/{slug}").text
        assert re.findall(r'name="payout_rails" value="([^"]+)" checked', after) == \
            ["bank_wire", "vendor_direct"]
