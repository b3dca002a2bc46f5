"""Rows stored before dates were bounded at intake (issue 12): a stay starting 9999-12-31
once made the coordinator's case page answer 500 (OverflowError). Now a clear message."""
from __future__ import annotations

from fastapi.testclient import TestClient

from api.auth import COOKIE, issue_token
from models.applications import sealed
from models.applications.tables import Applicant
from models.core.db import session_scope
from models.people.service import create_user
from tests.shelter import factories as f


def test_a_case_page_with_an_out_of_range_stay_answers_with_words(sqlite_url: str) -> None:
    with session_scope() as s:
        app = f.make_application(s, kind="shelter", to="matching")
        f.make_shelter(s)
        dek = sealed.data_key(s.get(Applicant, app.applicant_id))
        details = sealed.open_details(app, dek)
        details["request"]["from_date"] = "9999-12-31"  # as an unbounded intake stored it
        sealed.seal_details(app, dek, details)
        s.add(app)
        user, _, _ = create_user(s, email="sc.oldrows@example.invalid",
                                 role="shelter_coordinator", password="a-long-test-password")
        s.flush()
        token, app_id = issue_token(user)[0], app.id
    from api.app import create_app
    with TestClient(create_app()) as client:
        client.cookies.set(COOKIE, token)
        page = client.get(f"/staff/shelters/cases/{app_id}")
        assert page.status_code == 200
        assert "out of range" in page.text
        api = client.get(f"/api/v1/applications/{app_id}/matches",
                         headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 409 and api.json()["error"]["code"] == "dates_out_of_range"
