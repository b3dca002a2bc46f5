"""The flow runner: the dispatcher lanes and (embedded) the sweeper, in a process of their own.

`amparo serve` starts it beside the API and keeps it running (`FlowRunner`); operators can
also run it alone with `amparo dispatch`. Why a process and not threads of the API: the
flows' work and Prefect's client would share one interpreter lock with the requests, and in
a surge each slowed the other (docs/benchmarks.md, "Surge"); the API also stays free of
Prefect's memory. The two talk through the database (the outbox) and one pipe: the API
writes a byte after each commit that queued work, so a new case does not wait for a poll.

The runner never outlives the API: it asks the kernel to kill it when its parent dies, and
it stops when the pipe closes. Any crash is safe: the outbox keeps what was claimed, and a
new runner re-queues it (flows/dispatch.py, `_requeue_orphans`).
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

log = logging.getLogger("amparo.runner")
RESTART_DELAY_S = 1.0  # a runner that keeps dying must not spin the CPU
STOP_GRACE_S = 35.0  # the lanes finish the run in hand (Dispatcher.stop waits 30 s)
_PR_SET_PDEATHSIG = 1


# --- the runner process ------------------------------------------------------------------

def main() -> None:
    """Run the lanes (and the sweeper) until stdin closes or SIGTERM/SIGINT arrives."""
    die_with_parent("AMPARO_RUNNER_PARENT")
    from models.core.settings import get_settings
    from flows import dispatch

    settings = get_settings()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    lanes: list = []  # the lanes once started: wakes before then have nothing to wake
    threading.Thread(target=_relay_wakes, args=(lanes, stop), name="amparo-wakes",
                     daemon=True).start()  # from the start: a stop during start-up is heard
    prefect_api = None
    if settings.mode == "embedded" and not os.environ.get("PREFECT_API_URL"):
        prefect_api = LocalPrefectApi(settings.prefect_ui_port).start()  # before Prefect's client
    for warm_up in ([_warm_up_prefect] if settings.mode == "embedded" else []) + [_warm_up_direct]:
        if stop.is_set():
            break  # stopped while starting: nothing claimed yet, nothing to finish
        warm_up()
    if stop.is_set():
        log.info("flow runner stopped before its lanes started")
        if prefect_api is not None:
            prefect_api.stop()
        return
    lanes.append(dispatch.start_dispatcher())
    sweeper = _start_sweeper() if settings.mode == "embedded" else None
    stop.wait()
    if sweeper is not None:
        sweeper.stop()
    lanes[0].stop()
    if prefect_api is not None:
        prefect_api.stop()


class LocalPrefectApi:
    """Prefect's API for embedded mode, served by a thread of this process.

    Left to itself Prefect starts its "ephemeral" API as one more Python process, which held
    ~175-235 MB in a surge on top of this one (docs/benchmarks.md); in a thread it shares
    this interpreter's copy of Prefect, and the flows mostly wait on it rather than run
    beside it. Same database (Prefect's home in the data directory). On the configured
    localhost port (AMPARO_PREFECT_UI_PORT, 4200) it also serves Prefect's UI, so an operator
    sees flow runs and retries without installing anything; when that port is taken (or the
    UI is off) it takes a free port and serves the API alone."""

    def __init__(self, ui_port: int | None = None) -> None:
        self.ui = ui_port is not None and _port_is_free(ui_port)
        self.port = ui_port if self.ui else _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 90) -> "LocalPrefectApi":
        os.environ["PREFECT_API_URL"] = self.url  # read when Prefect's settings load
        os.environ["PREFECT_UI_API_URL"] = self.url
        import uvicorn

        config = uvicorn.Config(self._app(), host="127.0.0.1", port=self.port,
                                log_level="error", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="prefect-api",
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("Prefect's local API did not start")
            time.sleep(0.1)
        return self

    def _app(self):  # noqa: ANN202
        from prefect.server.api.server import create_app, create_ui_app
        from starlette.routing import Mount

        app = create_app(ephemeral=True, final=True)  # ephemeral: light services, no UI
        if self.ui:
            for route in app.router.routes:
                if isinstance(route, Mount) and route.name == "ui":
                    route.app = create_ui_app(ephemeral=False)  # the UI's pages as well
        return app

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def die_with_parent(variable: str) -> None:
    """Ask Linux to SIGKILL this process when the process named by $variable (the API that
    started it) dies, even by SIGKILL: two runners never work side by side after a crash, and
    no API process outlives `amparo serve` holding its port."""
    parent = os.environ.get(variable)
    if not parent:
        return  # started by hand (`amparo dispatch`)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the closed pipe still stops us
    if str(os.getppid()) != parent:
        os._exit(0)  # the parent died before we could ask


def _relay_wakes(lanes: list, stop: threading.Event) -> None:
    """Each byte on stdin wakes the lanes (once started); end of file means the API is gone."""
    try:
        while os.read(0, 4096):
            for started in lanes:
                started.wake()
    except OSError:
        pass
    if os.environ.get("AMPARO_RUNNER_PARENT"):
        stop.set()


def _warm_up_prefect() -> None:
    """Start Prefect's ephemeral API once, here, before the lanes and the sweeper race to
    start one each (two servers migrating one SQLite file: one of them fails)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.api_healthcheck()


def _warm_up_direct() -> None:
    """Import what the express lane runs itself (flows/registry.DIRECT) before the first
    critical case arrives: the first import of Prefect and the flows took 2-5 s on a busy
    machine (in distributed mode nothing else imports them in this process)."""
    from flows import registry

    for name in registry.DIRECT:
        registry.resolve_direct(name)


def _start_sweeper():  # noqa: ANN202
    from flows.sweeper import start_sweeper

    return start_sweeper(float(os.environ.get("AMPARO_SWEEP_SECONDS", "60")))


# --- the API's side ----------------------------------------------------------------------

class FlowRunner:
    """Starts the runner process, starts it again if it dies, wakes it, stops it.

    One supervising thread does every spawn: Linux delivers the parent-death signal when the
    *thread* that forked the child ends, so that thread lives as long as the runner should."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="amparo-runner",
                                        daemon=True)

    def start(self, timeout: float = 30) -> "FlowRunner":
        self._thread.start()
        self._started.wait(timeout)
        return self

    def wake(self) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            return
        try:
            os.write(proc.stdin.fileno(), b"w")
        except (BlockingIOError, BrokenPipeError, ValueError, OSError):
            pass  # a full pipe has wakes pending already; a dead runner is being restarted

    def stop(self) -> None:
        self._stopping.set()
        proc = self._proc
        if proc is not None:
            _end(proc)
        self._thread.join(STOP_GRACE_S + 5)

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            self._proc = proc = _spawn()
            self._started.set()
            code = proc.wait()
            if self._stopping.is_set():
                return
            log.warning("flow runner exited with code %s: starting it again", code)
            time.sleep(RESTART_DELAY_S)


def _spawn() -> subprocess.Popen[bytes]:
    env = {**os.environ, "AMPARO_RUNNER_PARENT": str(os.getpid())}
    proc = subprocess.Popen([sys.executable, "-m", "flows.runner"], stdin=subprocess.PIPE,
                            env=env)
    os.set_blocking(proc.stdin.fileno(), False)  # type: ignore[union-attr]
    return proc


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Close the pipe (the runner finishes its run in hand and exits), then insist."""
    try:
        proc.stdin.close()  # type: ignore[union-attr]
    except OSError:
        pass
    try:
        proc.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
