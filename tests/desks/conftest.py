"""One real `amparo serve` (SQLite, seeded demo staff, embedded flows, fake Stripe and SMTP)
shared by the day-in-the-life tests of every role, and a browser sign-in for its staff.

Each test makes its own cases (through the public form or the API), so tests do not depend on
one another's order. A TOTP code is accepted once: `sign_in_page` sends a code of a time step
not yet used (tests/support/totp.py).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import Deployment, base_env, deploy
from tests.support.fake_stripe import FakeStripe
from tests.support.smtp import SmtpSink
from tests.support.totp import unspent_code


@pytest.fixture(scope="package")
def desk_stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


@pytest.fixture(scope="package")
def desk_mail() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="package")
def desk(tmp_path_factory: pytest.TempPathFactory, desk_stripe: FakeStripe,
         desk_mail: SmtpSink) -> Iterator[Deployment]:
    """The shared server; its log is in the session's temp directory (server.log). Stopped
    after the last test here: its runner and sweeper would go on taking CPU from the rest."""
    tmp: Path = tmp_path_factory.mktemp("desk")
    env = base_env(tmp, f"sqlite:///{tmp / 'data' / 'amparo.db'}", desk_stripe,
                   AMPARO_SMTP_HOST=desk_mail.host, AMPARO_SMTP_PORT=str(desk_mail.port))
    dep = deploy(env, tmp / "server.log")
    try:
        yield dep
    finally:
        dep.server.stop()


def fresh_code(dep: Deployment, email: str) -> str:
    """A code of a time step this person has not used in this session of tests."""
    return unspent_code(dep.staff[email].totp)


def sign_in_page(page, dep: Deployment, email: str, *, lang: str | None = None) -> None:  # noqa: ANN001
    """Sign in through the staff login page, as a person would; once more in the next time
    step if the code was already used (e.g. by an API login of the harness)."""
    suffix = f"?lang={lang}" if lang else ""
    for _ in range(2):
        page.goto(f"{dep.url}/staff/login{suffix}")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill(dep.staff[email].password)
        page.locator("input[name=otp]").fill(fresh_code(dep, email))
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        if "/staff/login" not in page.url:
            return
    raise AssertionError(f"{email} could not sign in")
