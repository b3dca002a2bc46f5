"""The admin's staff and audit pages through the ASGI app: add (secret shown once, with a QR
code), errors that keep what was typed, disable with confirmation, reset, the audit log."""
from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient

from api.auth import COOKIE
from models.core.db import session_scope
from models.people.tables import StaffUser
from tests.reviews import factories as f
from tests.staff_admin.conftest import bearer


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def login(client: TestClient, email: str, secret: str) -> None:
    page = client.get("/staff/login")
    resp = client.post("/staff/login", data={
        "csrf_token": _csrf(page.text), "email": email, "password": f.PASSWORD,
        "otp": pyotp.TOTP(secret).now()}, follow_redirects=False)
    assert resp.status_code == 303, resp.text


def _admin(fund):  # noqa: ANN001, ANN202
    client, people = fund
    login(client, people["admin"][1], people["admin"][2])
    return client, people


def test_start_page_links_and_other_roles_refused(fund) -> None:  # noqa: ANN001
    client, people = fund
    assert client.get("/staff/users", follow_redirects=False).status_code == 303
    login(client, people["caseworker"][1], people["caseworker"][2])
    for url in ("/staff/users", "/staff/audit", f"/staff/users/{people['reviewer'][0]}"):
        assert client.get(url).status_code == 403
    token = _csrf(client.get("/staff/").text)
    resp = client.post(f"/staff/users/{people['reviewer'][0]}/disable",
                       data={"csrf_token": token, "reason": "left"})
    assert resp.status_code == 403
    client.cookies.clear()
    client, _ = _admin(fund)
    home = client.get("/staff/").text
    assert 'href="/staff/users"' in home and 'href="/staff/audit"' in home


def test_list_and_add_shows_the_secret_once(fund) -> None:  # noqa: ANN001
    client, people = _admin(fund)
    page = client.get("/staff/users")
    assert page.status_code == 200
    assert people["finance"][1] in page.text and "Finance officer" in page.text
    assert "never" in page.text  # nobody else signed in yet
    resp = client.post("/staff/users", data={"csrf_token": _csrf(page.text),
                                             "email": "new.person@example.invalid",
                                             "role": "visa_officer"})
    assert resp.status_code == 200
    assert "Shown once." in resp.text and "<svg" in resp.text
    secret = re.findall(r'<code class="secret">([^<]+)</code>', resp.text)
    password, totp_secret = secret
    assert f"secret={totp_secret}" in re.sub(r"&amp;", "&", resp.text) or "qrline" in resp.text
    assert "style=" not in resp.text and "<script" not in resp.text
    assert resp.headers["cache-control"] == "no-store"
    # the secret is not shown again
    again = client.get("/staff/users").text
    assert totp_secret not in again and password not in again
    assert "new.person@example.invalid" in again
    # and it works
    token = client.post("/api/v1/auth/token", json={
        "username": "new.person@example.invalid", "password": password,
        "otp": pyotp.TOTP(totp_secret).now()})
    assert token.status_code == 200


def test_add_errors_keep_what_was_typed(fund) -> None:  # noqa: ANN001
    client, people = _admin(fund)
    token = _csrf(client.get("/staff/users").text)
    bad = client.post("/staff/users", data={"csrf_token": token, "email": "not an address",
                                            "role": "visa_officer"})
    assert bad.status_code == 422
    assert "Enter an e-mail address" in bad.text and 'value="not an address"' in bad.text
    assert '<option value="visa_officer" selected>' in bad.text
    role = client.post("/staff/users", data={"csrf_token": token,
                                             "email": "kept@example.invalid", "role": "boss"})
    assert role.status_code == 422 and "Choose a role from the list." in role.text
    assert 'value="kept@example.invalid"' in role.text
    dup = client.post("/staff/users", data={"csrf_token": token, "role": "finance",
                                            "email": people["finance"][1].upper()})
    assert dup.status_code == 409 and "Someone already has this e-mail address." in dup.text
    no_csrf = client.post("/staff/users", data={"email": "x@example.invalid", "role": "finance"})
    assert no_csrf.status_code == 403
    with session_scope(read_only=True) as s:
        from sqlmodel import select
        assert len(s.exec(select(StaffUser)).all()) == 6


