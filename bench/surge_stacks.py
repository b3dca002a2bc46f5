"""The systems the surge benchmark runs against, started from scratch in a work directory.

EmbeddedStack: one `amparo serve` (SQLite, its flow runner with Prefect's API in a thread).
DistributedStack: a throwaway PostgreSQL (Amparo's database and Prefect's), `prefect server
start` on it, the deployments of prefect.yaml, two `prefect worker start` process workers (one for routing only) and
two `amparo serve` processes in distributed mode, each with its flow runner dispatching
through `run_deployment`. Both e-mail staff notices to the same discarding mail server.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.surge_db import SurgeDb
from tests.support.server import ServerProcess, run_server

PY = sys.executable
AMPARO = str(Path(PY).parent / "amparo")
WORKER_LIMIT = 1  # flow runs at once per worker: each is a process of ~150 MB, 2 cores here
# The first worker takes routing (and every other flow) only; the second takes staff e-mails
# too, after routing (queue priority): a routing run never waits behind e-mail runs.
WORKER_QUEUES: list[list[str] | None] = [["default"], None]
API_PROCESSES = 2


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AMPARO_", "PREFECT_"))}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", **extra})
    return env


def _prepare(env: dict[str, str]) -> None:
    subprocess.run([AMPARO, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([AMPARO, "seed"], env=env, check=True, capture_output=True)


class EmbeddedStack:
    mode = "embedded"

    def __init__(self, work: Path, smtp_port: int, api_processes: str = "auto") -> None:
        data_dir = work / "amparo"
        env = clean_env(AMPARO_DATA_DIR=str(data_dir), AMPARO_MODE="embedded",
                        AMPARO_DISPATCHER="on", AMPARO_SMTP_HOST="127.0.0.1",
                        AMPARO_SMTP_PORT=str(smtp_port), AMPARO_API_PROCESSES=api_processes)
        _prepare(env)
        self.servers = [run_server(env, log_path=work / "amparo.log")]
        self.db = SurgeDb(sqlite_path=data_dir / "amparo.db")
        self.prefect_db = SurgeDb(sqlite_path=data_dir / "prefect" / "prefect.db")

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    @property
    def pids(self) -> list[int]:
        return [s.proc.pid for s in self.servers]  # type: ignore[union-attr]

    def log_text(self) -> str:
        return "".join(s.log_text() for s in self.servers)

    def stop(self) -> None:
        self.db.close()
        for server in self.servers:
            server.stop()


class DistributedStack(EmbeddedStack):
    mode = "distributed"

    def __init__(self, work: Path, smtp_port: int, api_processes: str = "1") -> None:
        from tests.distributed.stack import PrefectStack
        from tests.support.postgres import start_postgres

        self.servers: list[ServerProcess] = []
        self.pg = start_postgres("amparo")
        self.prefect = None
        try:
            self._start(work, smtp_port, PrefectStack)
        except BaseException:
            self.stop()
            raise

    def _start(self, work: Path, smtp_port: int, prefect_stack: type) -> None:
        import psycopg

        prefect_url = self.pg.create_database("prefect")
        with psycopg.connect(self.pg.dsn("prefect"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        self.prefect = prefect_stack.start(
            work / "prefect", database_url=prefect_url.replace("+psycopg", "+asyncpg"))
        env = clean_env(AMPARO_MODE="distributed", AMPARO_DATABASE_URL=self.pg.url,
                        AMPARO_DATA_DIR=str(work / "amparo"), AMPARO_DISPATCHER="on",
                        AMPARO_SMTP_HOST="127.0.0.1", AMPARO_SMTP_PORT=str(smtp_port),
                        AMPARO_API_PROCESSES="1")  # API_PROCESSES servers of one process each
        _prepare(env)
        self.prefect.deploy(env)
        for queues in WORKER_QUEUES:
            self.prefect.start_worker(env, limit=WORKER_LIMIT, queues=queues)
        api_env = {**env, **self.prefect.env}
        self.servers = [run_server(api_env, log_path=work / f"amparo{i}.log")
                        for i in range(API_PROCESSES)]
        self.db = SurgeDb(pg_dsn=self.pg.dsn())
        self.prefect_db = SurgeDb(pg_dsn=self.pg.dsn("prefect"))

    @property
    def pids(self) -> list[int]:
        pids = super().pids
        if self.prefect is not None:
            pids += [p.proc.pid for p in [self.prefect.server, *self.prefect.workers]]
        postmaster = self.pg.data_dir / "postmaster.pid"
        if postmaster.exists():
            pids.append(int(postmaster.read_text().split()[0]))
        return pids

    def log_text(self) -> str:
        workers = self.prefect.workers if self.prefect is not None else []
        return super().log_text() + "".join(w.log_text() for w in workers)

    def stop(self) -> None:
        if getattr(self, "db", None) is not None:
            super().stop()
        if getattr(self, "prefect_db", None) is not None:
            self.prefect_db.close()
        if self.prefect is not None:
            self.prefect.stop()
        self.pg.stop()


STACKS = {"embedded": EmbeddedStack, "distributed": DistributedStack}
