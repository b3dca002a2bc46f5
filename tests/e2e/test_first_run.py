"""Issue 14, first run: `make run`'s steps say what they did, and the server prints where to go
(apply, status, staff, Prefect's UI served in embedded mode on localhost)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import AMPARO, base_env, wait_for
from tests.support.fake_stripe import FakeStripe
from tests.support.server import free_port, run_server

pytestmark = pytest.mark.slow


def _amparo(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([AMPARO, *args], env=env, check=True, capture_output=True,
                          text=True, timeout=120)
    return done.stdout


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_first_run_says_what_it_did_and_where_to_go(tmp_path: Path) -> None:
    with FakeStripe() as fake:
        env = base_env(tmp_path, f"sqlite:///{tmp_path / 'data' / 'amparo.db'}", fake)
    ui_port = free_port()
    env["AMPARO_PREFECT_UI_PORT"] = str(ui_port)
    assert _amparo(env, "db", "upgrade").startswith("database created")
    assert _amparo(env, "db", "upgrade").startswith("database already up to date")
    first = _amparo(env, "seed")
    assert "password=" in first and "totp_secret=" in first
    again = _amparo(env, "seed")
    assert "password=" not in again and "amparo user reset EMAIL" in again
    server = run_server(env, args=["--no-migrate"], log_path=tmp_path / "serve.log",
                        timeout=150)
    try:
        printed = server.log_text()
        for where in ("/apply", "/status", "/staff", f"http://127.0.0.1:{ui_port}",
                      "amparo user reset EMAIL"):
            assert where in printed, where
        ui = f"http://127.0.0.1:{ui_port}"
        wait_for(lambda: _answers(f"{ui}/api/health"), timeout=120, what="Prefect's API")
        page = httpx.get(f"{ui}/", headers={"Accept": "text/html"}, follow_redirects=True,
                         timeout=30)
        assert page.status_code == 200 and "<html" in page.text.lower()
        settings = httpx.get(f"{ui}/ui-settings", timeout=30).json()
        assert settings["api_url"] == f"{ui}/api"
    finally:
        server.stop()
