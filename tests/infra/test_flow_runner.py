"""The flow runner beside the API (flows/runner.py): `amparo serve` starts it, starts it
again when it dies, and it never outlives the API (two runners must never work side by side
after a crash)."""
from __future__ import annotations

import os
import random
import signal
from pathlib import Path

import pytest

from bench.surge_data import application
from tests.distributed.client import AmparoClient, make_staff, seed_programme, wait_until
from tests.support.server import run_server
from tests.support.smtp import SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
ROUTED = {"in_review"}  # a high-risk grant goes to the panel


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # a zombie has stopped working; its reaper is elsewhere


def test_the_api_restarts_a_dead_runner_and_the_runner_dies_with_the_api(
        sqlite_url: str, tmp_path: Path, smtp_sink: SmtpSink) -> None:
    seed_programme()
    caseworker = make_staff(role="caseworker", email="cw@example.invalid")
    for i in range(2):
        make_staff(role="reviewer", email=f"rev{i}@example.invalid", on_call=True)
    env = {"AMPARO_DATABASE_URL": sqlite_url, "AMPARO_DISPATCHER": "on",
           "AMPARO_DATA_DIR": str(tmp_path / "data"), "AMPARO_MODE": "embedded",
           "AMPARO_SMTP_HOST": "127.0.0.1", "AMPARO_SMTP_PORT": str(smtp_sink.port)}
    server = run_server(env, log_path=tmp_path / "server.log")
    client = AmparoClient(server.url)
    try:
        first = wait_until(lambda: server.child_pids("flows.runner"), timeout=30,
                           what="the flow runner started")
        os.kill(first[0], signal.SIGKILL)
        second = wait_until(lambda: [p for p in server.child_pids("flows.runner")
                                     if p != first[0]], timeout=30, what="a new flow runner")
        answer = client.submit(application(1, kind="grant", profile="high", rng=random.Random(1)))
        client.wait_for_status(answer["id"], ROUTED, caseworker, timeout=120)
        assert "flow runner exited" in server.log_text()

        os.kill(server.proc.pid, signal.SIGKILL)  # the API alone, not its process group
        wait_until(lambda: _gone(second[0]), timeout=15, what="the runner ending with the API")
    finally:
        client.close()
        server.kill()
