"""Migration 0014 on both databases: this instance's keys made once and sealed, rotated
with the keyring; peers, nonces and referrals stored; a replayed nonce refused."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.core import crypto
from models.core.db import session_scope
from models.network import keys, service
from models.network.signing import SignatureRefused
from models.network.tables import NetworkKeys, Peer


@pytest.fixture
def fresh_keys(db_url: str):  # noqa: ANN201
    keys.forget_keys()
    yield db_url
    keys.forget_keys()


def test_keys_made_once_and_sealed(fresh_keys: str) -> None:
    first = keys.identity()
    keys.forget_keys()
    assert keys.identity() == first  # read back, not made again
    with session_scope(read_only=True) as session:
        row = session.exec(select(NetworkKeys)).one()
    assert row.sign_private_enc.startswith("k1.") and row.box_private_enc.startswith("k1.")
    assert bytes(keys.signing_key().verify_key) == crypto._b64d(  # noqa: SLF001
        first.sign_public.replace("+", "-").replace("/", "_").rstrip("="))


def test_peer_linked_and_nonce_spent_once(fresh_keys: str) -> None:
    other = keys.identity()  # any valid keys will do as the peer's
    with session_scope() as session:
        peer = service.add_peer(session, name="Fund Test", url="http://127.0.0.9:9",
                                sign_public=other.sign_public, box_public=other.box_public,
                                referral_kinds=["grant"], checks_allowed=True,
                                checks_per_day=3, actor_id="test")
        peer_id = peer.id
    service._spend_nonce(peer_id, "abc123")  # noqa: SLF001
    with pytest.raises(SignatureRefused):
        service._spend_nonce(peer_id, "abc123")  # noqa: SLF001
    with session_scope() as session:
        service.set_status(session, peer_id=peer_id, status="suspended", actor_id="test")
    with session_scope(read_only=True) as session:
        assert session.get(Peer, peer_id).status == "suspended"  # type: ignore[union-attr]
