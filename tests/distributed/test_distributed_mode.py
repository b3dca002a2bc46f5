"""Distributed mode for real: a Prefect server, the deployments of prefect.yaml, a process worker,
PostgreSQL, and `amparo serve` with AMPARO_MODE=distributed dispatching through run_deployment.

First the Prefect API is down (PREFECT_API_URL points at a port nobody listens on): intake
still answers 201 and the outbox keeps the work. Then the server comes up on that port, the
deployments are created and a worker starts, and the backlog catches up. One grant then goes on
to a Stripe transfer: (worker) triage, risk, routing and the reviewers' notices → votes →
(worker) decision → finance approval → (worker) transfer on the fake Stripe. One Prefect
server and one worker keep it to a couple of minutes.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.surge_data import application
from tests.distributed.client import AmparoClient, make_staff, seed_programme, wait_until
from tests.distributed.stack import PrefectStack, prefect_env
from tests.support.fake_stripe import FakeStripe
from tests.support.server import free_port, run_server
from tests.support.smtp import SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(420)]

DESTINATION = "acct_1TestDistributed"
ROUTED = {"in_review", "matching", "needs_info", "ineligible"}


def amparo_env(db_url: str, data_dir: Path, stripe: FakeStripe, smtp: SmtpSink) -> dict[str, str]:
    return {
        "AMPARO_MODE": "distributed", "AMPARO_DATABASE_URL": db_url,
        "AMPARO_DATA_DIR": str(data_dir), "AMPARO_STRIPE_API_BASE": stripe.url,
        "AMPARO_STRIPE_API_KEY": "sk_test_amparo_distributed",
        "AMPARO_SMTP_HOST": "127.0.0.1", "AMPARO_SMTP_PORT": str(smtp.port),
        "AMPARO_SECRET_KEY": os.environ["AMPARO_SECRET_KEY"],
        "AMPARO_ENCRYPTION_KEYS": os.environ["AMPARO_ENCRYPTION_KEYS"],
        "AMPARO_STRIPE_WEBHOOK_SECRET": os.environ["AMPARO_STRIPE_WEBHOOK_SECRET"],
    }


def test_prefect_down_then_up_and_a_grant_goes_from_the_form_to_a_stripe_transfer(
        postgres_url: str, tmp_path: Path, fake_stripe: FakeStripe, smtp_sink: SmtpSink) -> None:
    seed_programme()
    reviewers = [make_staff(role="reviewer", email=f"rev{i}@example.invalid", on_call=True)
                 for i in range(3)]
    finance = make_staff(role="finance", email="fin@example.invalid")
    caseworker = make_staff(role="caseworker", email="cw@example.invalid")
    env = amparo_env(postgres_url, tmp_path / "data", fake_stripe, smtp_sink)
    prefect_port = free_port()
    dead_prefect = prefect_env(tmp_path / "client-home", f"http://127.0.0.1:{prefect_port}/api")
    server = run_server({**env, **dead_prefect, "AMPARO_DISPATCHER": "on"},
                        log_path=tmp_path / "amparo.log")
    api = AmparoClient(server.url)
    stack = None
    try:
        early = _submit_while_prefect_is_down(api)
        wait_until(lambda: "failed to run" in server.log_text(), timeout=90,
                   what="the dispatcher to find Prefect down")
        stack = PrefectStack.start(tmp_path / "prefect", port=prefect_port)
        stack.deploy(env)
        stack.start_worker(env)
        for app_id in early:  # caught up once Prefect came back
            api.wait_for_status(app_id, ROUTED, caseworker, timeout=150)
        _drive_one_grant(api, early[0], reviewers, finance, caseworker, fake_stripe, smtp_sink)
        logs = server.log_text() + "".join(w.log_text() for w in stack.workers)
        assert "Test Person" not in logs and "example.invalid" not in logs
    finally:
        api.close()
        server.stop()
        if stack is not None:
            stack.stop()


def _submit_while_prefect_is_down(api: AmparoClient) -> list[str]:
    """Intake answers at once with Prefect unreachable; the outbox keeps the work."""
    import random

    rng = random.Random(1)
    grant = application(1, kind="grant", profile="critical", rng=rng)
    grant["request"]["amount"] = 3000
    others = [application(i, kind=kind, profile="medium", rng=rng)
              for i, kind in ((2, "shelter"), (3, "visa"))]
    ids = [api.submit(body)["id"] for body in [grant, *others]]
    health = api.http.get("/health").json()
    assert health["mode"] == "distributed" and health["dispatch_backlog"] >= len(ids)
    return ids


def _drive_one_grant(api, app_id, reviewers, finance, caseworker, fake_stripe, smtp_sink  # noqa: ANN001
                     ) -> None:
    seen = api.wait_for_status(app_id, {"in_review"}, caseworker, timeout=120)
    assert seen["status"] == "in_review"
    smtp_sink.wait_for(1, timeout=60)  # the reviewers' notice went out from the worker

    for reviewer in reviewers:
        resp = api.vote(app_id, reviewer, "approve", amount=3000)
        if resp.status_code == 409:  # the decision was already reached
            break
        assert resp.status_code in (200, 201), resp.text
    api.wait_for_status(app_id, {"approved", "disbursing"}, caseworker, timeout=120)

    disbursement = wait_until(lambda: api.disbursements_of(app_id, finance), timeout=60,
                              what="a disbursement for the approved grant")[0]
    resp = api.http.post(f"/disbursements/{disbursement['id']}/approve",
                         json={"rail": "stripe_connect", "destination": DESTINATION},
                         headers=api.login(finance))
    assert resp.status_code in (200, 201), resp.text

    transfers = wait_until(lambda: fake_stripe.requests_to("POST", "/v1/transfers"),
                           timeout=120, what="a Stripe transfer")
    assert len({r.headers.get("idempotency-key") for r in transfers}) == 1
    assert transfers[0].params["destination"] == DESTINATION
    assert int(transfers[0].params["amount"]) == 300_000
