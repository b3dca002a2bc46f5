"""Erasure by crypto-shredding (DESIGN.md rule 5): delete the applicant's data key and every
sealed value, uploaded file and keyring-encrypted note about the person. Anonymous
statistics survive: kind, status, country, threat categories, risk level, amounts, dates.

Refused while money is in flight for the person (approved or sent and not yet settled):
finance must finish or cancel it first, or the payment could not be traced.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from models.applications.tables import Applicant, Application, Document, InfoRequest
from models.applications.workflow import WORKFLOWS
from models.core import audit, crypto
from models.core.base import as_utc, utcnow
from models.core.db import lock
from models.core.errors import Conflict, NotFound
from models.core.settings import get_settings
from models.money.tables import Disbursement
from models.reviews.tables import Vote

# Other areas register what they keep about a person outside the applicant's data key.
ErasureHook = Callable[[Session, Application], None]
ERASURE_HOOKS: list[ErasureHook] = []
MONEY_IN_FLIGHT = ("approved", "held", "sent")  # held: new payout details (issue 17)


def register_erasure_hook(hook: ErasureHook) -> None:
    if hook not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(hook)


def erase_application_person(*, session: Session, application_id: str, actor_id: str,
                             reason: str = "request") -> int:
    """Erase the person behind an application (all their applications). Returns how many
    applications were stripped; 0 when already erased."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("unknown application")
    applicant = lock(session, Applicant, application.applicant_id)
    if applicant is None or applicant.erased_at is not None:
        return 0
    apps = session.exec(select(Application).where(
        Application.applicant_id == applicant.id)).all()
    app_ids = [a.id for a in apps]
    if session.exec(select(Disbursement).where(col(Disbursement.application_id).in_(app_ids),
                                               col(Disbursement.status).in_(MONEY_IN_FLIGHT))).first():
        raise Conflict("money is in flight for this person; settle or cancel it first",
                       code="money_in_flight")
    _shred_applicant(applicant)
    session.add(applicant)
    for app in apps:
        _strip_application(session, app)
        for hook in ERASURE_HOOKS:
            hook(session, app)
    audit.record(session, actor=actor_id, action="applicant.erased", entity="applicant",
                 entity_id=applicant.id, data={"applications": app_ids, "reason": reason})
    return len(apps)


def _shred_applicant(applicant: Applicant) -> None:
    applicant.data_key_wrapped = None  # every d1. value of this person is now unreadable
    for field in ("name_enc", "email_enc", "phone_enc", "organisation_enc", "pronouns_enc",
                  "email_index", "phone_index", "name_index"):
        setattr(applicant, field, None)
    applicant.erased_at = utcnow()


def _strip_application(session: Session, app: Application) -> None:
    app.details_enc = None
    app.duplicate_key = None
    app.submission_key = None
    app.receipt_hash = "erased:" + crypto.new_receipt()  # the old receipt opens nothing now
    session.add(app)
    session.exec(update(InfoRequest).where(InfoRequest.application_id == app.id)  # type: ignore[call-overload]
                 .values(question_enc=None, answer_enc=None))
    session.exec(update(Vote).where(Vote.application_id == app.id)  # type: ignore[call-overload]
                 .values(comment_enc=None))
    session.exec(update(Disbursement).where(Disbursement.application_id == app.id)  # type: ignore[call-overload]
                 .values(destination_enc=None, destination_index=None))
    for doc in session.exec(select(Document).where(Document.application_id == app.id)).all():
        path = get_settings().uploads_dir / f"{doc.id}.sealed"
        path.unlink(missing_ok=True)
        doc.filename_enc = None
        session.add(doc)


def retention_due(*, session: Session, now: datetime, days: int) -> list[str]:
    """Applications ended (terminal status) more than `days` ago whose person is not erased."""
    cutoff = now - timedelta(days=days)
    terminal = {s for wf in WORKFLOWS.values() for s in wf.terminal}
    rows = session.exec(select(Application).join(Applicant).where(
        col(Application.status).in_(terminal), col(Applicant.erased_at).is_(None),
        col(Application.status_changed_at) < cutoff).limit(200)).all()
    return [a.id for a in rows if _all_ended(session, a.applicant_id, cutoff, terminal)]


def _all_ended(session: Session, applicant_id: str, cutoff: datetime, terminal: set[str]) -> bool:
    """A person is erased only when every one of their cases ended before the cutoff."""
    apps = session.exec(select(Application).where(Application.applicant_id == applicant_id)).all()
    return all(a.status in terminal and as_utc(a.status_changed_at) < cutoff for a in apps)  # type: ignore[operator]
