"""Migration 0015 (statements) goes down and up again on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import create_engine, inspect

from models.core.migrate import downgrade, upgrade

TABLES = {"money_statement", "money_statement_line"}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_down_and_up(db_url):
    assert TABLES <= _tables(db_url)
    downgrade(db_url, "0014_network")
    assert not TABLES & _tables(db_url)
    upgrade(db_url)
    assert TABLES <= _tables(db_url)
