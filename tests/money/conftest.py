"""Money test helpers: a small app with only the money routes (the full app belongs to
other areas), tokens for finance users, a fake Stripe wired into the settings."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.fake_stripe import FakeStripe


def money_app() -> FastAPI:
    from fastapi.staticfiles import StaticFiles

    from api.v1 import money, webhooks
    from api.app import API_PREFIX, STATIC
    from api.errors import install_error_handlers
    from api.pages import finance

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(money.router, prefix=API_PREFIX)
    app.include_router(webhooks.router, prefix=API_PREFIX)
    app.include_router(finance.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(money_app()) as c:
        yield c


@pytest.fixture
def sqlite_client(sqlite_url: str) -> Iterator[TestClient]:
    with TestClient(money_app()) as c:
        yield c


@pytest.fixture
def stripe_fake() -> Iterator[FakeStripe]:
    """A fake Stripe the settings point at (AMPARO_STRIPE_API_BASE)."""
    from models.core.settings import reset_settings

    with FakeStripe() as fake:
        os.environ["AMPARO_STRIPE_API_BASE"] = fake.url
        os.environ["AMPARO_STRIPE_API_KEY"] = "sk_test_amparo"
        reset_settings()
        yield fake
    os.environ.pop("AMPARO_STRIPE_API_BASE", None)
    reset_settings()


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from api.auth import issue_token
    return {"Authorization": f"Bearer {issue_token(user)[0]}"}
