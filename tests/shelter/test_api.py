"""The shelter API's contract: roles, the encrypted address, 409s, the error shape."""
from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.auth import issue_token
from api.app import create_app
from models.core.db import session_scope
from models.people.service import create_user
from models.shelter.tables import Shelter
from tests.shelter.factories import SOON, make_application


@pytest.fixture
def api(sqlite_url: str):
    with session_scope() as session:
        users = {role: create_user(session, email=f"{role}@example.com", role=role)[0]
                 for role in ("shelter_coordinator", "reviewer", "finance", "admin")}
        early = make_application(session, to="risk_assessed", phone="+00 000 0301")
        ready = make_application(session, phone="+00 000 0302")
        ids = {"early": early.id, "ready": ready.id}
    headers = {role: {"Authorization": "Bearer " + issue_token(user)[0]}
               for role, user in users.items()}
    with TestClient(create_app()) as client:
        yield client, headers, ids


HOUSE = {"name": "Test House West", "country": "MX", "region": "Test Region", "beds": 2,
         "features": ["children"], "max_nights": 30, "address": "Test Street 7",
         "contact": "+00 000 0007"}


def test_address_is_encrypted_and_shown_to_coordinators_only(api) -> None:
    client, headers, _ = api
    r = client.post("/api/v1/shelters", json=HOUSE, headers=headers["shelter_coordinator"])
    assert r.status_code == 201 and set(r.json()) == {"id"}
    with session_scope() as session:
        row = session.get(Shelter, r.json()["id"])
        assert "Test Street" not in (row.address_enc or "") and row.address_enc
    listed = client.get("/api/v1/shelters", headers=headers["shelter_coordinator"]).json()
    assert listed["items"][0]["address"] == "Test Street 7"
    assert len(listed["items"][0]["free"]) == 14
    for role in ("reviewer", "finance", "admin"):
        assert client.get("/api/v1/shelters", headers=headers[role]).status_code == 403
    assert client.get("/api/v1/shelters").status_code == 401


def test_matches_and_holds_answer_409_before_matching(api) -> None:
    client, headers, ids = api
    sc = headers["shelter_coordinator"]
    house = client.post("/api/v1/shelters", json=HOUSE, headers=sc).json()["id"]
    r = client.get(f"/api/v1/applications/{ids['early']}/matches", headers=sc)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_matching"
    hold = {"shelter_id": house, "from_date": SOON.isoformat(), "nights": 2, "beds": 1}
    r = client.post(f"/api/v1/applications/{ids['early']}/holds", json=hold, headers=sc)
    assert r.status_code == 409
    r = client.post(f"/api/v1/applications/{ids['ready']}/holds",
                    json={**hold, "beds": 3}, headers=sc)
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_beds"
    r = client.post(f"/api/v1/applications/{ids['ready']}/holds", json={**hold, "nights": 0},
                    headers=sc)
    assert r.status_code == 422 and "nights" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/applications/{ids['ready']}/holds", json=hold, headers=sc)
    assert r.status_code == 201 and {"id", "expires_at"} <= set(r.json())
    cal = client.get(f"/api/v1/shelters/{house}?from={SOON.isoformat()}&nights=3",
                     headers=sc).json()["free"]
    assert [n["free"] for n in cal] == [1, 1, 2]
    closing = {"from_date": SOON.isoformat(), "to_date": (SOON + timedelta(days=1)).isoformat()}
    r = client.post(f"/api/v1/shelters/{house}/closed-nights", json=closing, headers=sc)
    assert r.status_code == 409  # a night with beds taken cannot be closed


def test_openapi_documents_the_additions(api) -> None:
    client, _, _ = api
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/placements/{placement_id}/check-in",
                 "/api/v1/placements/{placement_id}/extend",
                 "/api/v1/placements/{placement_id}/check-out",
                 "/api/v1/visa-cases/{case_id}/lodge", "/api/v1/relocations"):
        assert path in paths


def test_a_house_name_and_region_are_sealed_at_rest(api) -> None:
    """Read straight from the table, the name and region are ciphertext (issue 12)."""
    from sqlalchemy import text

    from models.core.db import session_scope
    client, headers, _ = api
    house = client.post("/api/v1/shelters", json=HOUSE, headers=headers["shelter_coordinator"])
    assert house.status_code == 201
    with session_scope(read_only=True) as s:
        row = s.execute(text("SELECT * FROM shelter WHERE id = :id"),
                        {"id": house.json()["id"]}).mappings().one()
    raw = " ".join(str(v) for v in row.values())
    assert HOUSE["name"] not in raw and HOUSE["region"] not in raw
    listed = client.get("/api/v1/shelters", headers=headers["shelter_coordinator"]).json()
    assert any(h["name"] == HOUSE["name"] and h["region"] == HOUSE["region"]
               for h in listed["items"])
