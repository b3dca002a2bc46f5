"""Many HTTP clients at once, each from its own loopback address, every answer recorded.

Shared by the soak test (tests/soak/) and its benchmark (bench/soak.py):

    rec = Recorder()
    async with client(url, "127.0.0.21") as c:           # the server sees 127.0.0.21
        r = await rec.call("health", c, "GET", "/api/v1/health")   # None: no answer
    rec.table()          # per class: n, statuses, unanswered, p50/p99/max in ms
    rec.unexpected({"health": {200}})                     # what broke the expectations

Linux routes all of 127.0.0.0/8 to the loopback interface, so binding a client socket to
127.0.0.N gives each simulated person an address of their own (rate limits count per
address) without any proxy header. A request with no answer within the client's timeout
is recorded with status None: it counts as a failure, never as a success.
"""
from __future__ import annotations

import asyncio
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.surge_probe import percentile

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TIMEOUT_S = 30.0
KEEPALIVE_S = 3.0  # below the server's keep-alive timeout (uvicorn: 5 s)


def client(base_url: str, address: str, *, timeout: float = TIMEOUT_S,
           connections: int = 100) -> httpx.AsyncClient:
    """An async client whose connections leave from `address` (a 127.x.y.z)."""
    transport = httpx.AsyncHTTPTransport(
        local_address=address,
        # An idle connection is dropped before uvicorn's keep-alive timeout (5 s) closes it:
        # with both at 5 s a request can leave just as the server closes, and comes back as
        # a ReadError (seen with people thinking 2 s between actions, on the bare app too).
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections,
                            keepalive_expiry=KEEPALIVE_S))
    return httpx.AsyncClient(base_url=base_url, transport=transport, timeout=timeout,
                             follow_redirects=False)


async def csrf_token(c: httpx.AsyncClient, path: str) -> str:
    """GET a form page (which sets the CSRF cookie on `c`) and return its hidden token."""
    r = await c.get(path)
    r.raise_for_status()
    found = CSRF.search(r.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


@dataclass
class Outcome:
    cls: str
    status: int | None  # None: no answer (timeout, connection error)
    seconds: float
    at: float  # time.monotonic() when sent
    error: str = ""


@dataclass
class Recorder:
    outcomes: list[Outcome] = field(default_factory=list)

    async def call(self, cls: str, c: httpx.AsyncClient, method: str, url: str,
                   **kw: Any) -> httpx.Response | None:
        """Send and record; an answer must come within TIMEOUT_S in all (waiting for a
        connection included), else the request counts as unanswered."""
        at = time.monotonic()
        try:
            r = await asyncio.wait_for(c.request(method, url, **kw), TIMEOUT_S)
        except (httpx.HTTPError, asyncio.TimeoutError) as exc:
            self.outcomes.append(Outcome(cls, None, time.monotonic() - at, at,
                                         type(exc).__name__))
            return None
        self.outcomes.append(Outcome(cls, r.status_code, time.monotonic() - at, at))
        return r

    def of(self, cls: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.cls == cls]

    def statuses(self, cls: str) -> Counter:
        return Counter(o.status for o in self.of(cls))

    def table(self) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            groups[o.cls].append(o)
        return {cls: summary(items) for cls, items in sorted(groups.items())}

    def unexpected(self, allowed: dict[str, set[int]]) -> dict[str, dict[str, int]]:
        """Per class, the statuses outside `allowed` (None = unanswered) and their counts."""
        out: dict[str, dict[str, int]] = {}
        for o in self.outcomes:
            if o.status is None or o.status not in allowed.get(o.cls, set()):
                bad = out.setdefault(o.cls, {})
                key = str(o.status) if o.status is not None else f"none:{o.error}"
                bad[key] = bad.get(key, 0) + 1
        return out


def summary(items: list[Outcome]) -> dict[str, Any]:
    answered = [o.seconds for o in items if o.status is not None]
    return {"n": len(items), "statuses": dict(Counter(str(o.status) for o in items)),
            "unanswered": sum(o.status is None for o in items),
            "unanswered_why": dict(Counter(o.error for o in items if o.status is None)),
            "errors": sum(o.status is None or o.status >= 500 for o in items),
            "p50_ms": _ms(percentile(answered, 50)), "p99_ms": _ms(percentile(answered, 99)),
            "max_ms": _ms(max(answered, default=float("nan")))}


def _ms(seconds: float) -> float | None:
    return None if seconds != seconds else round(seconds * 1000, 1)  # NaN: no answers
