"""Referral and check rules without servers, on SQLite and PostgreSQL: the instance linked
to itself as its own peer, so one database plays both funds."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.core.base import utcnow
from models.core.db import session_scope
from models.core.errors import Conflict, Invalid, NotFound, TooManyRequests
from models.network import keys, referrals, service
from models.network.cofunding import held_set, tokens_of
from models.network.psi import Asker, answer
from models.network.tables import Referral
from models.applications.tables import Application
from models.programmes.service import demo_programme, ensure_programme, forget_programmes

FAKE = {"kind": "grant", "language": "en",
        "applicant": {"name": "Testperson Service Quokka", "email": "svc@example.invalid",
                      "phone": "+00 555 111 0101", "country": "ZZ"},
        "threat": {"description": "Fictional.", "types": ["raid"], "imminent": False,
                   "perpetrator": "unknown", "prior_attacks": 0},
        "request": {"amount": 500, "currency": "EUR", "purpose": "Fictional purpose"}}


@pytest.fixture
def world(db_url: str):  # noqa: ANN201
    keys.forget_keys()
    me = keys.identity()
    with session_scope() as session:
        ensure_programme(session, demo_programme())
        forget_programmes()
    with session_scope() as session:
        peer = service.add_peer(session, name="Fund Self", url="http://127.0.0.9:9",
                                sign_public=me.sign_public, box_public=me.box_public,
                                referral_kinds=["grant"], checks_allowed=True,
                                checks_per_day=1, actor_id="test")
        case = submit_application(session=session, data=ApplicationIn.model_validate(FAKE))
    yield peer.id, case
    keys.forget_keys()


def test_offer_consent_accept_and_her_new_receipt(world) -> None:  # noqa: ANN001
    peer_id, case = world
    with session_scope() as session:
        with pytest.raises(Invalid):
            referrals.offer(session, application_id=case.id, peer_id=peer_id, reason="whim",
                            actor_id="cw")
    with session_scope() as session:
        sent = referrals.offer(session, application_id=case.id, peer_id=peer_id,
                               reason="budget_spent", actor_id="cw")
    with session_scope() as session:
        assert referrals.for_receipt(session, case.receipt)[0]["status"] == "offered"
        payload = referrals.consent_payload(session, receipt=case.receipt, referral_id=sent.id)
    assert "Quokka" not in str(payload) and "svc@" not in str(payload)
    with session_scope() as session:
        referrals.mark_consented(session, referral_id=sent.id, remote_id="x")
        peer = service.get_peer(session, peer_id)
        got = referrals.receive(session, peer=peer, body=payload)
        assert referrals.receive(session, peer=peer, body=payload).id == got.id  # a retry
        referrals.mark_consented(session, referral_id=sent.id, remote_id="x")  # twice: once
    with session_scope() as session:
        _, sealed_receipt = referrals.accept(session, referral_id=got.id, actor_id="cw")
        referrals.apply_status(session, peer=service.get_peer(session, peer_id),
                               referral_id=sent.id, status="accepted",
                               receipt_sealed=sealed_receipt)
        with pytest.raises(Conflict):  # no going back to declined once accepted
            referrals.apply_status(session, peer=service.get_peer(session, peer_id),
                                   referral_id=sent.id, status="declined", receipt_sealed=None)
    with session_scope() as session:
        mine = referrals.for_receipt(session, case.receipt)[0]
        assert mine["status"] == "accepted" and mine["new_receipt"]
        assert session.get(Referral, got.id).payload_enc is None  # type: ignore[union-attr]
        new_app = session.get(Application, session.get(Referral, got.id).application_id)  # type: ignore[union-attr]
        assert new_app is not None and new_app.kind == "grant"
        with pytest.raises(NotFound):  # another receipt sees nothing of hers
            referrals.sent_for_consent(session, receipt="0000-0000-0000-0000-0000",
                                       referral_id=sent.id)


def test_expired_offers_and_payloads_leave_nothing(world) -> None:  # noqa: ANN001
    peer_id, case = world
    with session_scope() as session:
        sent = referrals.offer(session, application_id=case.id, peer_id=peer_id,
                               reason="other", actor_id="cw")
        payload = referrals.consent_payload(session, receipt=case.receipt, referral_id=sent.id)
        got = referrals.receive(session, peer=service.get_peer(session, peer_id), body=payload)
        for row in session.exec(select(Referral)).all():
            row.expires_at = utcnow() - timedelta(minutes=1)
            session.add(row)
    with session_scope() as session:
        assert referrals.expire_due(session) == 2
    with session_scope() as session:
        assert session.get(Referral, got.id).payload_enc is None  # type: ignore[union-attr]
        assert referrals.untold(session) == [got.id]
        with pytest.raises(Conflict):
            referrals.sent_for_consent(session, receipt=case.receipt, referral_id=sent.id)


def test_check_limit_and_the_held_set(world) -> None:  # noqa: ANN001
    peer_id, case = world
    with session_scope() as session:
        app = session.get(Application, case.id)
        tokens = tokens_of(session, app)  # type: ignore[arg-type]
        held = held_set(session, "grant")
        peer = service.get_peer(session, peer_id)
        service.require_permission(session, peer, "check")
        service.record_exchange(session, peer_id=peer_id, direction="in", kind="check")
    asker = Asker(tokens, "grant")
    assert asker.bands(*answer(asker.request(), held)) == {"open"}
    with session_scope() as session:
        with pytest.raises(TooManyRequests):  # one a day for this peer
            service.require_permission(session, service.get_peer(session, peer_id), "check")
    with session_scope(read_only=True) as session:
        counts = service.exchange_counts(session)[peer_id]
    assert counts["refused"] == 1 and counts["checks_today"] == 1


def test_a_check_only_for_a_case_being_decided(world) -> None:  # noqa: ANN001
    from models.network.cofunding import prepare_check
    _, case = world
    with session_scope() as session:
        tokens, purpose, peers = prepare_check(session, case.id)
        assert len(tokens) == 3 and purpose == "grant" and len(peers) == 1
        app = session.get(Application, case.id)
        app.status = "closed"  # type: ignore[union-attr]
        session.add(app)
    with session_scope() as session:
        with pytest.raises(Conflict):
            prepare_check(session, case.id)
