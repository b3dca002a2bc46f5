"""Issue 11: a real `amparo serve` under a burst of contended writes and hostile traffic.

Over HTTP only, on SQLite and on PostgreSQL: the demo staff set up a 20-bed house with 40
cases in `matching` and an approved grant paid by Stripe (tests/soak/fund.py). Then, all
released at one moment (tests/soak/burst.py): 40 holds on the house for the same nights,
50 approvals of the one disbursement, wrong logins (API and page), unknown receipts (API
and page), forged bearer tokens, new applications, status and staff page loads, while a
prober reads /api/v1/health every ~100 ms.

Every request must be answered, none with a 5xx; exactly 20 holds and one Stripe transfer;
health p99 under 2 s; the server log clean; afterwards a new critical case reaches
`in_review` promptly and the staff member whose e-mail the attackers used still signs in.
The figures of each run are kept in test-artifacts/soak/<database>.json.
"""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from bench.surge import MailServer
from tests.e2e.harness import Deployment, base_env, deploy
from tests.soak.burst import ALLOWED, run_burst
from tests.soak.fund import (COORDINATOR, TARGET, STAY_FROM, STAY_NIGHTS, Fund,
                             critical_grant, open_fund, submit)
from tests.support.fake_stripe import FakeStripe
from tests.support.load import summary

