"""Health: is the database reachable, how long is the dispatch backlog.

Answered from a small thread pool of its own, not the requests' threads: a prober (a load
balancer, an operator's monitor) must learn that the service is alive even while every
request thread is busy with a surge — the soak test reads it every 100 ms under load."""
from __future__ import annotations

import asyncio
import weakref

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import APIRouter
from sqlalchemy import text

from models.core import outbox
from models.core.db import session_scope
from models.core.settings import get_settings

router = APIRouter(tags=["health"])
# Two threads per event loop (tests run several apps, each on a loop of its own).
_PROBE_THREADS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter]" = \
    weakref.WeakKeyDictionary()


def _probe() -> dict:
    with session_scope(read_only=True) as db:
        db.exec(text("SELECT 1"))  # type: ignore[call-overload]
        backlog = outbox.pending_count(db)
    return {"status": "ok", "mode": get_settings().mode, "dispatch_backlog": backlog}


@router.get("/health")
async def health() -> dict:
    loop = asyncio.get_running_loop()
    limiter = _PROBE_THREADS.get(loop)
    if limiter is None:
        limiter = _PROBE_THREADS[loop] = CapacityLimiter(2)
    return await anyio.to_thread.run_sync(_probe, limiter=limiter)
