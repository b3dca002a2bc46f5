"""This instance's keypairs: Ed25519 to sign, X25519 to receive sealed boxes.

Generated once (the first time they are needed), the private halves sealed under the
project's keyring (models/sealed.py KEYRING: rotated with the other columns)."""
from __future__ import annotations

from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey
from sqlalchemy.exc import IntegrityError

from models.core import crypto
from models.core.db import session_scope
from models.core.settings import get_settings
from models.network.signing import b64, fingerprint, unb64
from models.network.tables import NetworkKeys

ROW = "self"
SIGN_AAD = crypto.aad_for("network_keys", ROW, "sign_private")
BOX_AAD = crypto.aad_for("network_keys", ROW, "box_private")


@dataclass(frozen=True)
class _Keys:
    sign_public: str
    box_public: str
    sign_private_enc: str
    box_private_enc: str


_CACHE: dict[str, _Keys] = {}


@dataclass(frozen=True)
class Identity:
    sign_public: str
    box_public: str

    @property
    def sign_fingerprint(self) -> str:
        return fingerprint(self.sign_public)

    @property
    def box_fingerprint(self) -> str:
        return fingerprint(self.box_public)


def ensure_keys() -> _Keys:
    """The row, made on first use in a transaction of its own; cached per database."""
    url = get_settings().database_url
    if url in _CACHE:
        return _CACHE[url]
    row = _read()
    if row is None:
        _create()
        row = _read()
    assert row is not None
    _CACHE[url] = row
    return row


def _read() -> _Keys | None:
    with session_scope(read_only=True) as session:
        row = session.get(NetworkKeys, ROW)
        return None if row is None else _Keys(row.sign_public, row.box_public,
                                              row.sign_private_enc, row.box_private_enc)


def _create() -> None:
    sign, box = SigningKey.generate(), PrivateKey.generate()
    try:
        with session_scope() as session:
            session.add(NetworkKeys(
                id=ROW, sign_public=b64(bytes(sign.verify_key)),
                box_public=b64(bytes(box.public_key)),
                sign_private_enc=crypto.encrypt_bytes(bytes(sign), SIGN_AAD),
                box_private_enc=crypto.encrypt_bytes(bytes(box), BOX_AAD)))
    except IntegrityError:  # another process made them first: theirs are the keys
        pass


def identity() -> Identity:
    row = ensure_keys()
    return Identity(sign_public=row.sign_public, box_public=row.box_public)


def signing_key() -> SigningKey:
    return SigningKey(crypto.decrypt_bytes(ensure_keys().sign_private_enc, SIGN_AAD))


def box_key() -> PrivateKey:
    return PrivateKey(crypto.decrypt_bytes(ensure_keys().box_private_enc, BOX_AAD))


def forget_keys() -> None:
    _CACHE.clear()


def valid_public_key(text: str) -> bool:
    try:
        return len(unb64(text.strip())) == 32
    except Exception:  # noqa: BLE001 - any malformed value is simply not a key
        return False
