"""Read-only queries of the surge benchmark on a SQLite file or a PostgreSQL database, so the
same measuring code serves embedded and distributed mode. SQL is written with `?` marks."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


class SurgeDb:
    def __init__(self, *, sqlite_path: Path | None = None, pg_dsn: str | None = None) -> None:
        self.sqlite_path, self.pg_dsn = sqlite_path, pg_dsn
        self._pg: Any = None

    def exists(self) -> bool:
        return self.pg_dsn is not None or bool(self.sqlite_path and self.sqlite_path.exists())

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.pg_dsn is not None:
            if self._pg is None:
                import psycopg

                self._pg = psycopg.connect(self.pg_dsn, autocommit=True)
            return list(self._pg.execute(sql.replace("?", "%s"), params).fetchall())
        uri = f"file:{self.sqlite_path}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=30) as db:
            return list(db.execute(sql, params).fetchall())

    def one(self, sql: str, params: tuple = ()) -> tuple:
        return self.rows(sql, params)[0]

    def close(self) -> None:
        if self._pg is not None:
            self._pg.close()
            self._pg = None


def ts(value: Any) -> float | None:
    """A stored time (naive means UTC; text or datetime) as an epoch."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else \
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
