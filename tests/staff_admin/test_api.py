"""The staff and audit JSON API: admin only, one error shape, sessions end at once."""
from __future__ import annotations

import pyotp
import pytest

from models.core import audit
from models.core.db import session_scope
from models.people.service import add_to_panel
from models.people.tables import StaffUser
from tests.reviews import factories as f
from tests.staff_admin.conftest import ROLES, bearer

ENDPOINTS = [("get", "/api/v1/staff", None), ("post", "/api/v1/staff",
                                              {"email": "x@example.invalid", "role": "reviewer"}),
             ("patch", "/api/v1/staff/{id}", {"active": False}),
             ("post", "/api/v1/staff/{id}/reset", None), ("get", "/api/v1/audit", None)]


def _call(client, method, url, body, headers):  # noqa: ANN001, ANN202
    kwargs = {"headers": headers}
    if body is not None:
        kwargs["json"] = body
    return getattr(client, method)(url, **kwargs)


@pytest.mark.parametrize("method,url,body", ENDPOINTS)
def test_only_an_admin(fund, method, url, body) -> None:  # noqa: ANN001
    client, people = fund
    url = url.format(id=people["caseworker"][0])
    assert _call(client, method, url, body, {}).status_code == 401
    for role in ROLES[:-1]:
        resp = _call(client, method, url, body, bearer(people[role][0]))
        assert resp.status_code == 403, (role, resp.text)
        assert resp.json()["error"]["code"] == "forbidden"
    with session_scope(read_only=True) as s:  # nothing changed
        assert s.get(StaffUser, people["caseworker"][0]).active  # type: ignore[union-attr]


def test_list_with_panels(fund) -> None:  # noqa: ANN001
    client, people = fund
    with session_scope() as s:
        prog = f.programme(s)
        slug = prog.slug
        add_to_panel(s, user=s.get(StaffUser, people["reviewer"][0]), programme_id=prog.id,  # type: ignore[arg-type]
                     on_call=True)
    resp = client.get("/api/v1/staff", headers=bearer(people["admin"][0]))
    assert resp.status_code == 200
    items = {i["email"]: i for i in resp.json()["items"]}
    assert set(items) == {people[r][1] for r in ROLES}
    reviewer = items[people["reviewer"][1]]
    assert set(reviewer) == {"id", "email", "role", "active", "last_login_at", "on_panels"}
    assert reviewer["on_panels"] == [{"programme": slug, "kind": "grant", "on_call": True,
                                      "chair": False}]
    assert reviewer["role"] == "reviewer" and reviewer["active"] is True
    assert items[people["finance"][1]]["on_panels"] == []


def test_add_then_sign_in(fund) -> None:  # noqa: ANN001
    client, people = fund
    resp = client.post("/api/v1/staff", headers=bearer(people["admin"][0]),
                       json={"email": "  New.Reviewer@Example.invalid ", "role": "reviewer"})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert set(body) == {"id", "password", "totp_secret"}
    login = client.post("/api/v1/auth/token", json={
        "username": "new.reviewer@example.invalid", "password": body["password"],
        "otp": pyotp.TOTP(body["totp_secret"]).now()})
    assert login.status_code == 200
    with session_scope(read_only=True) as s:
        events = [e for e in audit_events(s) if e.entity_id == body["id"]]
    assert [e.action for e in events] == ["staff.created"]
    assert "new.reviewer" not in events[0].data


def audit_events(s):  # noqa: ANN001, ANN201
    from sqlmodel import select
    return list(s.exec(select(audit.AuditEvent).order_by(audit.AuditEvent.seq)).all())


@pytest.mark.parametrize("body,status,field", [
    ({"email": "not-an-address", "role": "reviewer"}, 422, "email"),
    ({"email": "a@b", "role": "reviewer"}, 422, "email"),
    ({"email": "ok@example.invalid", "role": "superuser"}, 422, "role"),
    ({"email": "ok@example.invalid"}, 422, "role"),
    ({"role": "reviewer"}, 422, "email"),
    ({"email": "ok@example.invalid", "role": "reviewer", "extra": 1}, 422, "extra"),
    ({"email": "caseworker.admin-tests@example.invalid", "role": "reviewer"}, 409, "email"),
])
def test_bad_input_to_add(fund, body, status, field) -> None:  # noqa: ANN001
    client, people = fund
    resp = client.post("/api/v1/staff", headers=bearer(people["admin"][0]), json=body)
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert field in error["fields"], error
    with session_scope(read_only=True) as s:
        assert len(s.exec(__import__("sqlmodel").select(StaffUser)).all()) == len(ROLES)


@pytest.mark.parametrize("body,field", [({"role": "king"}, "role"), ({"active": "maybe"}, "active"),
                                        ({"active": False, "reason": "whim"}, "reason"),
                                        ({"colour": "red"}, "colour")])
def test_bad_input_to_change(fund, body, field) -> None:  # noqa: ANN001
    client, people = fund
    resp = client.patch(f"/api/v1/staff/{people['reviewer'][0]}",
                        headers=bearer(people["admin"][0]), json=body)
    assert resp.status_code == 422 and field in resp.json()["error"]["fields"], resp.text
    with session_scope(read_only=True) as s:
        user = s.get(StaffUser, people["reviewer"][0])
        assert user.active and user.role == "reviewer"  # type: ignore[union-attr]


