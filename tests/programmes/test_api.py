"""The programmes API of CONTRACT.md: roles, create, versions with who and why, validation,
the panel; a case keeps the version it was routed under."""
from __future__ import annotations

import json

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.applications import routing
from models.applications.tables import Application
from models.core.audit import AuditEvent
from models.core.db import session_scope
from models.people.service import totp_secret_of
from models.programmes.service import programme_as_routed
from models.programmes.tables import Programme, ProgrammeVersion
from models.reviews.reach import reach
from tests.reviews import factories as f

NEW = {"slug": "relocation-2027", "name": "Temporary relocation", "currency": "usd",
       "cap": 8000.5, "kinds": ["shelter", "grant"], "quorum": 2, "fast_track_approvals": 1,
       "finance_single_approval_max": 3000, "tranche_above": None,
       "decision_hours": {"critical": 12, "high": 48, "medium": 120, "low": 240},
       "countries": ["gt", "HN"]}


@pytest.fixture
def api(db_url: str):  # noqa: ANN201
    with session_scope() as s:
        prog = f.programme(s)
        _, reviewers = f.panel(s, prog=prog, members=3, on_call=2)
        people = {role: f.staff(s, role=role)[0]
                  for role in ("admin", "caseworker", "finance", "shelter_coordinator")}
        people["reviewer"] = reviewers[0]
        creds = {role: (u.email, totp_secret_of(u)) for role, u in people.items()}
        ids = {"reviewers": [u.id for u in reviewers], "admin": people["admin"].id,
               "finance": people["finance"].id}
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, {role: bearer(client, *c) for role, c in creds.items()}, ids


def bearer(client: TestClient, email: str, secret: str) -> dict[str, str]:
    resp = client.post("/api/v1/auth/token", json={"username": email, "password": f.PASSWORD,
                                                   "otp": pyotp.TOTP(secret).now()})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def test_roles(api) -> None:  # noqa: ANN001
    client, h, _ = api
    for role in ("admin", "caseworker"):
        items = client.get("/api/v1/programmes", headers=h[role]).json()["items"]
        assert [p["slug"] for p in items] == ["emergency"]
        one = client.get("/api/v1/programmes/emergency", headers=h[role]).json()
        assert one["cap"] == 10000 and one["currency"] == "EUR" and one["version"] == 1
        assert one["finance_single_approval_max"] == 5000 and one["tranche_above"] == 6000
        assert one["decision_hours"] == {"critical": 24, "high": 72, "medium": 168, "low": 336}
    for role in ("reviewer", "finance", "shelter_coordinator"):
        assert client.get("/api/v1/programmes", headers=h[role]).status_code == 403
        assert client.get("/api/v1/programmes/emergency", headers=h[role]).status_code == 403
    assert client.get("/api/v1/programmes").status_code == 401
    for role in ("caseworker", "reviewer", "finance"):
        assert client.post("/api/v1/programmes", headers=h[role], json=NEW).status_code == 403
        assert client.patch("/api/v1/programmes/emergency", headers=h[role],
                            json={"cap": 1, "reason": "x"}).status_code == 403
        assert client.put("/api/v1/programmes/emergency/panel", headers=h[role],
                          json={"members": []}).status_code == 403


