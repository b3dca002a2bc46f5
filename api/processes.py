"""More than one API process on one port (AMPARO_API_PROCESSES): a core each.

Python runs one thread at a time per process, so one API process serves at most about one
core of requests however many threads it has (docs/benchmarks.md, "Soak"). `amparo serve`
binds its port once and hands the listening socket to N-1 sibling processes
(`python -m api.processes`); the kernel gives each new connection to whichever process
accepts it first. Every process serves everything: state lives in the database (sessions,
rate limits, the outbox) and SQLite's write gate is already shared across processes
(models/core/writegate.py).

Only the first process runs the flow runner. A sibling that commits a new case writes a byte
to a pipe that the first process relays to the runner, so no case waits for a poll. Siblings
get a parent-death signal (they never outlive `amparo serve` holding its port), stop with it,
and are started again if one dies alone.
"""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from models.core.settings import get_settings

log = logging.getLogger("amparo.api")
RESTART_DELAY_S = 1.0  # a sibling that keeps dying must not spin the CPU
STOP_GRACE_S = 10.0
_SOCKET_FD, _WAKE_FD, _PARENT = "AMPARO_API_SOCKET_FD", "AMPARO_API_WAKE_FD", "AMPARO_API_PARENT"


def bind(host: str, port: int) -> socket.socket:
    """The listening socket every process accepts on (uvicorn's own options)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class Siblings:
    """Starts `count` sibling processes on `sock`, starts a dead one again, stops them all.
    One supervising thread per sibling: Linux sends the parent-death signal when the
    *thread* that forked the child ends, so that thread lives as long as its sibling."""

    def __init__(self, sock: socket.socket, count: int) -> None:
        self._sock = sock
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)  # a full pipe already has wakes pending
        self._procs: list[subprocess.Popen[bytes] | None] = [None] * count
        self._stopping = threading.Event()

    def start(self) -> "Siblings":
        threading.Thread(target=self._relay_wakes, name="amparo-sibling-wakes",
                         daemon=True).start()
        for slot in range(len(self._procs)):
            threading.Thread(target=self._supervise, args=(slot,), name=f"amparo-api-{slot}",
                             daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        live = [p for p in self._procs if p is not None and p.poll() is None]
        for proc in live:
            proc.terminate()  # uvicorn finishes the requests in hand
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in live:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        os.close(self._wake_write)  # the relay reads to the end and stops

    def _supervise(self, slot: int) -> None:
        while not self._stopping.is_set():
            self._procs[slot] = proc = self._spawn()
            code = proc.wait()
            if self._stopping.is_set():
                return
            log.warning("API process exited with code %s: starting it again", code)
            time.sleep(RESTART_DELAY_S)

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "AMPARO_DISPATCHER": "off", _SOCKET_FD: str(self._sock.fileno()),
               _WAKE_FD: str(self._wake_write), _PARENT: str(os.getpid())}
        return subprocess.Popen([sys.executable, "-m", "api.processes"], env=env,
                                stdin=subprocess.DEVNULL,
                                pass_fds=(self._sock.fileno(), self._wake_write))

    def _relay_wakes(self) -> None:
        """A sibling's byte wakes this process's flow runner (flows/dispatch.py)."""
        from flows.dispatch import wake_dispatcher

        try:
            while os.read(self._wake_read, 4096):
                wake_dispatcher()
        finally:
            os.close(self._wake_read)


class PipeWaker:
    """A sibling's way to wake the flow runner: a byte to the first process."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def wake(self) -> None:
        try:
            os.write(self._fd, b"w")
        except (BlockingIOError, BrokenPipeError, OSError):
            pass  # a full pipe has wakes pending; without a parent we are about to die


def serve(app: Any, sock: socket.socket) -> None:
    """Run uvicorn on an already bound socket until SIGTERM/SIGINT, the same in every process."""
    import uvicorn

    proxies = get_settings().trusted_proxies  # X-Forwarded-For only from these (else spoofable)
    server = uvicorn.Server(uvicorn.Config(
        app, log_level="info", access_log=False,  # access logs: paths, client addresses
        proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None))
    server.run(sockets=[sock])


def prepare_runtime() -> None:
    """Prefect's home and settings for this data directory, before Prefect is imported."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    _fewer_malloc_arenas()
    from forms import i18n
    from models.core import wording
    wording.use(i18n.gettext)  # staff e-mails sent by flows, in each reader's language


def _fewer_malloc_arenas() -> None:
    """glibc gives each busy thread its own heap (up to 8 per core); with request threads,
    flow lanes and Prefect's threads, half-empty heaps grew each process by tens of MB in a
    surge. Two arenas: here at once, and for the processes we start (flow runner, Prefect)."""
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, int(os.environ["MALLOC_ARENA_MAX"]))  # M_ARENA_MAX
    except (OSError, AttributeError, ValueError):
        pass  # not glibc: nothing to tune


def main() -> None:
    """A sibling: the same app on the inherited socket, the dispatcher off."""
    from flows.runner import die_with_parent

    die_with_parent(_PARENT)
    prepare_runtime()
    from api.app import create_app
    from flows.dispatch import use_waker

    app = create_app()
    use_waker(PipeWaker(int(os.environ[_WAKE_FD])))
    serve(app, socket.socket(fileno=int(os.environ[_SOCKET_FD])))


if __name__ == "__main__":
    main()