def test_disable_with_confirmation_and_reason(fund) -> None:  # noqa: ANN001
    client, people = _admin(fund)
    rid = people["reviewer"][0]
    reviewer_token = bearer(rid)
    person = client.get(f"/staff/users/{rid}")
    assert f'href="/staff/users/{rid}/disable"' in person.text
    confirm = client.get(f"/staff/users/{rid}/disable")
    assert "signed out everywhere at once" in confirm.text
    token = _csrf(confirm.text)
    no_reason = client.post(f"/staff/users/{rid}/disable", data={"csrf_token": token})
    assert no_reason.status_code == 422 and "Choose a reason." in no_reason.text
    assert client.get("/api/v1/reviews", headers=reviewer_token).status_code == 200
    done = client.post(f"/staff/users/{rid}/disable",
                       data={"csrf_token": token, "reason": "left"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=disabled")
    assert client.get("/api/v1/reviews", headers=reviewer_token).status_code == 401
    assert "Disabled" in client.get(f"/staff/users/{rid}?done=disabled").text
    # enable again
    token = _csrf(client.get(f"/staff/users/{rid}/enable").text)
    client.post(f"/staff/users/{rid}/enable", data={"csrf_token": token, "reason": "back"})
    with session_scope(read_only=True) as s:
        assert s.get(StaffUser, rid).active  # type: ignore[union-attr]


def test_the_last_admin_page_says_why(fund) -> None:  # noqa: ANN001
    client, people = _admin(fund)
    aid = people["admin"][0]
    token = _csrf(client.get(f"/staff/users/{aid}/disable").text)
    resp = client.post(f"/staff/users/{aid}/disable", data={"csrf_token": token, "reason": "left"})
    assert resp.status_code == 409 and "last active administrator" in resp.text
    role = client.post(f"/staff/users/{aid}/role", data={"csrf_token": token, "role": "finance"})
    assert role.status_code == 409 and "last active administrator" in role.text


def test_change_role(fund) -> None:  # noqa: ANN001
    client, people = _admin(fund)
    cid = people["caseworker"][0]
    token = _csrf(client.get(f"/staff/users/{cid}").text)
    resp = client.post(f"/staff/users/{cid}/role", data={"csrf_token": token, "role": "finance"},
                       follow_redirects=False)
    assert resp.status_code == 303
    assert "Finance officer" in client.get(f"/staff/users/{cid}?done=role").text
    bad = client.post(f"/staff/users/{cid}/role", data={"csrf_token": token, "role": "x"})
    assert bad.status_code == 422 and "Choose a role from the list." in bad.text


def test_reset_shows_the_secret_once(fund) -> None:  # noqa: ANN001
    client, people = _admin(fund)
    fid, email, old_secret = people["finance"]
    token = _csrf(client.get(f"/staff/users/{fid}").text)
    resp = client.post(f"/staff/users/{fid}/reset", data={"csrf_token": token})
    assert resp.status_code == 200 and "Shown once." in resp.text and "<svg" in resp.text
    password, secret = re.findall(r'<code class="secret">([^<]+)</code>', resp.text)
    assert secret != old_secret
    assert secret not in client.get(f"/staff/users/{fid}").text
    other = TestClient(client.app)
    assert other.post("/api/v1/auth/token", json={
        "username": email, "password": f.PASSWORD,
        "otp": pyotp.TOTP(secret).now()}).status_code == 401
    assert other.post("/api/v1/auth/token", json={
        "username": email, "password": password,
        "otp": pyotp.TOTP(secret).now()}).status_code == 200


def test_audit_page_lists_filters_and_verifies(fund) -> None:  # noqa: ANN001
    client, people = _admin(fund)
    fid = people["finance"][0]
    token = _csrf(client.get(f"/staff/users/{fid}/disable").text)
    client.post(f"/staff/users/{fid}/disable", data={"csrf_token": token, "reason": "leave"})
    page = client.get("/staff/audit")
    assert page.status_code == 200 and "The chain verifies" in page.text
    assert "staff.disabled" in page.text and people["admin"][1] in page.text
    one = client.get(f"/staff/audit?entity_id={fid}").text
    assert "staff.disabled" in one and "staff.created" in one
    rows = one.split("<tbody>", 1)[1]  # the events (the "done by" list names everyone)
    assert people["caseworker"][0][:12] not in rows
    assert client.cookies.get(COOKIE)
