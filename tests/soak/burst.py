"""The soak itself: contended writes released at one moment, hostile and ordinary traffic
around them for a fixed time, and a prober reading /api/v1/health every ~100 ms.

    result = run_burst(fund, seconds=12)
    result.recorder.table(); result.recorder.unexpected(ALLOWED)

Each kind of person has a loopback address of their own (tests/support/load.py): the
coordinator, finance, applicants, each signed-in staff member and each attacker, so rate
limits on the attackers cannot be confused with limits on anyone else.
"""
from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import httpx
from jose import jwt

from models.core.crypto import new_receipt
from tests.soak.fund import (COORDINATOR, DESTINATION, FINANCE, PAGE_STAFF, STAY_FROM,
                             STAY_NIGHTS, TARGET, Fund, ordinary_grant)
from tests.support.load import Recorder, client, csrf_token

ATTACKERS = 3  # addresses per hostile stream; five streams: fifteen anonymous clients
MAX_CALLS = 2000  # per stream worker: every loop is bounded in count as well as time
PROBE_EVERY_S = 0.1
CLIENT_ERRORS = set(range(400, 500))
ALLOWED: dict[str, set[int]] = {
    "hold": {201, 409}, "approve": {200, 201} | CLIENT_ERRORS,
    "login_api_wrong": {401, 429}, "login_page_wrong": {401, 429},
    "receipt_api_unknown": {404, 429}, "receipt_page_unknown": {404, 429},
    "forged_token": {401}, "apply": {201}, "status_api": {200}, "status_page": {200},
    "staff_page": {200}, "staff_api_read": {200}, "health": {200},
}


@dataclass
class BurstResult:
    recorder: Recorder
    seconds: float  # wall time from the release to the last answer


def forged_tokens() -> list[str]:
    """A well-formed staff token signed with the wrong key, one with no signature, junk."""
    claims = {"sub": "x" * 32, "role": "finance", "aud": "amparo-staff", "iss": "amparo",
              "iat": int(time.time()), "exp": int(time.time()) + 600}
    return [jwt.encode(claims, "not-the-server-key", algorithm="HS256"),
            jwt.encode(claims, "", algorithm="HS256").rsplit(".", 1)[0] + ".",
            secrets.token_urlsafe(40)]


async def repeat(stop_at: float, pause: float, step: Callable[[int], Awaitable[Any]]) -> None:
    for i in range(MAX_CALLS):
        if time.monotonic() >= stop_at:
            return
        await step(i)
        await asyncio.sleep(pause)