def test_create_then_patch_makes_versions_audited(api) -> None:  # noqa: ANN001
    client, h, ids = api
    created = client.post("/api/v1/programmes", headers=h["admin"], json=NEW)
    assert created.status_code == 201, created.text
    assert created.json() == {"slug": "relocation-2027", "version": 1}
    assert client.post("/api/v1/programmes", headers=h["admin"], json=NEW).status_code == 409
    shown = client.get("/api/v1/programmes/relocation-2027", headers=h["admin"]).json()
    assert shown["currency"] == "USD" and shown["cap"] == 8000.5
    assert shown["kinds"] == ["grant", "shelter"] and shown["countries"] == ["GT", "HN"]
    assert shown["tranche_above"] is None and shown["active"] is True
    assert shown["report_days"] == 90 and shown["hold_hours"] == 24  # the defaults

    first = client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                         json={"cap": 12000, "reason": "board decision of March"})
    assert first.status_code == 200, first.text and first.json() == {"slug": "emergency",
                                                                      "version": 2}
    second = client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                          json={"decision_hours": {"critical": 12, "high": 48, "medium": 96,
                                                   "low": 200},
                                "reason": "faster answers"})
    assert second.json()["version"] == 3
    same = client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                        json={"cap": 12000, "reason": "no change"})
    assert same.json()["version"] == 3  # nothing changed: no new version
    now = client.get("/api/v1/programmes/emergency", headers=h["caseworker"]).json()
    assert now["cap"] == 12000 and now["decision_hours"]["critical"] == 12
    versions = client.get("/api/v1/programmes/emergency/versions",
                          headers=h["admin"]).json()["items"]
    assert [v["number"] for v in versions] == [1, 2, 3]
    assert versions[0]["rules"]["cap"] == 10000 and versions[1]["rules"]["cap"] == 12000
    assert [v["reason"] for v in versions[1:]] == ["board decision of March", "faster answers"]
    assert {v["actor_id"] for v in versions[1:]} == {ids["admin"]}
    with session_scope() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "programme.changed")
                        .order_by(AuditEvent.seq)).all()
        assert [e.actor for e in events] == [ids["admin"]] * 2
        data = [json.loads(e.data) for e in events]
        assert [d["version"] for d in data] == [2, 3] and data[0]["fields"] == ["cap"]
        why = s.get(ProgrammeVersion, data[0]["version_id"])
        assert why.reason == "board decision of March" and why.actor_id == ids["admin"]
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "programme.created")).one()


def test_validation_errors_name_the_field(api) -> None:  # noqa: ANN001
    client, h, _ = api

    def refused(body: dict, method: str = "patch") -> dict:
        if method == "patch":
            resp = client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                                json={"reason": "test", **body})
        else:
            resp = client.post("/api/v1/programmes", headers=h["admin"], json={**NEW, **body})
        assert resp.status_code == 422, resp.text
        return resp.json()["error"]

    quorum = refused({"quorum": 5})
    assert quorum["fields"] == {"quorum": "the panel has 3 active reviewers"}
    assert "the panel has 3 active reviewers" in quorum["message"]
    assert refused({"fast_track_approvals": 4})["fields"]["fast_track_approvals"]
    assert "quorum" in refused({"quorum": 0})["fields"]
    assert "currency" in refused({"currency": "XYZ"})["fields"]
    assert "cap" in refused({"cap": 0})["fields"]
    assert "cap" in refused({"cap": -5})["fields"]
    assert "cap" in refused({"cap": 10.001})["fields"]  # EUR has two decimals
    assert "decision_hours" in refused({"decision_hours": {"critical": 100, "high": 48,
                                                           "medium": 96, "low": 200}})["fields"]
    assert any(k.startswith("decision_hours") for k in refused(
        {"decision_hours": {"critical": 0, "high": 48, "medium": 96, "low": 200}})["fields"])
    assert "kinds" in refused({"kinds": ["loan"]})["fields"]
    assert "countries" in refused({"countries": ["XX"]})["fields"]
    assert "risk_weights" in refused({"risk_weights": {"levels": {"critical": 10, "high": 45,
                                                                  "medium": 25}}})["fields"]
    assert "reason" in client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                                    json={"cap": 5}).json()["error"]["fields"]
    assert "slug" in refused({"slug": "Bad Slug!"}, "post")["fields"]
    assert "slug" in refused({"slug": "x"}, "post")["fields"]
    assert "name" in refused({"name": ""}, "post")["fields"]
    assert client.patch("/api/v1/programmes/nope", headers=h["admin"],
                        json={"cap": 5, "reason": "x"}).status_code == 404
    assert client.get("/api/v1/programmes/emergency", headers=h["admin"]).json()["version"] == 1


