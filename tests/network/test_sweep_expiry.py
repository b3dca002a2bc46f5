"""A referral that waited past its time expires at the next sweep, its sealed case gone,
without anyone opening the referrals page."""
from __future__ import annotations

from datetime import timedelta

from models.core.base import utcnow
from models.core.db import session_scope
from models.network.tables import Referral


def test_the_sweeper_expires_waiting_referrals(sqlite_url: str) -> None:
    from flows.sweeper import run_steps
    with session_scope() as s:
        late = Referral(role="received", peer_id="peer-test", kind="grant", reason="mandate",
                        status="consented", payload_enc="k1.test.sealed-case",
                        expires_at=utcnow() - timedelta(minutes=1))
        fresh = Referral(role="sent", peer_id="peer-test", kind="grant", reason="mandate",
                         expires_at=utcnow() + timedelta(days=1))
        s.add(late)
        s.add(fresh)
        ids = late.id, fresh.id
    results = run_steps()
    assert results["expired_referrals"] == {"expired": 1}
    with session_scope(read_only=True) as s:
        gone, kept = s.get(Referral, ids[0]), s.get(Referral, ids[1])
        assert gone.status == "expired" and gone.payload_enc is None  # type: ignore[union-attr]
        assert kept.status == "offered"  # type: ignore[union-attr]
