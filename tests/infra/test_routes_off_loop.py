"""No route blocks the event loop with database, password or PDF work.

An `async def` route runs on the event loop: a database session in it (a SQLite transaction
waiting on the write gate), an argon2 check or the PDF sandbox stalls every other request,
and once froze the server under a dozen clients. Such routes are plain `def` (FastAPI runs
them in its threadpool); only the body is read by an async dependency (api/posted.py).
"""
from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import routing
from fastapi.dependencies.models import Dependant

from api.deps import get_read_session, get_session

BLOCKING_WORDS = ("session", "authenticate(", "new_session", "session_scope",
                  "read_pdf_limited", "parse_upload(")


@pytest.fixture(scope="module")
def routes() -> list[Any]:
    """Every route with a dependant. FastAPI 0.150 nests included routers in `app.routes`;
    `iter_route_contexts` flattens them (older versions list the routes themselves)."""
    from api.app import create_app
    app_routes = create_app().routes
    flatten = getattr(routing, "iter_route_contexts", None)
    found = flatten(app_routes) if flatten else app_routes
    return [r for r in found if isinstance(getattr(r, "dependant", None), Dependant)]


def _tree(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _tree(sub)


def _opens_session(dependant: Dependant) -> bool:
    return any(d.call in (get_session, get_read_session) for d in _tree(dependant))


def _async_callables(route: Any) -> Iterator[tuple[str, Dependant]]:
    """The endpoint and every dependency of it that would run on the event loop."""
    for dependant in _tree(route.dependant):
        if dependant.call is not None and asyncio.iscoroutinefunction(dependant.call):
            yield f"{route.path} {dependant.call.__qualname__}", dependant


def test_the_walk_sees_the_session_routes(routes: list[Any]) -> None:
    """Guards the tests below against passing on nothing (a renamed dependency, say)."""
    assert sum(_opens_session(r.dependant) for r in routes) > 20


def test_no_async_route_has_a_database_session(routes: list[Any]) -> None:
    offenders = sorted(name for r in routes for name, d in _async_callables(r)
                       if _opens_session(d))
    assert offenders == [], f"async routes with a session (make them `def`): {offenders}"


def test_no_async_route_does_blocking_work(routes: list[Any]) -> None:
    offenders = sorted(
        f"{name}: {word}" for r in routes for name, d in _async_callables(r)
        for word in BLOCKING_WORDS if word in inspect.getsource(d.call))  # type: ignore[arg-type]
    assert offenders == [], f"async routes doing blocking work (make them `def`): {offenders}"
