"""The command line of CONTRACT.md: user add, audit verify, keys rotate, seed."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyotp
from sqlalchemy import text
from sqlmodel import select
from typer.testing import CliRunner

from api.cli import app
from models.core.db import session_scope
from models.core.settings import new_keyring_entry, reset_settings
from models.people.service import authenticate
from models.people.tables import PanelMember, StaffUser

runner = CliRunner()


class TestUserAdd:
    def test_prints_password_and_totp_that_log_in(self, sqlite_url: str) -> None:
        runner.invoke(app, ["seed"])
        result = runner.invoke(app, ["user", "add", "new.reviewer@example.invalid",
                                     "--role", "reviewer", "--on-call"])
        assert result.exit_code == 0, result.output
        password = re.search(r"password=(\S+)", result.output).group(1)  # type: ignore[union-attr]
        secret = re.search(r"totp_secret=([A-Z2-7]+)", result.output).group(1)  # type: ignore[union-attr]
        with session_scope() as s:
            user = authenticate(s, email="new.reviewer@example.invalid", password=password,
                                otp=pyotp.TOTP(secret).now())
            member = s.exec(select(PanelMember).where(PanelMember.user_id == user.id)).one()
            assert member.on_call

    def test_password_file_prints_no_password(self, sqlite_url: str, tmp_path: Path) -> None:
        pw = tmp_path / "pw"
        pw.write_text("a-long-enough-password\n")
        result = runner.invoke(app, ["user", "add", "fin@example.invalid", "--role", "finance",
                                     "--password-file", str(pw)])
        assert result.exit_code == 0 and "password=" not in result.output
        assert "totp_secret=" in result.output

    def test_bad_role_refused(self, sqlite_url: str) -> None:
        result = runner.invoke(app, ["user", "add", "x@example.invalid", "--role", "boss"])
        assert result.exit_code != 0
        with session_scope() as s:
            assert s.exec(select(StaffUser)).all() == []


class TestAuditVerify:
    def test_ok_then_broken(self, sqlite_url: str) -> None:
        runner.invoke(app, ["seed"])
        ok = runner.invoke(app, ["audit", "verify"])
        assert ok.exit_code == 0 and re.search(r"audit chain ok: \d+ events", ok.output)
        with session_scope() as s:
            s.exec(text("UPDATE audit_event SET actor='someone' WHERE seq=2"))  # type: ignore[call-overload]
        bad = runner.invoke(app, ["audit", "verify"])
        assert bad.exit_code == 1 and "event 2" in bad.output


class TestKeysRotate:
    def test_rotation_moves_every_value_to_the_new_key(self, sqlite_url: str) -> None:
        runner.invoke(app, ["seed"])
        old = os.environ["AMPARO_ENCRYPTION_KEYS"]
        os.environ["AMPARO_ENCRYPTION_KEYS"] = new_keyring_entry("k2") + "," + old
        reset_settings()
        os.environ["AMPARO_DATABASE_URL"] = sqlite_url
        try:
            result = runner.invoke(app, ["keys", "rotate", "--batch", "3"])
            assert result.exit_code == 0, result.output
            assert "staff_user.totp_secret_enc=10" in result.output
            with session_scope() as s:
                assert all(u.totp_secret_enc.startswith("k1.k2.") for u in s.exec(select(StaffUser)))
        finally:
            os.environ["AMPARO_ENCRYPTION_KEYS"] = old
            reset_settings()


def test_console_script_runs(sqlite_url: str) -> None:
    exe = Path(sys.executable).parent / "amparo"
    out = subprocess.run([str(exe), "audit", "verify"], capture_output=True, text=True,
                         env={**os.environ, "AMPARO_DATABASE_URL": sqlite_url}, timeout=60)
    assert out.returncode == 0 and "audit chain ok: 0 events" in out.stdout
