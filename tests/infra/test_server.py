"""run_server() with a stand-in ASGI app that behaves like `amparo serve`."""

import os
import signal
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

from tests.support.server import ServerStartError, free_port, run_server

STUB = textwrap.dedent('''
    import json, os, subprocess, sys
    import uvicorn

    # A child process, like Prefect's ephemeral API server, to check group signals.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    print(f"child-pid={child.pid}", flush=True)
    print("marker=" + os.environ.get("STUB_MARKER", ""), flush=True)

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        ok = scope["path"] == "/api/v1/health"
        body = json.dumps({"status": "ok"} if ok else {"detail": "nope"}).encode()
        await send({"type": "http.response.start", "status": 200 if ok else 404,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    if os.environ.get("STUB_CRASH"):
        sys.exit(3)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["AMPARO_PORT"]))
''')


@pytest.fixture
def stub_command(tmp_path: Path) -> list[str]:
    script = tmp_path / "stub_serve.py"
    script.write_text(STUB)
    return [sys.executable, str(script)]


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status


def _child_pid(log: str) -> int:
    return int([ln for ln in log.splitlines() if ln.startswith("child-pid=")][-1].split("=")[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return not state.stdout.strip().startswith("Z")


def test_start_health_log_and_stop(stub_command: list[str], tmp_path: Path) -> None:
    port = free_port()
    srv = run_server({"STUB_MARKER": "fixture-marker-42"}, port=port, command=stub_command,
                     log_path=tmp_path / "server.log")
    try:
        assert srv.url == f"http://127.0.0.1:{port}"
        assert _get(srv.url + "/api/v1/health") == 200
        assert "marker=fixture-marker-42" in srv.log_text()
        child = _child_pid(srv.log_text())
    finally:
        srv.stop()
    assert not srv.running
    assert "Shutting down" in srv.log_text()  # SIGTERM let uvicorn shut down cleanly
    assert not _alive(child)


def test_kill_and_restart(stub_command: list[str], tmp_path: Path) -> None:
    srv = run_server({}, command=stub_command, log_path=tmp_path / "server.log")
    try:
        first_child = _child_pid(srv.log_text())
        srv.kill()
        assert srv.proc is not None and srv.proc.returncode == -signal.SIGKILL
        assert not _alive(first_child)
        with pytest.raises(OSError):
            _get(srv.url + "/api/v1/health")
        srv.restart()
        assert _get(srv.url + "/api/v1/health") == 200
        assert srv.log_text().count("=== start") == 2
    finally:
        srv.stop()


def test_early_exit_is_reported_with_log(stub_command: list[str], tmp_path: Path) -> None:
    with pytest.raises(ServerStartError, match="exited with 3(.|\n)*seen-in-error"):
        run_server({"STUB_CRASH": "1", "STUB_MARKER": "seen-in-error"}, command=stub_command,
                   log_path=tmp_path / "server.log")


def test_missing_binary_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ServerStartError, match="not found"):
        run_server({}, command=[str(tmp_path / "nope" / "amparo"), "serve"])
