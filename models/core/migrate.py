"""Run the alembic migrations programmatically (the CLI, `make run` and the tests)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


def current_revisions(url: str) -> tuple[str, ...]:
    """The revisions the database is at; empty for a database never migrated."""
    from sqlalchemy import create_engine

    from alembic.runtime.migration import MigrationContext

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def upgrade_and_describe(url: str) -> str:
    """Upgrade, and say in words what happened: created, upgraded, or already up to date."""
    before = current_revisions(url)
    upgrade(url)
    after = current_revisions(url)
    head = ", ".join(after)
    if not before:
        return f"database created (schema {head})"
    if before != after:
        return f"database upgraded from {', '.join(before)} to {head}"
    return f"database already up to date (schema {head})"


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
