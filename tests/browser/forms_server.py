"""The app served by uvicorn in a thread on its own SQLite database, for browser tests."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from tests.support.server import free_port


@contextmanager
def served_app(tmp: Path) -> Iterator[str]:
    from models.core.db import session_scope
    from models.core.migrate import upgrade
    from models.core.settings import reset_settings
    from models.programmes.service import demo_programme, ensure_programme

    url = f"sqlite:///{tmp / 'forms.db'}"
    os.environ["AMPARO_DATABASE_URL"] = url
    reset_settings()
    upgrade(url)
    with session_scope() as session:
        ensure_programme(session, demo_programme())
    from api.app import create_app
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)
        os.environ.pop("AMPARO_DATABASE_URL", None)
        reset_settings()
