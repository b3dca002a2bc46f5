"""Case notes (issue 15): staff write them, staff who need them read them; the text is sealed
with the applicant's data key (erasure shreds it) and bound to its row and column.

Only caseworkers and admins read and write notes; every note is audited by id, never text.
"""
from __future__ import annotations

from sqlmodel import Session, col, select

from models.applications import sealed
from models.applications.casework_tables import CaseNote
from models.applications.tables import Applicant, Application
from models.core import audit, crypto
from models.core.errors import Conflict, Forbidden, Invalid

NOTE_ROLES = frozenset({"caseworker", "admin"})
NOTE_KINDS = ("note", "override_ineligible", "override_duplicate", "withdrawn", "closed",
              "checkin", "report")
MAX_NOTE = 4000
MIN_REASON = 5


def _aad(note: CaseNote) -> str:
    return crypto.aad_for("case_note", note.id, "text")


def clean_text(text: str | None, field: str, *, minimum: int = 1) -> str:
    """Stripped text of `minimum` to MAX_NOTE characters, else Invalid naming the field."""
    text = (text or "").strip()
    if len(text) < minimum or len(text) > MAX_NOTE:
        raise Invalid("invalid text", fields={field: f"{minimum} to {MAX_NOTE} characters"})
    return text


def may_use_notes(role: str) -> bool:
    return role in NOTE_ROLES


def _dek(session: Session, application: Application) -> bytes:
    applicant = session.get(Applicant, application.applicant_id)
    dek = sealed.data_key(applicant) if applicant else None
    if dek is None:
        raise Conflict("the person's data was erased", code="erased")
    return dek


def add_note(*, session: Session, application: Application, author_id: str, role: str,
             text: str, kind: str = "note", ref_id: str | None = None,
             field: str = "note") -> CaseNote:
    """A sealed note on the case; Forbidden for roles without notes, Invalid when empty."""
    if role not in NOTE_ROLES:
        raise Forbidden("your role may not write case notes")
    if kind not in NOTE_KINDS:
        raise Invalid("unknown kind of note", fields={"kind": "unknown"})
    text = clean_text(text, field, minimum=MIN_REASON if kind != "note" else 1)
    note = CaseNote(application_id=application.id, author_id=author_id, kind=kind,
                    ref_id=ref_id)
    note.text_enc = crypto.seal_with(_dek(session, application), text, _aad(note))
    session.add(note)
    session.flush()
    audit.record(session, actor=author_id, action="case.note_added", entity="application",
                 entity_id=application.id, data={"note_id": note.id, "kind": kind})
    return note


def has_note(session: Session, application_id: str, kind: str) -> bool:
    return session.exec(select(CaseNote.id).where(CaseNote.application_id == application_id,
                                                  CaseNote.kind == kind)).first() is not None


def notes_of(session: Session, application: Application, role: str) -> list[dict]:
    """The case's notes, newest first, opened; [] for roles without notes."""
    if role not in NOTE_ROLES:
        return []
    applicant = session.get(Applicant, application.applicant_id)
    dek = sealed.data_key(applicant) if applicant else None
    rows = session.exec(select(CaseNote).where(CaseNote.application_id == application.id)
                        .order_by(col(CaseNote.created_at).desc())).all()
    return [{"id": n.id, "kind": n.kind, "author_id": n.author_id, "ref_id": n.ref_id,
             "created_at": n.created_at, "text": crypto.open_with(dek, n.text_enc, _aad(n))}
            for n in rows]
