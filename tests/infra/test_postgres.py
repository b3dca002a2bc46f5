"""The throwaway PostgreSQL server: URL, extra databases, dump, clean stop."""

import os
from pathlib import Path

import sqlalchemy as sa

from tests.support.postgres import PgServer, start_postgres


def test_url_is_a_working_sqlalchemy_url(postgres_server: PgServer) -> None:
    assert postgres_server.url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    engine = sa.create_engine(postgres_server.url)
    with engine.connect() as conn:
        version = conn.execute(sa.text("SHOW server_version")).scalar_one()
        fsync = conn.execute(sa.text("SHOW fsync")).scalar_one()
        listen = conn.execute(sa.text("SHOW listen_addresses")).scalar_one()
    engine.dispose()
    assert version.startswith("15.")
    assert fsync == "off"
    assert listen == "127.0.0.1"


def test_runs_as_postgres_user_when_root(postgres_server: PgServer) -> None:
    owner = postgres_server.data_dir.stat().st_uid
    if os.geteuid() == 0:
        import pwd
        assert pwd.getpwuid(owner).pw_name == "postgres"
    else:
        assert owner == os.geteuid()


def test_create_database_and_dump(postgres_server: PgServer) -> None:
    url = postgres_server.create_database("infra_dump_check")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE sample (id int primary key, label text)"))
        conn.execute(sa.text("INSERT INTO sample VALUES (1, 'fixture-label-001')"))
    engine.dispose()
    dump = postgres_server.dump("infra_dump_check")
    assert "CREATE TABLE public.sample" in dump
    assert "fixture-label-001" in dump
    postgres_server.drop_database("infra_dump_check")


def test_postgres_db_fixture_gives_an_empty_database(postgres_db: str) -> None:
    engine = sa.create_engine(postgres_db)
    with engine.connect() as conn:
        tables = conn.execute(sa.text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar_one()
    engine.dispose()
    assert tables == 0


def test_stop_removes_everything() -> None:
    server = start_postgres()
    root: Path = server.root
    assert root.exists()
    server.stop()
    server.stop()  # idempotent
    assert not root.exists()
