"""Every query of the relocation area."""
from __future__ import annotations

from sqlmodel import Session, col, or_, select

from models.applications.tables import Applicant, Application
from models.core.audit import AuditEvent
from models.relocation.tables import Relocation


def relocation_of(session: Session, application_id: str) -> Relocation | None:
    return session.exec(select(Relocation).where(or_(
        Relocation.visa_application_id == application_id,
        Relocation.shelter_application_id == application_id,
        Relocation.grant_application_id == application_id))).first()


def recent(session: Session, limit: int = 100) -> list[Relocation]:
    return list(session.exec(select(Relocation).order_by(col(Relocation.created_at).desc())
                             .limit(limit)).all())


def events_for(session: Session, entity_ids: list[str]) -> list[AuditEvent]:
    if not entity_ids:
        return []
    return list(session.exec(select(AuditEvent).where(col(AuditEvent.entity_id).in_(entity_ids))
                             .order_by(col(AuditEvent.seq))).all())


def same_defender_applications(session: Session, applicant_ids: list[str],
                               email_index: str | None, phone_index: str | None,
                               kinds: list[str]) -> list[tuple[Application, bool]]:
    """Applications of these kinds by the same defender (one applicant row, or the same
    e-mail or phone blind index), newest first, each with whether it is linked already."""
    same = [col(Applicant.id).in_(applicant_ids)]
    if email_index:
        same.append(Applicant.email_index == email_index)
    if phone_index:
        same.append(Applicant.phone_index == phone_index)
    apps = session.exec(select(Application).join(Applicant,
                                                 Applicant.id == Application.applicant_id)
                        .where(or_(*same), col(Application.kind).in_(kinds))
                        .order_by(col(Application.submitted_at).desc()).limit(50)).all()
    return [(a, relocation_of(session, a.id) is not None) for a in apps]
