"""Field encryption at rest (DESIGN.md rule 5), blind indexes and receipt codes.

- Keyring values: `k1.<kid>.<base64(nonce|ciphertext)>`, AES-256-GCM, associated data binding
  the value to its row and column, so a value copied to another row does not decrypt.
- Applicant data: a per-applicant data key (DEK), itself wrapped by the keyring. Deleting
  the wrapped DEK makes every field of that applicant unreadable (crypto-shredding).
- Blind indexes and receipt hashes: HMAC-SHA256 under keys derived from the secret key.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from models.core.errors import ConfigurationError
from models.core.settings import get_settings

_NONCE = 12
# Crockford's base32: no I, L, O, U — easy to read aloud, no look-alikes.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 20  # 100 bits
_RECEIPT_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


class DecryptionError(ConfigurationError):
    """A stored value could not be decrypted."""

    code = "decryption"


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _seal(key: bytes, plaintext: bytes, aad: str) -> str:
    nonce = os.urandom(_NONCE)
    return _b64e(nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode()))


def _open(key: bytes, sealed: str, aad: str) -> bytes:
    raw = _b64d(sealed)
    try:
        return AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], aad.encode())
    except InvalidTag as exc:
        raise DecryptionError("a stored value did not decrypt") from exc


def aad_for(table: str, row_id: str, column: str) -> str:
    return f"{table}:{row_id}:{column}"


# --- keyring ---------------------------------------------------------------------------

def encrypt(plaintext: str | None, aad: str) -> str | None:
    if plaintext is None:
        return None
    s = get_settings()
    kid = s.primary_key_id
    return f"k1.{kid}.{_seal(s.encryption_keys[kid], plaintext.encode(), aad)}"


def decrypt(token: str | None, aad: str) -> str | None:
    if token is None:
        return None
    return decrypt_bytes(token, aad).decode()


def decrypt_bytes(token: str, aad: str) -> bytes:
    version, kid, sealed = token.split(".", 2)
    ring = get_settings().encryption_keys
    if version != "k1" or kid not in ring:
        raise DecryptionError("unknown key id in a stored value")
    return _open(ring[kid], sealed, aad)


def encrypt_bytes(raw: bytes, aad: str) -> str:
    s = get_settings()
    kid = s.primary_key_id
    return f"k1.{kid}.{_seal(s.encryption_keys[kid], raw, aad)}"


def key_id_of(token: str) -> str:
    return token.split(".", 2)[1]


def needs_rotation(token: str | None) -> bool:
    return token is not None and key_id_of(token) != get_settings().primary_key_id


# --- per-applicant data keys -----------------------------------------------------------

def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_data_key(dek: bytes, owner_id: str) -> str:
    return encrypt_bytes(dek, aad_for("applicant", owner_id, "data_key"))


def unwrap_data_key(wrapped: str, owner_id: str) -> bytes:
    return decrypt_bytes(wrapped, aad_for("applicant", owner_id, "data_key"))


def seal_with(dek: bytes, plaintext: str | None, aad: str) -> str | None:
    if plaintext is None:
        return None
    return "d1." + _seal(dek, plaintext.encode(), aad)


def open_with(dek: bytes | None, token: str | None, aad: str) -> str | None:
    """None when the token is empty or the data key was shredded."""
    if token is None or dek is None:
        return None
    return _open(dek, token.removeprefix("d1."), aad).decode()


def seal_json(dek: bytes, value: Any, aad: str) -> str:
    return seal_with(dek, json.dumps(value, sort_keys=True, default=str), aad) or ""


def open_json(dek: bytes | None, token: str | None, aad: str) -> Any:
    text = open_with(dek, token, aad)
    return None if text is None else json.loads(text)


# --- keyed hashes ----------------------------------------------------------------------

@lru_cache(maxsize=32)
def _derived_key(secret_key: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"amparo", info=purpose.encode())
    return hkdf.derive(secret_key.encode())


def derived_key(purpose: str) -> bytes:
    return _derived_key(get_settings().secret_key, purpose)


def normalise(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(text.split())


def blind_index(value: str | None, purpose: str) -> str | None:
    """Searchable without revealing the value; `purpose` keeps indexes apart."""
    if not value or not value.strip():
        return None
    mac = hmac.new(derived_key("blind-index:" + purpose), normalise(value).encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def keyed_hash(value: str, purpose: str) -> str:
    return hmac.new(derived_key(purpose), value.encode(), hashlib.sha256).hexdigest()


# --- receipts ----------------------------------------------------------------------------

def new_receipt() -> str:
    """100 random bits as 5 groups of 4 characters, e.g. `7KQ2-M9XD-...`."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(code[i:i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt(text: str) -> str | None:
    """Accept spaces, dashes, lower case and look-alikes; None when it cannot be a receipt."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_RECEIPT_FOLD)
    if len(raw) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in raw):
        return None
    return raw


def receipt_hash(text: str) -> str | None:
    code = normalise_receipt(text)
    return None if code is None else keyed_hash(code, "receipt")
