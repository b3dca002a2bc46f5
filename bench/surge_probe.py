"""Measuring tools of the surge benchmark: an HTTP load client, a memory sampler, percentiles.

The client keeps a bounded pool of connections busy (asyncio + httpx) and records each
request's latency; the sampler sums the resident memory of a process and all its
descendants (the API process and the Prefect server it spawns) from /proc.
"""
from __future__ import annotations

import asyncio
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float]
    answers: list[dict[str, Any] | None]  # per request, in order; None when it failed
    sent_at: list[float]  # time.time() when each request was sent
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)  # HTTP status or exception

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, float]:
        return {"requests": len(self.answers), "ok": len(self.latencies), "errors": self.errors,
                **({"error_kinds": self.error_kinds} if self.error_kinds else {}),
                "seconds": round(self.seconds, 2), "per_second": round(self.throughput, 1),
                "p50_ms": round(percentile(self.latencies, 50) * 1000, 1),
                "p99_ms": round(percentile(self.latencies, 99) * 1000, 1)}


async def _submit_all(urls: list[str], bodies: list[dict[str, Any]], concurrency: int,
                      headers_for: Any) -> LoadResult:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    answers: list[dict[str, Any] | None] = [None] * len(bodies)
    sent_at = [0.0] * len(bodies)
    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(bodies)):
        queue.put_nowait(i)

    async def worker(client: httpx.AsyncClient, url: str) -> None:
        nonlocal errors
        while not queue.empty():
            i = queue.get_nowait()
            sent_at[i] = time.time()
            start = time.perf_counter()
            try:
                resp = await client.post(url, json=bodies[i], headers=headers_for(i))
                if resp.status_code == 201:
                    latencies.append(time.perf_counter() - start)
                    answers[i] = resp.json()
                    continue
                kind = str(resp.status_code)
            except httpx.HTTPError as exc:
                kind = type(exc).__name__
            errors += 1
            kinds[kind] = kinds.get(kind, 0) + 1

    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        start = time.perf_counter()
        # the connections spread over the servers, as a proxy's round robin would
        await asyncio.gather(*(worker(client, urls[k % len(urls)]) for k in range(concurrency)))
        seconds = time.perf_counter() - start
    return LoadResult(seconds=seconds, latencies=latencies, answers=answers, sent_at=sent_at,
                      errors=errors, error_kinds=kinds)


def submit_all(url: str | list[str], bodies: list[dict[str, Any]], *, concurrency: int = 32,
               headers_for: Any = lambda i: {}) -> LoadResult:
    """POST every body as fast as `concurrency` connections allow (to one URL or several)."""
    urls = [url] if isinstance(url, str) else url
    return asyncio.run(_submit_all(urls, bodies, concurrency, headers_for))


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and every descendant, in bytes."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
        todo += _children(current)
    return total


@dataclass
class MemorySampler:
    """Samples a process tree's memory in a thread until stopped; keeps the peak."""

    pid: int | list[int]  # the roots of the process trees summed
    every: float = 0.2
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> "MemorySampler":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = self.pid if isinstance(self.pid, list) else [self.pid]
            self.peak = max(self.peak, sum(tree_rss_bytes(p) for p in pids))
            self._stop.wait(self.every)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 2**20, 1)