def test_panel_put(api) -> None:  # noqa: ANN001
    client, h, ids = api
    r = ids["reviewers"]
    resp = client.put("/api/v1/programmes/emergency/panel", headers=h["admin"], json={
        "members": [{"staff_id": r[0], "on_call": True, "chair": False},
                    {"staff_id": r[1], "on_call": False, "chair": True},
                    {"staff_id": r[2], "on_call": True, "chair": False}]})
    assert resp.status_code == 200, resp.text
    members = {m["staff_id"]: m for m in resp.json()["members"]}
    assert members[r[1]]["chair"] and not members[r[0]]["chair"]
    assert members[r[2]]["on_call"] and not members[r[1]]["on_call"]

    def put(members: list[dict]) -> dict:
        out = client.put("/api/v1/programmes/emergency/panel", headers=h["admin"],
                         json={"members": members})
        assert out.status_code == 422, out.text
        return out.json()["error"]["fields"]

    three = [{"staff_id": i, "on_call": True, "chair": False} for i in r]
    assert "members.3.staff_id" in put([*three, {"staff_id": ids["finance"]}])  # not a reviewer
    assert "members" in put([{**m, "chair": True} for m in three])  # two chairs
    assert "members" in put(three[:2])  # fewer than the quorum of 3
    with session_scope() as s:
        reviewer, _ = f.staff(s, role="reviewer")
        reviewer.active = False
        s.add(reviewer)
        disabled = reviewer.id
    assert "members.3.staff_id" in put([*three, {"staff_id": disabled}])
    # a smaller quorum, then a smaller panel
    assert client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                        json={"quorum": 2, "reason": "smaller panel"}).status_code == 200
    assert client.put("/api/v1/programmes/emergency/panel", headers=h["admin"],
                      json={"members": three[:2]}).json()["active_reviewers"] == 2
    assert client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                        json={"quorum": 3, "reason": "back"}).json()["error"]["fields"] == {
        "quorum": "the panel has 2 active reviewers"}


def test_a_case_keeps_the_version_it_was_routed_under(api) -> None:  # noqa: ANN001
    client, h, _ = api
    with session_scope() as s:
        prog = s.exec(select(Programme).where(Programme.slug == "emergency")).one()
        case = f.application(s, prog=prog, status="risk_assessed")
        routing.route(s, case, prog)
        case_id = case.id
    assert client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                        json={"quorum": 2, "reason": "later"}).json()["version"] == 2
    with session_scope() as s:
        prog = s.exec(select(Programme).where(Programme.slug == "emergency")).one()
        later = f.application(s, prog=prog, status="risk_assessed")
        routing.route(s, later, prog)
        assert s.get(Application, case_id).programme_version == 1
        assert later.programme_version == 2
        # the rules each case is decided by: its own version's
        assert programme_as_routed(s, s.get(Application, case_id)).quorum == 3
        assert programme_as_routed(s, later).quorum == 2
        assert reach(s, s.get(Application, case_id), prog).needed == 2  # (given the current)
        assert reach(s, s.get(Application, case_id),
                     programme_as_routed(s, s.get(Application, case_id))).needed == 3
    shown = client.get(f"/api/v1/applications/{case_id}", headers=h["caseworker"])
    assert shown.status_code == 200, shown.text
    assert shown.json()["programme_version"] == 1


def test_deactivated_keeps_open_cases_but_takes_no_new_ones(api) -> None:  # noqa: ANN001
    client, h, _ = api
    with session_scope() as s:
        prog = s.exec(select(Programme).where(Programme.slug == "emergency")).one()
        open_case = f.application(s, prog=prog, status="in_review").id
    assert client.patch("/api/v1/programmes/emergency", headers=h["admin"],
                        json={"active": False, "reason": "closed"}).status_code == 200
    assert client.get("/api/v1/programmes/emergency",
                      headers=h["admin"]).json()["active"] is False
    assert client.get(f"/api/v1/applications/{open_case}",
                      headers=h["caseworker"]).json()["status"] == "in_review"
    from models.programmes.service import programme_by_slug
    from models.core.errors import NotFound
    with session_scope() as s, pytest.raises(NotFound):
        programme_by_slug(s, "emergency")  # what intake asks: no longer offered
