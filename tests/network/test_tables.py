"""Migration 0014 on both databases: this instance's keys made once and sealed, rotated
with the keyring; peers, nonces and referrals stored; a replayed nonce refused."""
from __future__ import annotations

import base64
import os

import pytest
from typer.testing import CliRunner
from sqlmodel import select

from api.cli import app
from models.core.db import session_scope
from models.core.rotation import rotate_all
from models.core.settings import new_keyring_entry, reset_settings
from models.network import keys, service
from models.network.signing import SignatureRefused, b64
from models.sealed import KEYRING
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
    assert b64(bytes(keys.signing_key().verify_key)) == first.sign_public


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


def test_keys_survive_rotation_and_the_old_keys_removal(sqlite_url: str) -> None:
    keys.forget_keys()
    before = keys.identity()
    old = os.environ["AMPARO_ENCRYPTION_KEYS"]
    new = new_keyring_entry("k2")
    try:
        os.environ["AMPARO_ENCRYPTION_KEYS"] = new + "," + old
        reset_settings()
        os.environ["AMPARO_DATABASE_URL"] = sqlite_url
        done = rotate_all(KEYRING)
        assert done["network_keys.sign_private_enc"] == 1
        assert done["network_keys.box_private_enc"] == 1
        os.environ["AMPARO_ENCRYPTION_KEYS"] = new  # the old key dropped
        reset_settings()
        os.environ["AMPARO_DATABASE_URL"] = sqlite_url
        keys.forget_keys()
        assert keys.identity() == before
        assert b64(bytes(keys.signing_key().verify_key)) == before.sign_public
        assert bytes(keys.box_key().public_key) == base64.b64decode(before.box_public)
    finally:
        os.environ["AMPARO_ENCRYPTION_KEYS"] = old
        reset_settings()
        keys.forget_keys()


def test_cli_prints_the_keys_and_fingerprints(sqlite_url: str) -> None:
    keys.forget_keys()
    out = CliRunner().invoke(app, ["network", "keys"])
    assert out.exit_code == 0, out.output
    values = dict(line.split("=", 1) for line in out.output.splitlines())
    assert values["sign_public"] == keys.identity().sign_public
    assert len(values["sign_fingerprint"].split()) == 16
    keys.forget_keys()
