"""A register of declared conflicts: countries, organisations and people a reviewer must not
judge (issue 14.2). A case that touches one is never offered to her: routing records her
recusal at once (audited, "review.auto_recused"), so the way to a decision (reach.py) counts
without her from the start, and a conflict declared later recuses her from the open cases.

Organisations and people are kept as blind indexes (matched against the applicant's and the
endorser's, never compared in clear) with the words the admin typed sealed for the register.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, Session, SQLModel, col, select

from models.applications.sealed import data_key, open_applicant, open_details
from models.applications.tables import Applicant, Application
from models.core import audit, crypto
from models.core.base import id_field, time_field, utcnow
from models.core.errors import Invalid, NotFound
from models.people.tables import StaffUser
from models.reviews.tables import Vote

KINDS = ("country", "organisation", "person")
_PURPOSE = {"organisation": "conflict-organisation", "person": "name"}  # "name": name_index


class ReviewerConflict(SQLModel, table=True):
    __tablename__ = "reviewer_conflict"
    id: str = id_field()
    user_id: str = Field(foreign_key="staff_user.id", index=True, max_length=32)
    kind: str = Field(max_length=16)
    match_key: str = Field(index=True, max_length=64)  # country code, or a blind index
    label_enc: str | None = Field(default=None, sa_type=Text)  # what the admin typed, sealed
    created_at: datetime = time_field(nullable=False, default_now=True)


def _key(kind: str, value: str) -> str | None:
    if kind == "country":
        code = value.strip().upper()
        return code if len(code) == 2 and code.isalpha() else None
    return crypto.blind_index(value, _PURPOSE[kind])


def declare(session: Session, *, user_id: str, kind: str, value: str,
            actor_id: str) -> ReviewerConflict:
    """Add a conflict to her register and recuse her from the open cases it touches."""
    if kind not in KINDS:
        raise Invalid("unknown kind of conflict", fields={"kind": "country, organisation or person"})
    key = _key(kind, value[:200]) if value else None
    if key is None:
        raise Invalid("nothing to match", fields={"value": "a country code, or a name"})
    if session.get(StaffUser, user_id) is None:
        raise NotFound("no such person")
    row = ReviewerConflict(user_id=user_id, kind=kind, match_key=key)
    row.label_enc = crypto.encrypt(value.strip()[:200], crypto.aad_for("reviewer_conflict",
                                                                       row.id, "label"))
    session.add(row)
    audit.record(session, actor=actor_id, action="review.conflict_declared",
                 entity="staff_user", entity_id=user_id, data={"kind": kind})
    session.flush()
    for application in _open_cases_of(session, user_id):
        if user_id in conflicted(session, application, [user_id]):
            recuse(session, application.id, user_id, kind)
    return row


def withdraw(session: Session, *, conflict_id: str, actor_id: str) -> None:
    row = session.get(ReviewerConflict, conflict_id)
    if row is None:
        raise NotFound("no such conflict")
    session.delete(row)
    audit.record(session, actor=actor_id, action="review.conflict_withdrawn",
                 entity="staff_user", entity_id=row.user_id, data={"kind": row.kind})


def register_of(session: Session, user_id: str) -> list[tuple[ReviewerConflict, str]]:
    rows = session.exec(select(ReviewerConflict).where(ReviewerConflict.user_id == user_id)
                        .order_by(ReviewerConflict.created_at)).all()
    return [(r, crypto.decrypt(r.label_enc, crypto.aad_for("reviewer_conflict", r.id, "label"))
             or "") for r in rows]


def case_keys(session: Session, application: Application) -> set[tuple[str, str]]:
    """(kind, key) of what a case touches: her country, her organisation and the endorser's,
    her name and the endorser's (opened in memory, never stored or logged)."""
    applicant = session.get(Applicant, application.applicant_id)
    if applicant is None:
        return set()
    keys = {("country", applicant.country)} if applicant.country else set()
    dek = data_key(applicant)
    if dek is None:  # erased
        return keys
    fields = open_applicant(applicant, dek)
    endorser = open_details(application, dek).get("endorser") or {}
    for kind, value in (("organisation", fields.get("organisation")),
                        ("organisation", endorser.get("organisation")),
                        ("person", fields.get("name")), ("person", endorser.get("name"))):
        key = _key(kind, value) if value else None
        if key:
            keys.add((kind, key))
    return keys


def conflicted(session: Session, application: Application,
               user_ids: list[str]) -> dict[str, str]:
    """Which of these reviewers declared a conflict this case touches: user id -> kind."""
    if not user_ids:
        return {}
    keys = case_keys(session, application)
    rows = session.exec(select(ReviewerConflict).where(
        col(ReviewerConflict.user_id).in_(user_ids),
        col(ReviewerConflict.match_key).in_([key for _, key in keys] or [""]))).all()
    return {r.user_id: r.kind for r in rows if (r.kind, r.match_key) in keys}


def recuse(session: Session, application_id: str, user_id: str, kind: str) -> bool:
    """Her recusal, recorded for her (once); False when she had voted or recused already."""
    existing = session.exec(select(Vote).where(Vote.application_id == application_id,
                                               Vote.reviewer_id == user_id)).first()
    if existing is not None:
        return False
    session.add(Vote(application_id=application_id, reviewer_id=user_id, decision="recuse",
                     updated_at=utcnow()))
    audit.record(session, actor="system", action="review.auto_recused", entity="application",
                 entity_id=application_id, data={"reviewer": user_id, "conflict": kind})
    return True


def auto_recuse(session: Session, application: Application, user_ids: list[str]) -> set[str]:
    """Routing: recuse every reviewer of `user_ids` a declared conflict keeps off this case."""
    found = conflicted(session, application, user_ids)
    for user_id, kind in found.items():
        recuse(session, application.id, user_id, kind)
    return set(found)


def _open_cases_of(session: Session, user_id: str) -> list[Application]:
    """The cases in review on the panels she sits on."""
    from models.reviews.repository import open_cases_of_programmes, reviewer_panels
    programmes = [panel.programme_id for panel, _ in reviewer_panels(session, user_id)]
    return [a for a in open_cases_of_programmes(session, programmes) if a.status == "in_review"]
