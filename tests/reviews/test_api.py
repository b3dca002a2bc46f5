"""The reviews API: queue order and clocks, votes in major units, typed errors, info requests."""
from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient

from models.core.db import session_scope
from models.people.service import totp_secret_of
from tests.reviews import factories as f


@pytest.fixture
def api(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        prog = f.programme(s)
        # two on call: enough for the fast-track count, so the panel's third stays off it
        _, reviewers = f.panel(s, prog=prog, members=3, on_call=2)
        finance, fin_totp = f.staff(s, role="finance")
        low = f.application(s, prog=prog, priority=3, risk_level="low", due_in=timedelta(days=14))
        high_late = f.application(s, prog=prog, priority=1, due_in=timedelta(hours=70))
        high_soon = f.application(s, prog=prog, priority=1, due_in=timedelta(hours=2))
        # routed an hour ago: still within the on-call reviewers' window (reach.py)
        critical = f.application(s, prog=prog, priority=0, track="fast_track",
                                 risk_level="critical", due_in=timedelta(hours=23))
        creds = {"r1": (reviewers[0].email, totp_secret_of(reviewers[0])),
                 "r2": (reviewers[2].email, totp_secret_of(reviewers[2])),
                 "fin": (finance.email, fin_totp)}
        order = [critical.id, high_soon.id, high_late.id, low.id]
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, creds, order


def bearer(client: TestClient, email: str, secret: str) -> dict[str, str]:
    resp = client.post("/api/v1/auth/token", json={"username": email, "password": f.PASSWORD,
                                                   "otp": pyotp.TOTP(secret).now()})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def test_queue_most_urgent_first_with_clocks(api) -> None:  # noqa: ANN001
    client, creds, order = api
    on_call = bearer(client, *creds["r1"])
    items = client.get("/api/v1/reviews", headers=on_call).json()["items"]
    assert [i["application_id"] for i in items] == order
    assert 0 < items[1]["remaining_seconds"] <= 2 * 3600 and items[1]["voted"] is False
    off_call = bearer(client, *creds["r2"])
    assert [i["application_id"] for i in client.get("/api/v1/reviews", headers=off_call)
            .json()["items"]] == order[1:]  # fast track is for on-call reviewers only
    fin = bearer(client, *creds["fin"])
    assert client.get("/api/v1/reviews", headers=fin).status_code == 403


def test_votes_and_errors(api) -> None:  # noqa: ANN001
    client, creds, order = api
    r1 = bearer(client, *creds["r1"])
    resp = client.post(f"/api/v1/applications/{order[1]}/votes", headers=r1,
                       json={"decision": "approve", "amount": 2500.5})
    assert resp.status_code == 200, resp.text
    assert resp.json()["application_status"] == "in_review" and not resp.json()["decided"]
    items = client.get("/api/v1/reviews", headers=r1).json()["items"]
    assert [i["my_vote"] for i in items if i["application_id"] == order[1]] == ["approve"]
    bad = client.post(f"/api/v1/applications/{order[1]}/votes", headers=r1,
                      json={"decision": "approve", "amount": 1_000_000})
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["amount"]
    assert client.post(f"/api/v1/applications/{order[1]}/votes", headers=r1,
                       json={"decision": "yes"}).status_code == 422
    fin = bearer(client, *creds["fin"])
    refused = client.post(f"/api/v1/applications/{order[1]}/votes", headers=fin,
                          json={"decision": "approve", "amount": 10})
    assert refused.status_code == 403
    assert client.post("/api/v1/applications/nope/votes", headers=r1,
                       json={"decision": "abstain"}).status_code == 404


def test_info_request_pauses_the_clock(api) -> None:  # noqa: ANN001
    client, creds, order = api
    r2 = bearer(client, *creds["r2"])
    resp = client.post(f"/api/v1/applications/{order[2]}/info-requests", headers=r2,
                       json={"question": "Test question alpha?"})
    assert resp.status_code == 201, resp.text
    assert resp.json()["status"] == "info_requested"
    items = {i["application_id"]: i for i in client.get("/api/v1/reviews", headers=r2).json()["items"]}
    assert items[order[2]]["paused"] is True
    voted = client.post(f"/api/v1/applications/{order[2]}/votes", headers=r2,
                        json={"decision": "abstain"})
    assert voted.status_code == 409
    # Not on the panel's on-call rota: a fast-track case is not theirs to question.
    assert client.post(f"/api/v1/applications/{order[0]}/info-requests", headers=r2,
                       json={"question": "x"}).status_code == 403
