"""Staff sessions end when they should: TOTP once, forged lifetimes, logout/reset/disable."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from jose import jwt
from typer.testing import CliRunner

from api import auth
from api.cli import app
from models.core.db import session_scope
from models.core.errors import Conflict, Unauthorized
from models.people.service import (authenticate, create_user, end_sessions, reset_credentials,
                                   set_active, user_by_email)
from models.people.tables import StaffUser

PASSWORD = "a-long-test-password-000"
runner = CliRunner()


def _user(role: str = "caseworker", email: str = "cw.sessions@example.invalid") -> tuple[str, str]:
    with session_scope() as s:
        user, _, secret = create_user(s, email=email, role=role, password=PASSWORD)
        return user.id, secret


def _token_with(user_id: str, **claims: object) -> str:
    now = int(time.time())
    body = {"sub": user_id, "sv": 0, "iat": now, "exp": now + 600, "aud": auth.AUDIENCE,
            "iss": auth.ISSUER, **claims}
    return jwt.encode(body, auth._key(), algorithm=auth.ALGORITHM)  # noqa: SLF001


def _speaks_for(token: str) -> bool:
    with session_scope(read_only=True) as s:
        return auth.staff_for_token(s, token) is not None


class TestTotpOnce:
    def test_a_code_is_accepted_once(self, db_url: str) -> None:
        _, secret = _user()
        code = pyotp.TOTP(secret).now()
        with session_scope() as s:
            authenticate(s, email="cw.sessions@example.invalid", password=PASSWORD, otp=code)
        with pytest.raises(Unauthorized), session_scope() as s:
            authenticate(s, email="cw.sessions@example.invalid", password=PASSWORD, otp=code)

    def test_an_older_code_after_a_newer_one_is_refused(self, sqlite_url: str) -> None:
        _, secret = _user()
        totp = pyotp.TOTP(secret)
        with session_scope() as s:
            authenticate(s, email="cw.sessions@example.invalid", password=PASSWORD,
                         otp=totp.at(time.time()))
        with pytest.raises(Unauthorized), session_scope() as s:
            authenticate(s, email="cw.sessions@example.invalid", password=PASSWORD,
                         otp=totp.at(time.time() - 30))


class TestForgedTokens:
    def test_an_honest_token_speaks(self, sqlite_url: str) -> None:
        user_id, _ = _user()
        assert _speaks_for(_token_with(user_id))

    def test_iat_in_the_future_is_refused(self, sqlite_url: str) -> None:
        user_id, _ = _user()
        later = int(time.time()) + 3600
        assert not _speaks_for(_token_with(user_id, iat=later, exp=later + 600))

    def test_a_lifetime_over_the_maximum_is_refused(self, sqlite_url: str) -> None:
        user_id, _ = _user()
        now = int(time.time())
        assert not _speaks_for(_token_with(user_id, exp=now + 30 * 24 * 3600))

    def test_a_token_without_session_version_is_refused(self, sqlite_url: str) -> None:
        user_id, _ = _user()
        now = int(time.time())
        body = {"sub": user_id, "iat": now, "exp": now + 600, "aud": auth.AUDIENCE,
                "iss": auth.ISSUER}
        assert not _speaks_for(jwt.encode(body, auth._key(), algorithm=auth.ALGORITHM))  # noqa: SLF001


class TestSessionsEnd:
    def _issued(self, user_id: str) -> str:
        with session_scope(read_only=True) as s:
            return auth.issue_token(s.get(StaffUser, user_id))[0]  # type: ignore[arg-type]

    def test_logout_ends_every_token(self, db_url: str) -> None:
        user_id, _ = _user()
        first, second = self._issued(user_id), self._issued(user_id)
        with session_scope() as s:
            end_sessions(s, user=s.get(StaffUser, user_id))  # type: ignore[arg-type]
        assert not _speaks_for(first) and not _speaks_for(second)
        assert _speaks_for(self._issued(user_id))

    def test_reset_ends_sessions_and_the_old_password(self, sqlite_url: str) -> None:
        user_id, secret = _user()
        token = self._issued(user_id)
        with session_scope() as s:
            password, new_secret = reset_credentials(s, user=s.get(StaffUser, user_id),  # type: ignore[arg-type]
                                                     actor_id="test")
        assert not _speaks_for(token)
        with pytest.raises(Unauthorized), session_scope() as s:
            authenticate(s, email="cw.sessions@example.invalid", password=PASSWORD,
                         otp=pyotp.TOTP(secret).now())
        with session_scope() as s:
            authenticate(s, email="cw.sessions@example.invalid", password=password,
                         otp=pyotp.TOTP(new_secret).now())

    def test_the_last_admin_cannot_be_disabled(self, sqlite_url: str) -> None:
        admin_id, _ = _user("admin", "admin.sessions@example.invalid")
        with pytest.raises(Conflict), session_scope() as s:
            set_active(s, user=s.get(StaffUser, admin_id), active=False, actor_id="test")  # type: ignore[arg-type]


class TestCli:
    def test_list_disable_reset(self, sqlite_url: str) -> None:
        user_id, _ = _user()
        token = TestSessionsEnd()._issued(user_id)  # noqa: SLF001
        listed = runner.invoke(app, ["user", "list"])
        assert "cw.sessions@example.invalid\tcaseworker\tactive" in listed.output
        reset = runner.invoke(app, ["user", "reset", "cw.sessions@example.invalid"])
        assert reset.exit_code == 0 and re.search(r"totp_secret=[A-Z2-7]{16,}", reset.output)
        assert not _speaks_for(token)
        disabled = runner.invoke(app, ["user", "disable", "cw.sessions@example.invalid"])
        assert disabled.exit_code == 0
        with session_scope(read_only=True) as s:
            assert not user_by_email(s, "cw.sessions@example.invalid").active
        unknown = runner.invoke(app, ["user", "disable", "nobody@example.invalid"])
        assert unknown.exit_code == 2
