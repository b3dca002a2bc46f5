"""Signed requests between peers (Ed25519, PyNaCl), pure functions with no database.

A request is signed over one canonical text: a version tag, the method, the path, the
timestamp, the nonce, the SHA-256 of the body and the fingerprint of the key it is meant
for (so a request to one peer cannot be replayed to another). The answer is signed over the
request's nonce and the answer body's hash, so a caller knows who answered that request.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

VERSION = "amparo-net-1"
MAX_SKEW_SECONDS = 300
H_KEY, H_TIME, H_NONCE, H_SIG = ("x-amparo-key", "x-amparo-time", "x-amparo-nonce",
                                 "x-amparo-signature")


class SignatureRefused(Exception):
    """A signed message that must not be acted on; `code` says why (never personal data)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode(), validate=True)
    except (ValueError, TypeError) as exc:
        raise SignatureRefused("malformed") from exc


def fingerprint(public_b64: str) -> str:
    """A key's fingerprint to read aloud on the phone: 16 groups of 4 hex digits."""
    digest = hashlib.sha256(unb64(public_b64)).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, 64, 4)).upper()


def key_id(public_b64: str) -> str:
    return hashlib.sha256(unb64(public_b64)).hexdigest()[:32]


def request_text(method: str, path: str, timestamp: str, nonce: str, body: bytes,
                 recipient: str) -> bytes:
    return "\n".join([VERSION, method.upper(), path, timestamp, nonce,
                      hashlib.sha256(body).hexdigest(), recipient]).encode()


def answer_text(nonce: str, status: int, body: bytes) -> bytes:
    return "\n".join([VERSION, "answer", nonce, str(status),
                      hashlib.sha256(body).hexdigest()]).encode()


@dataclass(frozen=True)
class Signed:
    headers: dict[str, str]
    nonce: str


def sign_request(key: SigningKey, *, method: str, path: str, body: bytes,
                 recipient_public: str, now: float | None = None) -> Signed:
    timestamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    text = request_text(method, path, timestamp, nonce, body, key_id(recipient_public))
    signature = key.sign(text).signature
    return Signed(headers={H_KEY: key_id(b64(bytes(key.verify_key))), H_TIME: timestamp,
                           H_NONCE: nonce, H_SIG: b64(signature)}, nonce=nonce)


def check_time(timestamp: str, now: float | None = None) -> None:
    try:
        at = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise SignatureRefused("malformed") from exc
    if abs((now if now is not None else time.time()) - at) > MAX_SKEW_SECONDS:
        raise SignatureRefused("stale")


def verify_request(sender_public: str, own_public: str, *, method: str, path: str,
                   body: bytes, headers: dict[str, str], now: float | None = None) -> str:
    """The nonce when the signature holds and the time is fresh; SignatureRefused if not.
    Whether the nonce was seen before is the caller's check (it needs the database)."""
    timestamp, nonce = headers.get(H_TIME, ""), headers.get(H_NONCE, "")
    if not nonce or len(nonce) > 64 or not nonce.isalnum():
        raise SignatureRefused("malformed")
    check_time(timestamp, now)
    text = request_text(method, path, timestamp, nonce, body, key_id(own_public))
    _verify(sender_public, text, headers.get(H_SIG, ""))
    return nonce


def sign_answer(key: SigningKey, nonce: str, status: int, body: bytes) -> str:
    return b64(key.sign(answer_text(nonce, status, body)).signature)


def verify_answer(sender_public: str, nonce: str, status: int, body: bytes,
                  signature: str) -> None:
    _verify(sender_public, answer_text(nonce, status, body), signature)


def _verify(public_b64: str, text: bytes, signature_b64: str) -> None:
    signature = unb64(signature_b64)
    try:
        VerifyKey(unb64(public_b64)).verify(text, signature)
    except (BadSignatureError, ValueError) as exc:
        raise SignatureRefused("bad_signature") from exc
