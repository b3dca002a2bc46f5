"""Issue 14, staff lifecycle: one-time recovery codes for a lost phone — made by an admin
(page) or the CLI, shown once, each signs in once with the password (page and API), new codes
void the unused old ones, a disabled person cannot use them, and none is stored in clear."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.core.db import session_scope
from models.core.errors import Unauthorized
from models.people import recovery
from models.people.login import sign_in
from models.people.service import set_active
from models.people.tables import StaffUser
from tests.reviews import factories as f


def _person(role: str = "finance", email: str = "lost.phone@example.invalid") -> str:
    with session_scope() as s:
        user, _ = f.staff(s, role=role, email=email)
        return user.id


def test_each_code_signs_in_once_and_new_codes_void_old_ones(db_url: str) -> None:
    user_id = _person()
    with session_scope() as s:
        codes = recovery.issue_codes(s, user_id=user_id, actor_id="admin-test")
    assert len(set(codes)) == 10 and all(recovery.looks_like_recovery_code(c) for c in codes)
    assert not recovery.looks_like_recovery_code("123456")
    with session_scope(read_only=True) as s:
        stored = s.exec(select(recovery.RecoveryCode.code_hash)).all()
    assert not any(normal in "".join(stored) for normal in map(recovery.normalised, codes))
    who = dict(client="198.51.100.7", email="lost.phone@example.invalid", password=f.PASSWORD)
    assert sign_in(**who, otp=codes[0].lower()).id == user_id  # case and dashes do not matter
    with pytest.raises(Unauthorized):
        sign_in(**who, otp=codes[0])  # spent
    with pytest.raises(Unauthorized):
        sign_in(**{**who, "password": "not the password!"}, otp=codes[1])
    with session_scope() as s:
        assert recovery.codes_left(s, user_id) == 9
        fresh = recovery.issue_codes(s, user_id=user_id, actor_id="admin-test")
    with pytest.raises(Unauthorized):
        sign_in(**who, otp=codes[1])  # voided by the new set
    with session_scope() as s:
        set_active(s, user=s.get(StaffUser, user_id), active=False, actor_id="admin-test",  # type: ignore[arg-type]
                   reason="lost_device")
    with pytest.raises(Unauthorized):
        sign_in(**who, otp=fresh[0])


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_an_admin_makes_codes_on_the_page_and_she_signs_in_with_one(sqlite_url: str) -> None:
    with session_scope() as s:
        admin, admin_secret = f.staff(s, role="admin", email="codes-admin@example.invalid")
        admin_email = admin.email
    person_id = _person()
    from api.app import create_app
    with TestClient(create_app()) as client:
        page = client.get("/staff/login")
        client.post("/staff/login", data={"csrf_token": _csrf(page.text), "email": admin_email,
                                          "password": f.PASSWORD,
                                          "otp": pyotp.TOTP(admin_secret).now()})
        person_page = client.get(f"/staff/users/{person_id}")
        assert "Make new recovery codes" in person_page.text
        made = client.post(f"/staff/users/{person_id}/recovery-codes",
                           data={"csrf_token": _csrf(person_page.text)})
        assert made.status_code == 200
        codes = re.findall(r"<code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>", made.text)
        assert len(codes) == 10
        assert client.post(f"/staff/users/{person_id}/recovery-codes",
                           data={}).status_code == 403  # no CSRF token
        client.cookies.clear()
        login = client.get("/staff/login")
        assert "recovery codes" in login.text and 'pattern="[0-9]{6}"' not in login.text
        r = client.post("/staff/login", data={"csrf_token": _csrf(login.text),
                                              "email": "lost.phone@example.invalid",
                                              "password": f.PASSWORD, "otp": codes[3]},
                        follow_redirects=False)
        assert r.status_code == 303
        token = client.post("/api/v1/auth/token", data={"username": "lost.phone@example.invalid",
                                                        "password": f.PASSWORD, "otp": codes[4]})
        assert token.status_code == 200 and token.json()["access_token"]
        again = client.post("/api/v1/auth/token", data={"username": "lost.phone@example.invalid",
                                                        "password": f.PASSWORD, "otp": codes[4]})
        assert again.status_code in (401, 429)


def test_the_cli_prints_codes_once(sqlite_url: str, tmp_path: Path) -> None:
    _person(email="cli.codes@example.invalid")
    amparo = str(Path(sys.executable).parent / "amparo")
    out = subprocess.run([amparo, "user", "recovery-codes", "cli.codes@example.invalid"],
                         check=True, capture_output=True, text=True, timeout=120).stdout.split()
    assert len(out) == 10 and all(recovery.looks_like_recovery_code(c) for c in out)
    assert sign_in(client="198.51.100.9", email="cli.codes@example.invalid",
                   password=f.PASSWORD, otp=out[0]).email == "cli.codes@example.invalid"
