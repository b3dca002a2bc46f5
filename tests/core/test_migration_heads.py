"""The migrations have one head, so the next `alembic revision` works."""
from __future__ import annotations

from alembic.script import ScriptDirectory

from models.core.migrate import alembic_config


def test_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"migrations have {len(heads)} heads: {sorted(heads)}"
