"""Several API processes on one port (api/processes.py, AMPARO_API_PROCESSES): each serves
every route, a case a sibling takes in reaches the flow runner, a dead sibling is started
again, and none outlives `amparo serve`."""
from __future__ import annotations

import os
import random
import signal
import socket
import threading
from pathlib import Path

import httpx
import pytest

from bench.surge_data import application
from tests.distributed.client import AmparoClient, wait_until
from tests.infra.test_flow_runner import ROUTED, _gone, staffed_fund
from tests.support.server import ServerProcess, run_server
from tests.support.smtp import SmtpSink


def test_a_siblings_byte_wakes_the_flow_runner() -> None:
    """The first process relays a sibling's wake to its runner (flows/dispatch.py)."""
    from api import processes
    from flows.dispatch import use_waker

    woken = threading.Event()

    class Runner:
        def wake(self) -> None:
            woken.set()

    with socket.socket() as sock:
        siblings = processes.Siblings(sock, 0).start()  # the relay alone, no process
        use_waker(Runner())
        try:
            processes.PipeWaker(siblings._wake_write).wake()
            assert woken.wait(5)
        finally:
            use_waker(None)
            siblings.stop()


@pytest.mark.parametrize("value, count", [("1", 1), ("3", 3), ("auto", None)])
def test_the_setting(monkeypatch: pytest.MonkeyPatch, value: str, count: int | None) -> None:
    from models.core.settings import load_settings

    monkeypatch.setenv("AMPARO_API_PROCESSES", value)
    expected = count or max(1, min(4, len(os.sched_getaffinity(0))))
    assert load_settings().api_processes == expected


@pytest.mark.parametrize("value", ["0", "-1", "two", "33"])
def test_a_wrong_setting_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from models.core.errors import ConfigurationError
    from models.core.settings import load_settings

    monkeypatch.setenv("AMPARO_API_PROCESSES", value)
    with pytest.raises(ConfigurationError, match="AMPARO_API_PROCESSES"):
        load_settings()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_processes_serve_one_port(sqlite_url: str, tmp_path: Path,
                                      smtp_sink: SmtpSink) -> None:
    caseworker, env = staffed_fund(sqlite_url, tmp_path, smtp_sink, AMPARO_API_PROCESSES="2")
    server = run_server(env, log_path=tmp_path / "server.log")
    client = AmparoClient(server.url)
    try:
        sibling = wait_until(lambda: server.child_pids("api.processes"), timeout=30,
                             what="the second API process")
        runner = wait_until(lambda: server.child_pids("flows.runner"), timeout=30,
                            what="the flow runner")
        wait_until(lambda: _started(server) == 2, timeout=60, what="both processes serving")

        os.kill(server.proc.pid, signal.SIGSTOP)  # the first process can accept nothing now
        try:
            assert _answers(server.url)  # so the sibling answered
            answer = client.submit(application(1, kind="grant", profile="high",
                                               rng=random.Random(1)))
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
        client.wait_for_status(answer["id"], ROUTED, caseworker, timeout=120)

        os.kill(sibling[0], signal.SIGKILL)
        wait_until(lambda: [p for p in server.child_pids("api.processes") if p != sibling[0]],
                   timeout=30, what="a new sibling")
        assert "API process exited" in server.log_text()
        wait_until(lambda: _started(server) == 3, timeout=60, what="the new sibling serving")

        again = server.child_pids("api.processes")
        os.kill(server.proc.pid, signal.SIGKILL)  # `amparo serve` alone, not its group
        for pid in [*again, *runner]:
            wait_until(lambda: _gone(pid), timeout=15, what="children ending with the API")
        wait_until(lambda: _port_free(server.port), timeout=15, what="the port freed")
    finally:
        client.close()
        server.kill()


def _started(server: ServerProcess) -> int:
    return server.log_text().count("Application startup complete")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/api/v1/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _port_free(port: int) -> bool:
    """Free for a new `amparo serve` (which, like uvicorn, binds with SO_REUSEADDR: the
    port's closed connections may wait out TIME_WAIT)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
