"""Test set-up: throwaway data and Prefect homes, databases built by the migrations.

`db_url` runs a test on SQLite and on a real PostgreSQL; `sqlite_url` on SQLite only.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_ROOT = Path(tempfile.mkdtemp(prefix="amparo-tests-"))
os.environ.update({
    "AMPARO_ENV": "development",
    "AMPARO_DATA_DIR": str(_ROOT / "data"),
    "AMPARO_SECRET_KEY": "test-secret-key-not-for-production-0123456789",
    "AMPARO_ENCRYPTION_KEYS": "t1:" + "A" * 43,
    "AMPARO_STRIPE_WEBHOOK_SECRET": "whsec_test_amparo",
    "AMPARO_DISPATCHER": "off",
    "AMPARO_PREFECT_UI_PORT": "off",  # servers under test never fight for port 4200
    "AMPARO_API_PROCESSES": "1",  # one per test server; tests/infra/test_api_processes.py: two
    "PREFECT_HOME": str(_ROOT / "prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
})
os.environ.pop("AMPARO_DATABASE_URL", None)

pytest_plugins = ["tests.support.fixtures"]


def _point_at(url: str) -> None:
    """Point the settings at `url`, a database already at the migrations' heads."""
    from models.core.settings import reset_settings

    os.environ["AMPARO_DATABASE_URL"] = url
    reset_settings()


def _use_database(url: str) -> None:
    """Point the settings at `url` and run the migrations on it."""
    from models.core.migrate import upgrade

    _point_at(url)
    upgrade(url)


# Under `make test` (pytest-xdist, `--dist loadfile`) a worker takes a test file at a time. These
# files share a costly fixture wider than a file, so each set goes to one worker, which then sets
# it up once: the desks' package-scoped server, and Prefect's harness (session-scoped; a second
# one would start, then sit idle taking CPU for the rest of the run). Only speed depends on it.
SHARED_WORKER = {
    "tests/desks/": "tests/desks",
    "tests/applications/test_flow.py": "prefect_harness",
    "tests/distributed/test_critical_backlog.py": "prefect_harness",
    "tests/money/test_flows.py": "prefect_harness",
    "tests/operations/test_operations.py": "prefect_harness",
    "tests/reviews/test_notify_sweeper.py": "prefect_harness",
    "tests/shelter/test_flow_prefect.py": "prefect_harness",
}


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # before xdist's own scheduler
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # noqa: ANN001, ANN201
    """`--dist loadfile`, with the files of SHARED_WORKER grouped as said there. (xdist's own
    `loadgroup` marks do nothing under pytest 9.2: xdist renames node ids through an
    attribute pytest no longer reads.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            for prefix, scope in SHARED_WORKER.items():
                if path.startswith(prefix):
                    return scope
            return path

    return FileScheduling(config, log)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    from tests.support.templates import sqlite_copy
    url = sqlite_copy(tmp_path / "amparo.db")  # a copy of a database the migrations built
    _point_at(url)
    yield url
    os.environ.pop("AMPARO_DATABASE_URL", None)
    from models.core.settings import reset_settings
    reset_settings()


@pytest.fixture
def postgres_url(postgres_server, request) -> Iterator[str]:  # noqa: ANN001
    from tests.support.templates import postgres_copy
    url = postgres_copy(postgres_server, "t_" + os.urandom(6).hex())  # the migrated template
    _point_at(url)
    yield url
    os.environ.pop("AMPARO_DATABASE_URL", None)
    from models.core.settings import reset_settings
    reset_settings()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request) -> Iterator[str]:  # noqa: ANN001
    """The same test on both databases."""
    yield request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def session(sqlite_url: str):  # noqa: ANN201
    from models.core.db import new_session
    s = new_session()
    yield s
    s.close()


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes() -> Iterator[None]:
    """argon2 at its cheapest in this process: hundreds of staff are made per run and no test
    here is about the hash's cost (tests/core/test_password_hasher.py checks the product's
    parameters; the servers the end-to-end tests start hash at full cost)."""
    from argon2 import PasswordHasher

    import models.people.service as people
    real = people._hasher
    people._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    people._hasher = real


@pytest.fixture(scope="session")
def prefect_harness():  # noqa: ANN201
    """Prefect's own test harness, once per session (it takes ~10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=90):
        yield
