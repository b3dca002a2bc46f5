"""Drive a real `amparo serve` over HTTP: seeded staff, logins with TOTP, the applicant's receipt."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.fake_stripe import FakeStripe
from tests.support.server import ServerProcess, run_server
from tests.support.totp import unspent_code

AMPARO = str(Path(sys.executable).parent / "amparo")
WEBHOOK_SECRET = "whsec_e2e_test_secret"

# Obviously fake applicant data; the privacy test looks for these strings everywhere.
FAKE_NAME = "Testperson Zebulon Quokka"
FAKE_EMAIL = "zebulon.quokka@example.invalid"
FAKE_PHONE = "+00 999 555 0101"


def grant_application(amount: int = 3000, imminent: bool = False) -> dict[str, Any]:
    return {
        "kind": "grant", "programme": "emergency", "language": "en",
        "applicant": {"name": FAKE_NAME, "email": FAKE_EMAIL, "phone": FAKE_PHONE,
                      "country": "ZZ", "organisation": "Fictional Collective"},
        "threat": {"description": "Fictional threat description for tests.",
                   "types": ["surveillance", "smear_campaign"], "imminent": imminent,
                   "perpetrator": "corporate", "prior_attacks": 1},
        "dependants": 1,
        "endorser": {"name": "Endorser Fictional", "organisation": "Test Network",
                     "contact": "endorser@example.invalid"},
        "request": {"amount": amount, "currency": "EUR",
                    "purpose": "Security measures for the office"},
    }


@dataclass
class Staff:
    email: str
    role: str
    password: str
    totp: str


@dataclass
class Deployment:
    """A server, its environment, and the demo staff it was seeded with."""

    env: dict[str, str]
    server: ServerProcess
    staff: dict[str, Staff]
    seed_output: str = ""
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def login(self, email: str) -> dict[str, str]:
        if email not in self.tokens:
            person = self.staff[email]
            for _ in range(3):  # a code works once: each try sends one not sent before
                r = httpx.post(f"{self.url}/api/v1/auth/token", json={
                    "username": email, "password": person.password,
                    "otp": unspent_code(person.totp)}, timeout=30)
                if r.status_code == 200:
                    break
            r.raise_for_status()
            self.tokens[email] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[email]}"}

    def get(self, path: str, who: str, **kw: Any) -> httpx.Response:
        return httpx.get(self.url + path, headers=self.login(who), timeout=30, **kw)

    def post(self, path: str, who: str | None = None, *, headers: dict | None = None,
             **kw: Any) -> httpx.Response:
        merged = {**(self.login(who) if who else {}), **(headers or {})}
        return httpx.post(self.url + path, headers=merged, timeout=30, **kw)

    def status(self, receipt: str) -> dict[str, Any]:
        r = httpx.post(f"{self.url}/api/v1/status", json={"receipt": receipt}, timeout=30)
        r.raise_for_status()
        return r.json()


def seed(env: dict[str, str]) -> tuple[dict[str, Staff], str]:
    subprocess.run([AMPARO, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    out = subprocess.run([AMPARO, "seed"], env=env, check=True, capture_output=True,
                         text=True, timeout=120).stdout
    staff = {}
    for m in re.finditer(r"^(\w+)\s+(\S+@\S+)\s+password=(\S+) totp_secret=(\S+)$", out, re.M):
        staff[m.group(2)] = Staff(m.group(2), m.group(1), m.group(3), m.group(4))
    assert len(staff) >= 10, out
    return staff, out


def base_env(tmp: Path, database_url: str, fake: FakeStripe, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMPARO_", "PREFECT_"))}
    env.update({
        "AMPARO_DATA_DIR": str(tmp / "data"), "AMPARO_DATABASE_URL": database_url,
        "AMPARO_SECRET_KEY": "e2e-secret-key-0123456789-abcdefghijklmnop",
        "AMPARO_ENCRYPTION_KEYS": "e2e:" + "B" * 43, "AMPARO_ENV": "development",
        "PREFECT_HOME": str(tmp / "data" / "prefect"),
        "AMPARO_STRIPE_API_KEY": "sk_test_e2e", "AMPARO_STRIPE_API_BASE": fake.url,
        "AMPARO_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "AMPARO_SWEEP_SECONDS": "2",
        "AMPARO_DISPATCHER": "on",  # run_server adds the test process env, where it is off
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    })
    env.update(extra)
    return env


def deploy(env: dict[str, str], log_path: Path) -> Deployment:
    staff, output = seed(env)
    server = run_server(env, log_path=log_path, timeout=150)
    return Deployment(env=env, server=server, staff=staff, seed_output=output)


def wait_for(check: Callable[[], Any], *, timeout: float = 90, every: float = 0.5,
             what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}")
