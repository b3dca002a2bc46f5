"""Co-funding checks: does a peer hold an open or recent grant for the same person and
purpose? Asked by PSI over identity tokens; the answer is match / no match, the date band
and the purpose category (the kind asked about), nothing else (docs/network.md)."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from models.applications import sealed
from models.applications.tables import Applicant, Application
from models.core.base import as_utc, utcnow
from models.core.errors import Conflict, Invalid, NotFound
from models.network import psi
from models.network.client import PeerRef, PeerRefused, call
from models.network.service import peers, record_exchange
from models.network.tables import Peer

# An application may be checked while it is being decided, not after.
CHECKABLE = ("submitted", "needs_info", "eligible", "risk_assessed", "in_review",
             "info_requested", "matching")
# Ours, as the answering side: open = any case under way; granted = decided with help given.
CLOSED_WITHOUT_HELP = ("ineligible", "rejected", "withdrawn")
GRANTED = ("approved", "disbursing", "disbursed", "follow_up", "closed", "confirmed",
           "checked_in", "checked_out", "held")
WINDOW_DAYS = 365
RECENT_DAYS = 90
PATH = "/api/v1/network/checks"


@dataclass(frozen=True)
class CheckResult:
    peer_id: str
    peer_name: str
    outcome: str            # match | no_match | refused
    band: str | None = None
    purpose: str = ""


def tokens_of(session: Session, application: Application) -> list[str]:
    applicant = session.get(Applicant, application.applicant_id)
    if applicant is None or applicant.erased_at is not None:
        return []
    values = sealed.open_applicant(applicant)
    return psi.identity_tokens(name=values["name"], email=values["email"],
                               phone=values["phone"], country=applicant.country)


def prepare_check(session: Session, application_id: str) -> tuple[list[str], str, list[PeerRef]]:
    """The tokens, the purpose and the peers to ask; nothing is written."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("unknown application")
    if application.status not in CHECKABLE:
        raise Conflict("a co-funding check is for an application still being decided")
    tokens = tokens_of(session, application)
    if not tokens:
        raise Invalid("this application holds nothing to compare")
    asked = [PeerRef.of(p) for p in peers(session) if p.status == "active" and p.checks_allowed]
    return tokens, application.kind, asked


def ask_peer(peer: PeerRef, peer_name: str, tokens: list[str], purpose: str) -> CheckResult:
    """One check with one peer, over the network; no transaction is held."""
    asker = psi.Asker(tokens, purpose)
    try:
        answer = call(peer, "POST", PATH, {
            "purpose": purpose, "request": base64.b64encode(asker.request()).decode()})
        bands = asker.bands(base64.b64decode(answer["setup"]), base64.b64decode(answer["response"]))
    except (PeerRefused, KeyError, ValueError, TypeError):
        return CheckResult(peer.id, peer_name, "refused", purpose=purpose)
    band = psi.best_band(bands)
    return CheckResult(peer.id, peer_name, "match" if band else "no_match", band, purpose)


def record_results(session: Session, *, application_id: str, actor_id: str,
                   results: list[CheckResult]) -> None:
    for r in results:
        record_exchange(session, peer_id=r.peer_id, direction="out", kind="check",
                        outcome="ok" if r.outcome != "refused" else "refused",
                        entity_id=application_id, actor=actor_id)


def answer_check(session: Session, *, peer: Peer, purpose: str, request_b64: str
                 ) -> dict[str, str]:
    """The answering side: our set for this purpose, run against the peer's request."""
    if purpose not in ("grant", "shelter", "visa"):
        raise Invalid("unknown purpose", fields={"purpose": "grant, shelter or visa"})
    try:
        request = base64.b64decode(request_b64, validate=True)
        setup, response = psi.answer(request, held_set(session, purpose))
    except (ValueError, TypeError) as exc:
        raise Invalid("not a check request", fields={"request": "malformed"}) from exc
    record_exchange(session, peer_id=peer.id, direction="in", kind="check")
    return {"setup": base64.b64encode(setup).decode(),
            "response": base64.b64encode(response).decode()}


def held_set(session: Session, purpose: str) -> list[str]:
    now = utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    rows = session.exec(select(Application, Applicant)
                        .join(Applicant, col(Applicant.id) == col(Application.applicant_id))
                        .where(Application.kind == purpose,
                               col(Applicant.erased_at).is_(None),
                               col(Application.status).not_in(CLOSED_WITHOUT_HELP),
                               col(Application.submitted_at) >= since)).all()
    people = []
    for application, applicant in rows:
        band = _band(application, now)
        if band is None:
            continue
        values = sealed.open_applicant(applicant)
        people.append((psi.identity_tokens(name=values["name"], email=values["email"],
                                           phone=values["phone"], country=applicant.country),
                       band))
    return psi.held_elements(people, purpose)


def _band(application: Application, now) -> str | None:  # noqa: ANN001
    if application.status not in GRANTED or application.decided_at is None:
        return "open" if application.status != "closed" else None
    decided = as_utc(application.decided_at)
    assert decided is not None
    if application.status != "closed":
        return "open"
    if decided >= now - timedelta(days=RECENT_DAYS):
        return "last_90_days"
    return "last_year" if decided >= now - timedelta(days=WINDOW_DAYS) else None
