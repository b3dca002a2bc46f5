"""Issue 14, the operations page: how many values each key still seals, "rotate now" through
the outbox and the `rotate-keys` flow (Prefect's harness) with its progress, the last sweep,
the backlog and failed dispatches — for admins only."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient

from models.core import outbox
from models.core.base import as_utc
from models.core.db import session_scope
from models.core.errors import Conflict
from models.core.outbox import Dispatch
from models.core.settings import new_keyring_entry, reset_settings
from models.operations import service as ops
from tests.reviews import factories as f


@pytest.fixture
def new_primary_key(db_url: str) -> Iterator[str]:
    """Two staff secrets under the old key, then a new primary key in front of it."""
    with session_scope() as s:
        for n in range(2):
            f.staff(s, role="caseworker", email=f"ops{n}@example.invalid")
    old = os.environ["AMPARO_ENCRYPTION_KEYS"]
    os.environ["AMPARO_ENCRYPTION_KEYS"] = new_keyring_entry("k2") + "," + old
    reset_settings()
    os.environ["AMPARO_DATABASE_URL"] = db_url
    try:
        yield db_url
    finally:
        os.environ["AMPARO_ENCRYPTION_KEYS"] = old
        reset_settings()
        os.environ["AMPARO_DATABASE_URL"] = db_url


def test_rotation_is_requested_once_and_runs_to_the_end(new_primary_key: str) -> None:
    with session_scope(read_only=True) as s:
        before = ops.keys_state(s)
    assert before.primary == "k2" and before.under_older_keys == 2
    assert before.by_column["staff_user.totp_secret_enc"]["t1"] == 2
    with session_scope() as s:
        ops.request_rotation(s, actor_id="admin-test")
    with session_scope() as s, pytest.raises(Conflict):
        ops.request_rotation(s, actor_id="admin-test")  # one at a time
    with session_scope(read_only=True) as s:
        assert ops.job_state(s, ops.ROTATION).status == "queued"  # type: ignore[union-attr]
        rows = s.exec(outbox_rows()).all()
        assert [r.flow for r in rows] == [ops.ROTATE_FLOW]
    counts = ops.run_rotation(batch=1)
    assert counts["staff_user.totp_secret_enc"] == 2
    with session_scope(read_only=True) as s:
        state = ops.job_state(s, ops.ROTATION)
        assert state.status == "done"  # type: ignore[union-attr]
        assert len(state.detail["done"]) == len(state.detail["columns"])  # type: ignore[union-attr]
        assert ops.keys_state(s).under_older_keys == 0
    with session_scope() as s:  # finished: a new one may start
        ops.request_rotation(s, actor_id="admin-test")


def outbox_rows():  # noqa: ANN201
    from sqlmodel import select
    return select(Dispatch).where(Dispatch.flow == ops.ROTATE_FLOW)


def test_backlog_failures_and_sweep_health(db_url: str) -> None:
    with session_scope() as s:
        outbox.enqueue(s, flow="send-notices", entity_id="n1", priority=5)
        failed = outbox.enqueue(s, flow="process-application", entity_id="a1", priority=0)
    with session_scope() as s:
        row = s.get(Dispatch, failed)
        row.attempts, row.available_at = 2, row.available_at + timedelta(minutes=5)  # type: ignore[union-attr]
        s.add(row)
        ops.record_job(s, ops.SWEEP, "errors", {"failed": ["overdue_followups"]})
    with session_scope(read_only=True) as s:
        backlog = {(b.flow, b.priority, b.status): b.count for b in ops.outbox_backlog(s)}
        assert backlog == {("process-application", 0, "pending"): 1,
                           ("send-notices", 5, "pending"): 1}
        assert [d.id for d in ops.failed_dispatches(s)] == [failed]
        sweep = ops.job_state(s, ops.SWEEP)
        assert ops.sweep_health(sweep, as_utc(sweep.updated_at) + timedelta(seconds=30), 60) == "ok"  # type: ignore[union-attr]
        assert ops.sweep_health(sweep, as_utc(sweep.updated_at) + timedelta(hours=1), 60) == "late"  # type: ignore[union-attr]
        assert ops.sweep_health(None, as_utc(sweep.updated_at), 60) == "never"  # type: ignore[union-attr]


def test_the_rotate_keys_flow_runs_under_prefect(new_primary_key: str, prefect_harness) -> None:  # noqa: ANN001
    from flows.operations import rotate_keys
    with session_scope() as s:
        ops.request_rotation(s, actor_id="admin-test")
    counts = rotate_keys(["keyring"])
    assert counts["staff_user.totp_secret_enc"] == 2
    with session_scope(read_only=True) as s:
        assert ops.job_state(s, ops.ROTATION).status == "done"  # type: ignore[union-attr]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _login(client: TestClient, email: str, secret: str) -> None:
    page = client.get("/staff/login")
    r = client.post("/staff/login", data={"csrf_token": _csrf(page.text), "email": email,
                                          "password": f.PASSWORD,
                                          "otp": pyotp.TOTP(secret).now()},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def test_the_page_for_admins_only(sqlite_url: str) -> None:
    with session_scope() as s:
        admin, admin_secret = f.staff(s, role="admin", email="ops-admin@example.invalid")
        worker, worker_secret = f.staff(s, role="caseworker", email="ops-cw@example.invalid")
        admin_email, worker_email = admin.email, worker.email
    from api.app import create_app
    with TestClient(create_app()) as client:
        _login(client, worker_email, worker_secret)
        assert client.get("/staff/operations").status_code == 403
        token = _csrf(client.get("/staff/").text)
        assert client.post("/staff/operations/rotate",
                           data={"csrf_token": token}).status_code == 403
        client.cookies.clear()
        _login(client, admin_email, admin_secret)
        page = client.get("/staff/operations")
        assert page.status_code == 200
        for words in ("Encryption keys", "Every value is under the current key",
                      "No sweep has run yet", "Nothing is waiting", 'href="/staff/operations"'):
            assert words in page.text, words
        assert client.post("/staff/operations/rotate", data={}).status_code == 403  # no CSRF
        r = client.post("/staff/operations/rotate", data={"csrf_token": _csrf(page.text)},
                        follow_redirects=False)
        assert r.status_code == 303
        page = client.get(r.headers["location"])
        assert "Key rotation requested" in page.text and "waiting to start" in page.text
        assert '<meta http-equiv="refresh"' in page.text and "<progress" in page.text
        again = client.post("/staff/operations/rotate", data={"csrf_token": _csrf(page.text)})
        assert again.status_code == 409 and "already under way" in again.text
