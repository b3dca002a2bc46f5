"""An admin erases a person from the case page; other roles cannot."""
from __future__ import annotations

from fastapi.testclient import TestClient

from models.applications.tables import Applicant, Application
from models.core.db import session_scope
from tests.reviews import factories as f
from tests.staff_pages.test_pages import _csrf, login


def test_admin_erases_from_case_page(sqlite_url: str) -> None:
    with session_scope() as s:
        prog = f.programme(s)
        admin, admin_totp = f.staff(s, role="admin")
        caseworker, cw_totp = f.staff(s, role="caseworker")
        app_id = f.application(s, prog=prog, amount_minor=100_000).id
        emails = (admin.email, caseworker.email)
    from api.app import create_app
    with TestClient(create_app()) as client:
        login(client, emails[1], cw_totp)
        page = client.get(f"/staff/cases/{app_id}")
        assert "Erase personal data" not in page.text
        refused = client.post(f"/staff/cases/{app_id}/erase",
                              data={"csrf_token": _csrf(page.text), "confirm": "yes"})
        assert refused.status_code in (403, 303) or "not allowed" in refused.text.lower()
        client.cookies.clear()
        login(client, emails[0], admin_totp)
        page = client.get(f"/staff/cases/{app_id}")
        assert "Erase personal data" in page.text
        unconfirmed = client.post(f"/staff/cases/{app_id}/erase",
                                  data={"csrf_token": _csrf(page.text)})
        assert unconfirmed.status_code == 422
        done = client.post(f"/staff/cases/{app_id}/erase",
                           data={"csrf_token": _csrf(page.text), "confirm": "yes"})
        assert done.status_code == 200 and "was erased" in done.text
    with session_scope() as s:
        assert s.get(Applicant, s.get(Application, app_id).applicant_id).erased_at is not None
