"""Calling a peer: a signed request, a signed answer, nothing personal in what is logged.

The body is JSON; what it carries of a case is already sealed to the peer's box key.
The caller holds no database transaction while waiting for the peer."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from models.core.errors import ExternalServiceError
from models.network import keys, signing
from models.network.tables import Peer

TIMEOUT = 20.0


@dataclass(frozen=True)
class PeerRef:
    id: str
    url: str
    sign_public: str
    box_public: str
    status: str

    @classmethod
    def of(cls, peer: Peer) -> "PeerRef":
        return cls(peer.id, peer.url, peer.sign_public, peer.box_public, peer.status)


class PeerRefused(ExternalServiceError):
    """The peer refused or could not be reached."""

    code = "peer_refused"

    def __init__(self, message: str = "", *, reason: str = "unreachable",
                 status: int = 0) -> None:
        super().__init__(message or "the other fund's service did not accept the request")
        self.reason = reason
        self.status = status


def call(peer: PeerRef, method: str, path: str, payload: dict[str, Any] | None = None,
         ) -> dict[str, Any]:
    """The peer's answer, its signature checked; PeerRefused otherwise."""
    if peer.status != "active":
        raise PeerRefused(reason="suspended")
    body = json.dumps(payload or {}, sort_keys=True).encode()
    signed = signing.sign_request(keys.signing_key(), method=method, path=path, body=body,
                                  recipient_public=peer.sign_public)
    try:
        answer = httpx.request(method, peer.url + path, content=body, timeout=TIMEOUT,
                               headers={**signed.headers, "content-type": "application/json"})
    except httpx.HTTPError as exc:
        raise PeerRefused(reason="unreachable") from exc
    if answer.status_code >= 300:
        raise PeerRefused(reason=_error_code(answer), status=answer.status_code)
    try:
        signing.verify_answer(peer.sign_public, signed.nonce, answer.status_code,
                              answer.content, answer.headers.get(signing.H_SIG, ""))
        return answer.json()
    except (signing.SignatureRefused, ValueError) as exc:
        raise PeerRefused(reason="bad_answer", status=answer.status_code) from exc


def _error_code(answer: httpx.Response) -> str:
    try:
        return str(answer.json()["error"]["code"])[:32]
    except (ValueError, KeyError, TypeError):
        return f"http_{answer.status_code}"
