"""A TestClient on a fresh SQLite database with the demo programme."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient


def _client() -> Iterator[TestClient]:
    from api.app import create_app
    from models.core.db import session_scope
    from models.programmes.service import demo_programme, ensure_programme

    with session_scope() as session:
        ensure_programme(session, demo_programme())
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    yield from _client()


@pytest.fixture
def client_any_db(db_url: str) -> Iterator[TestClient]:
    """The same client on SQLite and on a real PostgreSQL."""
    yield from _client()


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)
