"""The README walkthrough works as written: scripts/walkthrough.sh against a real server."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.harness import base_env, deploy
from tests.support.fake_stripe import FakeStripe

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_walkthrough_script(tmp_path: Path, fake_stripe: FakeStripe) -> None:
    env = base_env(tmp_path, f"sqlite:///{tmp_path / 'data' / 'amparo.db'}", fake_stripe)
    dep = deploy(env, tmp_path / "server.log")
    logins = tmp_path / "logins.txt"
    logins.write_text(dep.seed_output)
    try:
        out = subprocess.run(["bash", str(ROOT / "scripts" / "walkthrough.sh"), str(logins),
                              dep.url], capture_output=True, text=True, timeout=300)
    finally:
        dep.server.stop()
    assert out.returncode == 0, out.stdout + out.stderr
    assert "walkthrough ok" in out.stdout
