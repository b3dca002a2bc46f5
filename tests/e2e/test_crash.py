"""Issue 2, crash test: the process dies after a finance approval is committed and before the
Stripe call completes; after a restart the sweeper finishes the job with exactly one transfer."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.harness import base_env, deploy, grant_application, wait_for
from tests.e2e.test_grant_spine import FINANCE, REVIEWERS, _disbursement_of
from tests.support.fake_stripe import FakeStripe

pytestmark = pytest.mark.slow


def _approved_grant(dep, amount: int) -> str:  # noqa: ANN001
    r = dep.post("/api/v1/applications", json=grant_application(amount=amount))
    assert r.status_code == 201, r.text
    app_id, receipt = r.json()["id"], r.json()["receipt"]
    wait_for(lambda: dep.status(receipt)["status"] == "in_review", what="routing")
    for who in REVIEWERS[:3]:
        r = dep.post(f"/api/v1/applications/{app_id}/votes", who,
                     json={"decision": "approve", "amount": amount})
        assert r.status_code in (200, 201), r.text
    return app_id


class TestCrashBeforeStripe:
    def test_sweeper_finishes_with_one_transfer(self, tmp_path: Path,
                                                fake_stripe: FakeStripe) -> None:
        env = base_env(tmp_path, f"sqlite:///{tmp_path / 'data' / 'amparo.db'}", fake_stripe,
                       AMPARO_STALE_SECONDS="3")
        dep = deploy(env, tmp_path / "server.log")
        try:
            app_id = _approved_grant(dep, 1200)
            disb = wait_for(lambda: _disbursement_of(dep, app_id), what="disbursement")
            # Stripe takes its time: the process is killed while the call is in flight.
            fake_stripe.timeout_next(1, seconds=4, before=True)
            r = dep.post(f"/api/v1/disbursements/{disb['id']}/approve", FINANCE,
                         json={"rail": "stripe_connect", "destination": "acct_1CRASHTEST0001"})
            assert r.status_code in (200, 201), r.text
            wait_for(lambda: fake_stripe.requests_to("POST", "/v1/transfers"),
                     what="the transfer call", every=0.05)
            dep.server.kill()
            time.sleep(5)  # the in-flight call completes at Stripe; we never heard the answer
            dep.server.restart()
            dep.tokens.clear()
            wait_for(lambda: (_disbursement_of(dep, app_id) or {}).get("status") == "sent",
                     timeout=120, what="the sweeper to finish the send")
        finally:
            dep.server.stop()
        assert len(fake_stripe.transfers) == 1
        keys = {r.headers.get("idempotency-key")
                for r in fake_stripe.requests_to("POST", "/v1/transfers")}
        assert len(keys) == 1