class Burst:
    def __init__(self, fund: Fund, seconds: float) -> None:
        self.fund, self.seconds = fund, seconds
        self.url = fund.dep.url
        self.rec = Recorder()
        self.go = asyncio.Event()
        self.stop_at = float("inf")
        self.clients: list[httpx.AsyncClient] = []
        self._addresses = (f"127.0.{n // 250}.{2 + n % 250}" for n in range(10_000))
        self.coordinator = fund.dep.login(COORDINATOR)  # signed in before the release
        self.finance = fund.dep.login(FINANCE)

    def client(self, **kw: Any) -> httpx.AsyncClient:
        c = client(self.url, next(self._addresses), **kw)
        self.clients.append(c)
        return c

    # --- the contended writes, all at the release ---------------------------------------
    async def holds(self, c: httpx.AsyncClient) -> None:
        headers = self.coordinator
        body = {"shelter_id": self.fund.house_id, "from_date": STAY_FROM.isoformat(),
                "nights": STAY_NIGHTS, "beds": 1}
        await self.go.wait()
        await asyncio.gather(*(self.rec.call("hold", c, "POST", f"/api/v1/applications/{a}/holds",
                                             json=body, headers=headers)
                               for a in self.fund.shelter_cases))

    async def approvals(self, c: httpx.AsyncClient, n: int) -> None:
        headers = self.finance
        path = f"/api/v1/disbursements/{self.fund.disbursement_id}/approve"
        body = {"rail": "stripe_connect", "destination": DESTINATION}
        await self.go.wait()
        await asyncio.gather(*(self.rec.call("approve", c, "POST", path, json=body,
                                             headers=headers) for _ in range(n)))

    # --- hostile streams ------------------------------------------------------------------
    async def wrong_logins_api(self, c: httpx.AsyncClient) -> None:
        who = ["nobody@example.invalid", TARGET]
        await self.go.wait()
        await repeat(self.stop_at, 0, lambda i: self.rec.call(
            "login_api_wrong", c, "POST", "/api/v1/auth/token",
            json={"username": who[i % 2], "password": f"wrong-{i}", "otp": "000000"}))

    async def wrong_logins_page(self, c: httpx.AsyncClient) -> None:
        token = await csrf_token(c, "/staff/login")
        await self.go.wait()
        await repeat(self.stop_at, 0, lambda i: self.rec.call(
            "login_page_wrong", c, "POST", "/staff/login",
            data={"csrf_token": token, "email": TARGET,
                  "password": f"wrong-{i}", "otp": "123456", "next": "/staff/"}))

    async def unknown_receipts_api(self, c: httpx.AsyncClient) -> None:
        await self.go.wait()
        await repeat(self.stop_at, 0, lambda i: self.rec.call(
            "receipt_api_unknown", c, "POST", "/api/v1/status", json={"receipt": new_receipt()}))

    async def unknown_receipts_page(self, c: httpx.AsyncClient) -> None:
        token = await csrf_token(c, "/status")
        await self.go.wait()
        await repeat(self.stop_at, 0, lambda i: self.rec.call(
            "receipt_page_unknown", c, "POST", "/status",
            data={"csrf_token": token, "lang": "en", "receipt": new_receipt()}))

    async def forged(self, c: httpx.AsyncClient) -> None:
        tokens = forged_tokens()
        targets = [("GET", "/api/v1/applications", None), ("GET", "/api/v1/disbursements", None),
                   ("POST", f"/api/v1/disbursements/{self.fund.disbursement_id}/approve",
                    {"rail": "stripe_connect", "destination": DESTINATION}),
                   ("POST", f"/api/v1/applications/{self.fund.shelter_cases[0]}/holds",
                    {"shelter_id": self.fund.house_id, "from_date": STAY_FROM.isoformat(),
                     "nights": 1, "beds": 1})]
        await self.go.wait()

        def step(i: int) -> Awaitable[Any]:
            method, path, body = targets[i % len(targets)]
            return self.rec.call("forged_token", c, method, path, json=body,
                                 headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"})
        await repeat(self.stop_at, 0, step)

    # --- ordinary people ---------------------------------------------------------------
    async def applicants(self, c: httpx.AsyncClient, first: int) -> None:
        await self.go.wait()
        await repeat(self.stop_at, 0.2, lambda i: self.rec.call(
            "apply", c, "POST", "/api/v1/applications", json=ordinary_grant(first + i)))

    async def status_readers(self, c: httpx.AsyncClient) -> None:
        receipts = self.fund.receipts
        token = await csrf_token(c, "/status")
        await self.go.wait()

        def step(i: int) -> Awaitable[Any]:
            receipt = receipts[i // 3 % len(receipts)]
            if i % 3 == 0:
                return self.rec.call("status_api", c, "POST", "/api/v1/status",
                                     json={"receipt": receipt})
            if i % 3 == 1:
                return self.rec.call("status_page", c, "GET", "/status")
            return self.rec.call("status_page", c, "POST", "/status",
                                 data={"csrf_token": token, "lang": "en", "receipt": receipt})
        await repeat(self.stop_at, 0.1, step)

    async def staff_pages(self, c: httpx.AsyncClient, path: str) -> None:
        await self.go.wait()
        await repeat(self.stop_at, 0.2, lambda i: self.rec.call("staff_page", c, "GET", path))

    async def staff_reads(self, c: httpx.AsyncClient) -> None:
        paths = [f"/api/v1/shelters/{self.fund.house_id}", "/api/v1/applications?kind=shelter"]
        await self.go.wait()
        await repeat(self.stop_at, 0.2, lambda i: self.rec.call(
            "staff_api_read", c, "GET", paths[i % 2], headers=self.coordinator))

    async def prober(self, c: httpx.AsyncClient, done: asyncio.Event) -> None:
        """A probe every PROBE_EVERY_S whether or not the last one was answered (as a load
        balancer's health check): a stall shows in every probe that arrives during it."""
        probes = []
        for _ in range(MAX_CALLS):
            if done.is_set():
                break
            probes.append(asyncio.create_task(
                self.rec.call("health", c, "GET", "/api/v1/health")))
            await asyncio.sleep(PROBE_EVERY_S)
        await asyncio.gather(*probes)

    # --- all together ---------------------------------------------------------------------
    def workers(self, approvals: int, first_applicant: int) -> list[Awaitable[None]]:
        hostile = [self.wrong_logins_api, self.wrong_logins_page, self.unknown_receipts_api,
                   self.unknown_receipts_page, self.forged]
        out = [self.holds(self.client()), self.approvals(self.client(), approvals)]
        out += [stream(self.client(connections=1)) for stream in hostile for _ in range(ATTACKERS)]
        out += [self.applicants(self.client(), first_applicant + 1000 * k) for k in range(2)]
        out += [self.status_readers(self.client()), self.staff_reads(self.client())]
        for email, path in PAGE_STAFF.items():
            c = self.client()
            c.cookies.set("amparo_staff", self.fund.cookies[email])
            out.append(self.staff_pages(c, path))
        return out

    async def run(self, approvals: int, first_applicant: int) -> float:
        done = asyncio.Event()
        probe = asyncio.create_task(self.prober(self.client(), done))
        tasks = [asyncio.create_task(w) for w in self.workers(approvals, first_applicant)]
        await asyncio.sleep(1.0)  # forms fetched, everyone waiting; the prober's baseline
        started = time.monotonic()
        self.stop_at = started + self.seconds
        self.go.set()
        await asyncio.gather(*tasks)
        finished = time.monotonic()
        done.set()
        await probe
        await asyncio.gather(*(c.aclose() for c in self.clients))
        return finished - started


def _run_in_own_loop(coro: Any) -> Any:
    """asyncio.run in a thread of its own: in the whole suite an earlier test may have left
    an event loop set on this thread, where asyncio.run refuses to start."""
    import threading
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            out["error"] = exc

    thread = threading.Thread(target=target, name="soak-burst")
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def run_burst(fund: Fund, *, seconds: float = 12, approvals: int = 50,
              first_applicant: int = 1000) -> BurstResult:
    burst = Burst(fund, seconds)
    wall = _run_in_own_loop(burst.run(approvals, first_applicant))
    return BurstResult(recorder=burst.rec, seconds=wall)
