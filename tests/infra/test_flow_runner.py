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
from tests.distributed.client import (AmparoClient, Staff, make_staff, seed_programme,
                                      wait_until)
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


def staffed_fund(sqlite_url: str, tmp_path: Path, smtp_sink: SmtpSink,
                 **settings: str) -> tuple[Staff, dict[str, str]]:
    """A caseworker, two on-call reviewers, and the settings of a server with its runner."""
    seed_programme()
    caseworker = make_staff(role="caseworker", email="cw@example.invalid")
    for i in range(2):
        make_staff(role="reviewer", email=f"rev{i}@example.invalid", on_call=True)
    return caseworker, {
        "AMPARO_DATABASE_URL": sqlite_url, "AMPARO_DISPATCHER": "on",
        "AMPARO_DATA_DIR": str(tmp_path / "data"), "AMPARO_MODE": "embedded",
        "AMPARO_SMTP_HOST": "127.0.0.1", "AMPARO_SMTP_PORT": str(smtp_sink.port), **settings}


def test_the_api_restarts_a_dead_runner_and_the_runner_dies_with_the_api(
        sqlite_url: str, tmp_path: Path, smtp_sink: SmtpSink) -> None:
    caseworker, env = staffed_fund(sqlite_url, tmp_path, smtp_sink)
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


def test_a_runner_stopped_while_starting_never_starts_its_lanes(
        sqlite_url: str, tmp_path: Path) -> None:
    """`amparo serve` stopped (Ctrl-C) just after it started: the runner hears the closed pipe
    during its start-up and ends there, without claiming work it would then have to finish
    (before, it finished its start-up, started the lanes, and only then heard the stop)."""
    import subprocess
    import sys

    from sqlmodel import select

    from models.applications.schemas import ApplicationIn
    from models.applications.service import submit_application
    from models.core.db import session_scope
    from models.core.outbox import Dispatch

    seed_programme()
    with session_scope() as session:
        body = application(1, kind="grant", profile="high", rng=random.Random(2))
        submit_application(session=session, data=ApplicationIn.model_validate(body))
    env = {**os.environ, "AMPARO_DATABASE_URL": sqlite_url, "AMPARO_MODE": "embedded",
           "AMPARO_DATA_DIR": str(tmp_path / "data"), "AMPARO_RUNNER_PARENT": str(os.getpid())}
    runner = subprocess.Popen([sys.executable, "-m", "flows.runner"], stdin=subprocess.PIPE,
                              env=env)
    runner.stdin.close()  # type: ignore[union-attr] - the API is gone at once
    assert runner.wait(120) == 0
    with session_scope(read_only=True) as session:
        assert {row.status for row in session.exec(select(Dispatch)).all()} == {"pending"}