pytestmark = [pytest.mark.slow, pytest.mark.serial]  # health p99 < 2 s: not beside other tests
BEDS, CASES, APPROVALS = 20, 40, 50
LOAD_SECONDS = 12
HEALTH_P99_S = 2.0
CRITICAL_IN_REVIEW_S = 20.0
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "soak"
# What the server, the dispatcher lanes (flows/dispatch.py), the sweeper (flows/sweeper.py)
# and the runner's supervisor (flows/runner.py) write when something went wrong.
LOG_FAILURES = {
    "database is locked": r"database is locked",
    "write gate taken over": r"taking it over",
    "traceback": r"Traceback \(most recent call last\)",
    "ASGI exception": r"Exception in ASGI application",
    "dispatcher lane failed": r"dispatch failed: ",
    "flow failed to run": r"flow \S+ failed to run for",
    "sweep step failed": r"sweep step \S+ failed",
    "sweep failed": r"sweep failed: ",
    "flow runner died": r"flow runner exited with code",
    "flow run failed": r"Finished in state (Failed|Crashed)",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    if request.param == "sqlite":
        return "sqlite", f"sqlite:///{tmp_path / 'data' / 'amparo.db'}"
    server = request.getfixturevalue("postgres_server")
    return "postgres", server.create_database("soak_" + str(int(time.time() * 1000)))


def log_failures(text: str) -> dict[str, int]:
    found = {name: len(re.findall(pattern, text)) for name, pattern in LOG_FAILURES.items()}
    return {name: n for name, n in found.items() if n}


def critical_seconds(dep: Deployment, limit: float) -> float | None:
    """Seconds from submitting a critical case to `in_review` (None: not within `limit`)."""
    receipt = submit(dep, critical_grant(9000))["receipt"]
    start = time.monotonic()
    while time.monotonic() - start < limit:
        r = httpx.post(f"{dep.url}/api/v1/status", json={"receipt": receipt}, timeout=10)
        if r.status_code == 200 and r.json()["status"] == "in_review":
            return round(time.monotonic() - start, 2)
        time.sleep(0.25)
    return None


def attempt(check: Callable[[], Any]) -> Any:
    """The check's value, or what went wrong (a frozen server must not hide the report)."""
    try:
        return check()
    except (httpx.HTTPError, AssertionError, KeyError, ValueError) as exc:
        return f"failed: {type(exc).__name__}: {str(exc)[:100]}"


def health_now(dep: Deployment) -> list[Any]:
    start = time.monotonic()
    status = httpx.get(f"{dep.url}/api/v1/health", timeout=10).status_code
    return [status, round(time.monotonic() - start, 2)]


def stripe_after(fake: FakeStripe, wait: bool = True) -> dict[str, int]:
    deadline = time.monotonic() + (20 if wait else 0)
    while not fake.transfers and time.monotonic() < deadline:
        time.sleep(0.25)
    time.sleep(1 if wait else 0)  # a second transfer, were one coming, has had its chance
    posts = fake.requests_to("POST", "/v1/transfers")
    return {"transfers": len(fake.transfers), "posts": len(posts),
            "keys": len({p.headers.get("idempotency-key") for p in posts})}


def beds_used(dep: Deployment, fund: Fund) -> list[int]:
    house = dep.get(f"/api/v1/shelters/{fund.house_id}?from={STAY_FROM}&nights={STAY_NIGHTS}",
                    COORDINATOR).json()
    return sorted({night["used"] for night in house["free"]})


def correct_login(dep: Deployment) -> str:
    """The person whose e-mail the attackers used, from 127.0.0.1 (not their address)."""
    dep.login(TARGET)
    return "ok"


def after_load(dep: Deployment, fake: FakeStripe, fund: Fund) -> dict[str, Any]:
    out: dict[str, Any] = {"health_after": attempt(lambda: health_now(dep))}
    if not isinstance(out["health_after"], list):  # frozen: keep the test's time bounded
        skipped = "skipped: the server did not answer its health check"
        return {**out, "critical_in_review_s": skipped, "beds_used": skipped,
                "target_login": skipped, "stripe": stripe_after(fake, wait=False)}
    out["critical_in_review_s"] = attempt(lambda: critical_seconds(dep, CRITICAL_IN_REVIEW_S))
    out["stripe"] = stripe_after(fake)
    out["beds_used"] = attempt(lambda: beds_used(dep, fund))
    out["target_login"] = attempt(lambda: correct_login(dep))
    return out


def problems(report: dict[str, Any]) -> list[str]:
    out = []
    table, after = report["requests"], report["after"]
    if report["unexpected"]:
        out.append(f"unexpected answers (None = unanswered): {report['unexpected']}")
    holds = table.get("hold", {}).get("statuses", {})
    if holds.get("201") != BEDS or holds.get("409") != CASES - BEDS:
        out.append(f"holds: {holds}, want {BEDS} x 201 and {CASES - BEDS} x 409")
    approvals = table.get("approve", {}).get("statuses", {})
    if sum(n for s, n in approvals.items() if s in ("200", "201")) != 1:
        out.append(f"approvals: {approvals}, want exactly one 2xx")
    if after["stripe"]["transfers"] != 1 or after["stripe"]["keys"] != 1:
        out.append(f"Stripe: {after['stripe']}, want exactly one transfer")
    if after["beds_used"] != [BEDS]:
        out.append(f"beds used per night: {after['beds_used']}, want [{BEDS}]")
    health = after["health_after"]
    if not (isinstance(health, list) and health[0] == 200 and health[1] < HEALTH_P99_S):
        out.append(f"health after the load: {health}")
    p99 = (report["health"]["p99_ms"] or 1e9) / 1000
    if report["health"]["unanswered"] or p99 >= HEALTH_P99_S:
        out.append(f"health during the load: {report['health']}, want p99 < {HEALTH_P99_S} s")
    if not isinstance(after["critical_in_review_s"], float):
        out.append(f"a critical case not in_review within {CRITICAL_IN_REVIEW_S} s after the load")
    if after["target_login"] != "ok":
        out.append(f"a correct login was refused: {after['target_login']}")
    if report["log"]:
        out.append(f"server log: {report['log']}")
    return out


def soak(dep: Deployment, fake: FakeStripe) -> dict[str, Any]:
    started = time.monotonic()
    fund = open_fund(dep, beds=BEDS, shelter_cases=CASES)
    set_up = time.monotonic() - started
    burst = run_burst(fund, seconds=LOAD_SECONDS, approvals=APPROVALS)
    rec = burst.recorder
    report = {"set_up_s": round(set_up, 1), "set_up_steps_s": fund.timings, "burst_s": round(burst.seconds, 1),
              "requests": rec.table(), "health": summary(rec.of("health")),
              "unexpected": rec.unexpected(ALLOWED)}
    report["after"] = after_load(dep, fake, fund)
    report["log"] = log_failures(dep.server.log_text())
    report["total_s"] = round(time.monotonic() - started, 1)
    return report


def test_soak(database: tuple[str, str], tmp_path: Path, fake_stripe: FakeStripe) -> None:
    name, url = database
    smtp = MailServer()  # a discarding mail server in a process of its own (bench/surge.py)
    env = base_env(tmp_path, url, fake_stripe, AMPARO_SMTP_HOST="127.0.0.1",
                   AMPARO_SMTP_PORT=str(smtp.port),
                   AMPARO_API_PROCESSES="auto")  # as a fund runs it: one per core
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        started = time.monotonic()
        dep = deploy(env, tmp_path / "server.log")
        deployed = round(time.monotonic() - started, 1)  # migrate, seed, start, healthy
        try:
            report = {"deploy_s": deployed, **soak(dep, fake_stripe)}
        finally:
            dep.server.stop()
    finally:
        smtp.stop()
        if (tmp_path / "server.log").exists():  # kept for reading, whatever happened
            shutil.copy(tmp_path / "server.log", ARTIFACTS / f"{name}-server.log")
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(report, indent=2))
    found = problems(report)
    assert not found, "\n".join(found) + f"\nreport: {ARTIFACTS / (name + '.json')}"