def test_unknown_person(fund) -> None:  # noqa: ANN001
    client, people = fund
    admin = bearer(people["admin"][0])
    assert client.patch("/api/v1/staff/nobody", headers=admin,
                        json={"active": False}).status_code == 404
    assert client.post("/api/v1/staff/nobody/reset", headers=admin).status_code == 404


def test_disabled_is_out_at_once(fund) -> None:  # noqa: ANN001
    client, people = fund
    reviewer = bearer(people["reviewer"][0])
    assert client.get("/api/v1/reviews", headers=reviewer).status_code == 200
    resp = client.patch(f"/api/v1/staff/{people['reviewer'][0]}",
                        headers=bearer(people["admin"][0]),
                        json={"active": False, "reason": "left"})
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert client.get("/api/v1/reviews", headers=reviewer).status_code == 401
    login = client.post("/api/v1/auth/token", json={
        "username": people["reviewer"][1], "password": f.PASSWORD,
        "otp": pyotp.TOTP(people["reviewer"][2]).now()})
    assert login.status_code == 401
    back = client.patch(f"/api/v1/staff/{people['reviewer'][0]}",
                        headers=bearer(people["admin"][0]), json={"active": True})
    assert back.json()["active"] is True
    assert client.get("/api/v1/reviews", headers=reviewer).status_code == 401  # still ended


def test_the_last_admin_stays(fund) -> None:  # noqa: ANN001
    client, people = fund
    admin_id = people["admin"][0]
    for body in ({"active": False}, {"role": "caseworker"}):
        resp = client.patch(f"/api/v1/staff/{admin_id}", headers=bearer(admin_id), json=body)
        assert resp.status_code == 409, resp.text
        assert resp.json()["error"]["fields"]
    # with a second admin, the first may go
    second = client.post("/api/v1/staff", headers=bearer(admin_id),
                         json={"email": "second.admin@example.invalid", "role": "admin"}).json()
    resp = client.patch(f"/api/v1/staff/{admin_id}", headers=bearer(second["id"]),
                        json={"active": False})
    assert resp.status_code == 200
    last = client.patch(f"/api/v1/staff/{second['id']}", headers=bearer(second["id"]),
                        json={"active": False})
    assert last.status_code == 409


def test_role_change_ends_sessions_and_is_audited(fund) -> None:  # noqa: ANN001
    client, people = fund
    old = bearer(people["reviewer"][0])
    resp = client.patch(f"/api/v1/staff/{people['reviewer'][0]}",
                        headers=bearer(people["admin"][0]), json={"role": "caseworker"})
    assert resp.status_code == 200 and resp.json()["role"] == "caseworker"
    assert client.get("/api/v1/reviews", headers=old).status_code == 401
    with session_scope(read_only=True) as s:
        last = audit_events(s)[-1]
    assert (last.action, last.entity_id, last.actor) == ("staff.role_changed",
                                                         people["reviewer"][0],
                                                         people["admin"][0])


def test_reset_ends_old_password_and_token(fund) -> None:  # noqa: ANN001
    client, people = fund
    uid, email, secret = people["reviewer"]
    old = bearer(uid)
    resp = client.post(f"/api/v1/staff/{uid}/reset", headers=bearer(people["admin"][0]))
    assert resp.status_code == 200
    new = resp.json()
    assert set(new) == {"password", "totp_secret"} and new["totp_secret"] != secret
    assert client.get("/api/v1/reviews", headers=old).status_code == 401
    assert client.post("/api/v1/auth/token", json={
        "username": email, "password": f.PASSWORD,
        "otp": pyotp.TOTP(new["totp_secret"]).now()}).status_code == 401
    assert client.post("/api/v1/auth/token", json={
        "username": email, "password": new["password"],
        "otp": pyotp.TOTP(new["totp_secret"]).now()}).status_code == 200


def test_audit_lists_and_verifies(fund) -> None:  # noqa: ANN001
    client, people = fund
    admin = bearer(people["admin"][0])
    client.patch(f"/api/v1/staff/{people['finance'][0]}", headers=admin, json={"active": False})
    resp = client.get("/api/v1/audit", headers=admin)
    assert resp.status_code == 200
    body = resp.json()
    assert body["verified"] is True
    first = body["items"][0]
    assert set(first) == {"seq", "at", "actor_id", "action", "entity", "entity_id"}
    assert first["action"] == "staff.disabled" and first["entity_id"] == people["finance"][0]
    seqs = [i["seq"] for i in body["items"]]
    assert seqs == sorted(seqs, reverse=True)
    one = client.get(f"/api/v1/audit?entity_id={people['finance'][0]}&limit=1",
                     headers=admin).json()["items"]
    assert [i["action"] for i in one] == ["staff.disabled"]
    assert client.get("/api/v1/audit?limit=0", headers=admin).status_code == 422
    with session_scope() as s:  # a changed event breaks the chain
        ev = s.get(audit.AuditEvent, seqs[-1])
        ev.action = "staff.tampered"  # type: ignore[union-attr]
        s.add(ev)
    assert client.get("/api/v1/audit", headers=admin).json()["verified"] is False


