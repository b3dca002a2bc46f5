"""Shared pytest fixtures. Enable in the root conftest:

    pytest_plugins = ["tests.support.fixtures"]

postgres_server (session)  PgServer; fails loudly if PostgreSQL cannot start, never skips
postgres_db (function)     SQLAlchemy URL of a fresh, empty database on that server
fake_stripe (function)     a started FakeStripe; point the app at fake_stripe.url
smtp_sink (function)       a started SmtpSink (host 127.0.0.1, .port)
browser (session)          headless Debian Chromium via sync Playwright
page (function)            a fresh page in its own context, closed afterwards
free_port()                a plain helper, not a fixture
"""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from tests.support.browser import launch_chromium
from tests.support.fake_stripe import FakeStripe
from tests.support.postgres import PgServer, start_postgres
from tests.support.server import free_port
from tests.support.smtp import SmtpSink

__all__ = ["postgres_server", "postgres_db", "fake_stripe", "smtp_sink", "browser", "page",
           "free_port"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    server = start_postgres()  # raises PostgresStartError: a missing PG is a failure
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_db(postgres_server: PgServer) -> Iterator[str]:
    name = "t_" + uuid.uuid4().hex[:12]
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="en-GB")  # type: ignore[attr-defined]
    try:
        yield context.new_page()
    finally:
        context.close()
