"""The simulated people of the soak benchmark (bench/soak.py): applicants and staff.

Each person is a loop on a client of their own (tests/support/load.py: a loopback address
each, so rate limits see different people), doing one action, then thinking for a random
while (exponential, mean `think` seconds), until the run's end. Every answer is recorded
under a request class; `OK` says which statuses are a normal answer for each.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyotp

from models.core.crypto import new_receipt
from tests.support.load import CSRF, Recorder

MAX_ACTIONS = 100_000  # per person: bounded in count as well as in time
# Request class -> (statuses that are normal answers, p99 target in seconds or None).
OK: dict[str, tuple[set[int], float | None]] = {
    "form_page": ({200}, 1.0), "status": ({200}, 1.0), "status_unknown": ({404, 429}, 1.0),
    "apply": ({201}, None), "login": ({200, 303}, None), "first_login": ({200, 303}, None),
    "page_read": ({200}, 1.0),
    "api_read": ({200}, 1.0), "staff_write": ({200, 201, 409}, 2.0),
    "bare_write": ({201}, None), "bare_read": ({200}, None),
}
FORMS = ["/apply", "/apply/grant", "/apply/shelter", "/apply/visa", "/status"]


@dataclass
class World:
    """What the people share: the recorder, the end of the run, receipts and ids seen."""

    recorder: Recorder
    bodies: Iterator[dict[str, Any]]
    think: float
    stop_at: float = float("inf")
    house_id: str = ""
    receipts: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    client_cpu: float = 0.0  # CPU seconds the load client used during the run

    def remember(self, answer: dict[str, Any]) -> None:
        for key, seen in (("receipt", self.receipts), ("id", self.ids)):
            seen.append(answer[key])
            del seen[:-200]  # the most recent ones


class Person:
    def __init__(self, world: World, c: httpx.AsyncClient, seed: int) -> None:
        self.world, self.c, self.rng = world, c, random.Random(seed)

    def call(self, cls: str, method: str, url: str, **kw: Any) -> Awaitable[httpx.Response | None]:
        return self.world.recorder.call(cls, self.c, method, url, **kw)

    def actions(self) -> list[tuple[float, Callable[[], Awaitable[Any]]]]:
        raise NotImplementedError

    async def start(self) -> None:
        """Before the clock starts (staff sign in here)."""

    async def tick(self) -> None:
        """Before each action."""

    async def run(self) -> None:
        await asyncio.sleep(self.rng.uniform(0, self.world.think * 2))  # not all at once
        table = self.actions()
        weights = [w for w, _ in table]
        for _ in range(MAX_ACTIONS):
            if time.monotonic() >= self.world.stop_at:
                return
            await self.tick()
            await self.rng.choices([a for _, a in table], weights)[0]()
            await asyncio.sleep(min(self.rng.expovariate(1 / self.world.think),
                                    self.world.think * 4))


class Applicant(Person):
    def actions(self) -> list[tuple[float, Callable[[], Awaitable[Any]]]]:
        return [(0.4, self.form), (0.2, self.apply), (0.3, self.status), (0.1, self.unknown)]

    async def form(self) -> None:
        await self.call("form_page", "GET", self.rng.choice(FORMS))

    async def apply(self) -> None:
        r = await self.call("apply", "POST", "/api/v1/applications", json=next(self.world.bodies))
        if r is not None and r.status_code == 201:
            self.world.remember(r.json())

    async def status(self) -> None:
        if self.world.receipts:
            await self.call("status", "POST", "/api/v1/status",
                            json={"receipt": self.rng.choice(self.world.receipts)})

    async def unknown(self) -> None:
        await self.call("status_unknown", "POST", "/api/v1/status",
                        json={"receipt": new_receipt()})


class Staff(Person):
    """A staff member on the API (a bearer token) or on the pages (a session cookie).

    Signed in before the clock starts (class `first_login`: everyone at once, as at the start
    of a shift); signs in again once at a random moment of the run (`login`: a session ran
    out), in a later TOTP step than the first (a code is accepted once)."""

    def __init__(self, world: World, c: httpx.AsyncClient, seed: int, *, email: str,
                 role: str, password: str, totp: str, pages: bool) -> None:
        super().__init__(world, c, seed)
        self.email, self.role, self.password, self.totp, self.pages = \
            email, role, password, totp, pages
        self.step = 0
        self.again_at: float | None = float("inf")  # None: to be drawn once the clock runs

    async def start(self) -> None:
        await self.sign_in("first_login")
        self.again_at = None

    async def tick(self) -> None:
        now = time.monotonic()
        if self.again_at is None:
            self.again_at = now + self.rng.uniform(0.05, 0.95) * (self.world.stop_at - now)
        if now >= self.again_at and int(time.time() // 30) != self.step:
            self.again_at = float("inf")
            await self.sign_in("login")

    async def sign_in(self, cls: str) -> None:
        self.step = int(time.time() // 30)
        code = pyotp.TOTP(self.totp).now()
        if self.pages:
            self.c.cookies.clear()  # signing in again: the session has run out
            page = await self.call("page_read" if cls == "login" else cls, "GET", "/staff/login")
            token = CSRF.search(page.text) if page is not None else None
            if token:
                form = {"csrf_token": token.group(1), "otp": code, "email": self.email,
                        "password": self.password, "next": "/staff/"}
                await self.call(cls, "POST", "/staff/login", data=form)
            return
        r = await self.call(cls, "POST", "/api/v1/auth/token", json={
            "username": self.email, "password": self.password, "otp": code})
        if r is not None and r.status_code == 200:
            self.c.headers["Authorization"] = "Bearer " + r.json()["access_token"]

    def actions(self) -> list[tuple[float, Callable[[], Awaitable[Any]]]]:
        if self.pages:
            return [(1.0, self.page)]
        own = {"reviewer": [(0.6, self.reviews), (0.35, self.vote)],
               "caseworker": [(0.45, self.cases), (0.35, self.case), (0.15, self.ask)],
               "shelter_coordinator": [(0.6, self.houses), (0.35, self.hold)],
               "finance": [(0.95, self.disbursements)]}[self.role]
        return own

    async def page(self) -> None:
        house = f"/staff/shelters/{self.world.house_id}"
        paths = {"reviewer": ["/staff/queue", "/staff/"], "caseworker": ["/staff/cases"],
                 "shelter_coordinator": ["/staff/shelters", house],
                 "finance": ["/staff/finance", "/staff/"]}[self.role]
        if self.role == "caseworker" and self.world.ids:
            paths.append(f"/staff/cases/{self.rng.choice(self.world.ids)}")
        await self.call("page_read", "GET", self.rng.choice(paths))

    async def case(self, application_id: str | None = None) -> None:
        """One case: any recent one for a caseworker, one from the queue for a reviewer."""
        application_id = application_id or (self.world.ids and self.rng.choice(self.world.ids))
        if application_id:
            await self.call("api_read", "GET", f"/api/v1/applications/{application_id}")

    async def reviews(self) -> None:
        r = await self.call("api_read", "GET", "/api/v1/reviews")
        items = r.json()["items"] if r is not None and r.status_code == 200 else []
        if items:
            await self.case(self.rng.choice(items[:10])["application_id"])

    async def vote(self) -> None:
        r = await self.call("api_read", "GET", "/api/v1/reviews")
        todo = [i for i in (r.json()["items"] if r is not None and r.status_code == 200 else [])
                if not i["voted"] and i["kind"] == "grant"]
        if todo:
            decision = self.rng.choice(["approve", "approve", "reject"])
            body = {"decision": decision, "comment": "Benchmark vote (fake)."}
            if decision == "approve":
                body["amount"] = 500
            await self.call("staff_write", "POST",
                            f"/api/v1/applications/{todo[0]['application_id']}/votes", json=body)

    async def cases(self) -> None:
        await self.call("api_read", "GET", "/api/v1/applications?status=in_review")

    async def ask(self) -> None:
        if self.world.ids:
            await self.call("staff_write", "POST",
                            f"/api/v1/applications/{self.rng.choice(self.world.ids)}/info-requests",
                            json={"question": "Benchmark question (fake): a phone that works?"})

    async def houses(self) -> None:
        await self.call("api_read", "GET", "/api/v1/shelters")

    async def hold(self) -> None:
        r = await self.call("api_read", "GET", "/api/v1/applications?kind=shelter&status=matching")
        cases = r.json() if r is not None and r.status_code == 200 else []
        if cases:
            case = self.rng.choice(cases[:5])
            request = case.get("request") or {}
            await self.call("staff_write", "POST", f"/api/v1/applications/{case['id']}/holds",
                            json={"shelter_id": self.world.house_id,
                                  "from_date": request.get("from_date"),
                                  "nights": request.get("nights", 14),
                                  "beds": request.get("people", 2)})

    async def disbursements(self) -> None:
        await self.call("api_read", "GET", self.rng.choice(["/api/v1/disbursements",
                                                            "/api/v1/money/balances"]))


class BareClient(Person):
    """The same kind of person against the bare FastAPI + SQLite baseline: writes and reads."""

    def actions(self) -> list[tuple[float, Callable[[], Awaitable[Any]]]]:
        return [(0.3, self.write), (0.7, self.read)]

    async def write(self) -> None:
        r = await self.call("bare_write", "POST", "/api/v1/applications",
                            json=next(self.world.bodies))
        if r is not None and r.status_code == 201:
            self.world.remember(r.json())

    async def read(self) -> None:
        if self.world.ids:
            path = f"/api/v1/applications/{self.rng.choice(self.world.ids)}"
            await self.call("bare_read", "GET", path)
