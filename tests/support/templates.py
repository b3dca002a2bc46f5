"""Migrated databases without running the migrations for every test.

The migrations run once per session into a template (a SQLite file, a PostgreSQL template
database); each test then gets a copy of it, which is what `upgrade()` on an empty database
would have built (the migrations depend on nothing but the schema; the tests of the
migrations themselves still run them on empty databases). A copy takes milliseconds where
the eighteen revisions take about a second.

    url = sqlite_copy(tmp_path / "amparo.db")          # sqlite:///<tmp>/amparo.db, at heads
    url = postgres_copy(pg_server, "t_1234")           # a new database cloned from the template
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.support.postgres import PgServer

_PG_TEMPLATE = "amparo_migrated"
_sqlite_template: Path | None = None
_pg_ready: set[int] = set()  # ports of the servers whose template is built


def _upgrade(url: str) -> None:
    from models.core.migrate import upgrade
    upgrade(url)


def sqlite_copy(target: Path) -> str:
    """A migrated SQLite database at `target`, copied from the session's template."""
    global _sqlite_template
    if _sqlite_template is None:
        template = Path(tempfile.mkdtemp(prefix="amparo-template-")) / "migrated.db"
        _upgrade(f"sqlite:///{template}")  # disposes its engine: no WAL is left open
        _sqlite_template = template
    for suffix in ("", "-wal"):  # WAL mode is kept in the file; a leftover log goes along
        source = _sqlite_template.with_name(_sqlite_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    return f"sqlite:///{target}"


def postgres_copy(server: PgServer, name: str) -> str:
    """A new database `name` on `server`, cloned from its migrated template database."""
    import psycopg
    from psycopg import sql

    if server.port not in _pg_ready:
        _upgrade(server.create_database(_PG_TEMPLATE))  # NullPool: no session stays open
        _pg_ready.add(server.port)
    with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(_PG_TEMPLATE)))
    return server.url_for(name)
