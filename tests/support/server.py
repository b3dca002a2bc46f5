"""Run the real server (`amparo serve` by default) in a subprocess for end-to-end tests.

    srv = run_server({"AMPARO_DATABASE_URL": url, ...})   # waits for GET /api/v1/health == 200
    httpx.get(srv.url + "/api/v1/health")
    srv.kill(); srv.restart()                              # crash and come back
    srv.stop()
    assert "Maria" not in srv.log_path.read_text()         # stdout+stderr of every run

The child gets its own process group, so stop()/kill() also end what it spawned (e.g.
Prefect's ephemeral API server). The log file is appended to across restarts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HEALTH_PATH = "/api/v1/health"
START_TIMEOUT = 90.0  # Prefect's ephemeral server can take a while to migrate and start


def free_port() -> int:
    from tests.support.ports import free_port as port_of_this_worker
    return port_of_this_worker()  # a block of its own per xdist worker (tests/support/ports.py)


def default_command() -> list[str]:
    return [str(Path(sys.executable).parent / "amparo"), "serve"]


class ServerStartError(RuntimeError):
    pass


@dataclass
class ServerProcess:
    command: list[str]
    env: dict[str, str]
    port: int
    log_path: Path
    cwd: str | None = None
    health_path: str = HEALTH_PATH
    timeout: float = START_TIMEOUT
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> "ServerProcess":
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== start {' '.join(self.command)} ===\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.command, env=self.env, cwd=self.cwd, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.kill()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise ServerStartError(
                    f"server exited with {self.proc.returncode} before it was healthy:\n"
                    + self.log_tail())
            if self._health_ok():
                return
            time.sleep(0.25)
        raise ServerStartError(
            f"{self.url}{self.health_path} not 200 after {self.timeout} s:\n" + self.log_tail())

    def _health_ok(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + self.health_path, timeout=2) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _signal_group(self, sig: int) -> None:
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, sig)  # pgid == pid thanks to start_new_session
        except ProcessLookupError:
            pass

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds. A test's server is thrown away
        afterwards; an idle one is down in a second or two, but one whose flow runner is
        still starting holds `amparo serve` for the runner's whole stop grace (35 s), which
        no test needs to sit through."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self._signal_group(signal.SIGKILL)  # also reaps children left in the group
        self.proc.wait()

    def kill(self) -> None:
        """SIGKILL at once: a crash, no shutdown handlers run."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait()

    def child_pids(self, marker: str) -> list[int]:
        """Pids of the server's direct children whose command line contains `marker`
        (e.g. "flows.runner": the flow runner that `amparo serve` starts)."""
        if self.proc is None:
            return []
        found = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*/children"):
            for pid in task.read_text().split():
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                except OSError:
                    continue
                if marker.encode() in cmdline:
                    found.append(int(pid))
        return found

    def restart(self) -> "ServerProcess":
        self.stop(grace=15.0)  # the same server comes back: let it finish what is in hand
        return self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_text()[-chars:]

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_server(env: dict[str, str], port: int | None = None, cwd: str | Path | None = None,
               args: list[str] | None = None, command: list[str] | None = None,
               log_path: Path | None = None, health_path: str = HEALTH_PATH,
               timeout: float = START_TIMEOUT) -> ServerProcess:
    """Start `command + args` with os.environ + env + AMPARO_PORT; wait until healthy."""
    port = port or free_port()
    full_env = {**os.environ, **env, "AMPARO_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    cmd = [*(command or default_command()), *(args or [])]
    if not Path(cmd[0]).exists() and os.sep in cmd[0]:
        raise ServerStartError(f"{cmd[0]} not found: is the project installed in the venv?")
    if log_path is None:  # kept after the run so a failing test can be read
        log_path = Path(tempfile.mkdtemp(prefix="amparo-server-")) / "server.log"
    server = ServerProcess(command=cmd, env=full_env, port=port, log_path=log_path,
                           cwd=str(cwd) if cwd else None, health_path=health_path,
                           timeout=timeout)
    return server.start()
