"""Distributed mode for tests: a real `prefect server`, the deployments, a process worker.

    stack = PrefectStack.start(tmp_path)            # server on a free port, own home + SQLite
    stack.deploy()                                  # python -m flows.deploy (pool + deployments)
    worker = stack.start_worker(amparo_env)         # prefect worker start --pool amparo
    stack.env                                       # PREFECT_* for anything that talks to it
    stack.stop()                                    # worker(s) and server, process groups

Every process gets its own process group (tests/support/server.py), so stopping one ends what
it spawned (the worker's flow-run subprocesses included).
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.server import ServerProcess, free_port, run_server

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 120.0  # migrations of a fresh SQLite on a busy 2-core machine


def prefect_env(home: Path, api_url: str) -> dict[str, str]:
    """What every Prefect client of this stack needs (and no developer's ~/.prefect)."""
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        "AMPARO_CODE_DIR": str(ROOT),
    }


@dataclass
class PrefectStack:
    root: Path
    server: ServerProcess
    env: dict[str, str]
    workers: list[ServerProcess] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return self.env["PREFECT_API_URL"]

    @classmethod
    def start(cls, root: Path, port: int | None = None, database_url: str | None = None
              ) -> "PrefectStack":
        """`database_url`: Prefect's database (postgresql+asyncpg://...); SQLite by default."""
        root.mkdir(parents=True, exist_ok=True)
        port = port or free_port()
        env = prefect_env(root / "home", f"http://127.0.0.1:{port}/api")
        server_env = {**env, "PREFECT_API_DATABASE_CONNECTION_URL":
                      database_url or f"sqlite+aiosqlite:///{root / 'prefect.db'}",
                      "PREFECT_SERVER_UI_ENABLED": "false"}
        server_env.pop("PREFECT_API_URL")  # the server must not think it is a client of itself
        server = run_server(server_env, port=port, log_path=root / "prefect-server.log",
                            command=[str(BIN / "prefect"), "server", "start", "--host",
                                     "127.0.0.1", "--port", str(port), "--no-ui"],
                            health_path="/api/health", timeout=SERVER_START_TIMEOUT)
        return cls(root=root, server=server, env=env)

    def restart_server(self) -> None:
        self.server.restart()

    def deploy(self, extra_env: dict[str, str] | None = None) -> str:
        """python -m flows.deploy against this server; returns its output."""
        proc = subprocess.run([str(BIN / "python"), "-m", "flows.deploy"], cwd=ROOT,
                              env={**os.environ, **(extra_env or {}), **self.env},
                              capture_output=True, text=True, timeout=180)
        if proc.returncode != 0:
            raise RuntimeError(f"flows.deploy failed ({proc.returncode}):\n"
                               f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc.stdout

    def start_worker(self, amparo_env: dict[str, str], pool: str = "amparo",
                     limit: int | None = None, queues: list[str] | None = None
                     ) -> ServerProcess:
        """A process worker; its flow runs inherit `amparo_env` (database, keys, Stripe...).
        `limit`: at most this many flow runs (processes) at once; `queues`: only these of
        the pool's work queues (all by default)."""
        health = free_port()
        env = {**amparo_env, **self.env, "PREFECT_WORKER_WEBSERVER_PORT": str(health)}
        n = len(self.workers) + 1
        worker = run_server(env, port=health, cwd=ROOT, log_path=self.root / f"worker{n}.log",
                            command=[str(BIN / "prefect"), "worker", "start", "--pool", pool,
                                     "--type", "process", "--with-healthcheck",
                                     "--name", f"test-worker-{n}",
                                     *(["--limit", str(limit)] if limit else []),
                                     *[arg for q in queues or [] for arg in ("-q", q)]],
                            health_path="/health", timeout=SERVER_START_TIMEOUT)
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop(grace=5)
        self.server.stop(grace=5)
