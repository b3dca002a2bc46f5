"""Migration 0011 (case notes) goes up, down and up again on SQLite and PostgreSQL, on a fresh
database taken only as far as it (later revisions are other issues')."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect

from models.core.migrate import downgrade, upgrade


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _columns(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path):  # noqa: ANN001, ANN201
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrate.db'}"
    return request.getfixturevalue("postgres_db")


def test_case_note_up_down_up(empty_url: str) -> None:
    upgrade(empty_url, "0011_case_desk")
    assert "case_note" in _tables(empty_url)
    downgrade(empty_url, "0010_payout_details")
    assert "case_note" not in _tables(empty_url) and "application" in _tables(empty_url)
    upgrade(empty_url, "0011_case_desk")
    assert {"application_id", "author_id", "kind", "ref_id", "text_enc"} <= _columns(
        empty_url, "case_note")
