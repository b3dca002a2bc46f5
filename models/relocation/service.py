"""A relocation links a visa case, a shelter placement and a travel grant of one defender."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.applications.tables import Applicant, Application
from models.core import audit
from models.core.errors import Conflict, Invalid, NotFound
from models.relocation.tables import Relocation

SLOTS = {"visa": "visa_application_id", "shelter": "shelter_application_id",
         "grant": "grant_application_id"}


def _same_defender(first: Applicant, other: Applicant) -> bool:
    """The same person: one applicant row, or the same e-mail or phone (blind indexes)."""
    if first.id == other.id:
        return True
    return any(getattr(first, c) and getattr(first, c) == getattr(other, c)
               for c in ("email_index", "phone_index"))


def create_relocation(*, session: Session, application_ids: dict[str, str | None],
                      actor_id: str) -> Relocation:
    """`application_ids`: kind -> application id (visa, shelter, grant; two at least)."""
    chosen = {k: v for k, v in application_ids.items() if v}
    if set(chosen) - set(SLOTS) or len(chosen) < 2:
        raise Invalid("link at least two of: visa, shelter, grant",
                      fields={"applications": "two or more of visa, shelter, grant"})
    applicants: list[Applicant] = []
    for kind, app_id in chosen.items():
        application = session.get(Application, app_id)
        if application is None or application.kind != kind:
            raise NotFound(f"no {kind} application with this id", fields={kind: "not found"})
        applicant = session.get(Applicant, application.applicant_id)
        assert applicant is not None
        applicants.append(applicant)
    if not all(_same_defender(applicants[0], other) for other in applicants[1:]):
        raise Conflict("these applications are not of the same defender", code="not_same_person")
    relocation = Relocation(applicant_id=applicants[0].id, created_by=actor_id,
                            **{SLOTS[k]: v for k, v in chosen.items()})
    try:
        with session.begin_nested():
            session.add(relocation)
            session.flush()
    except IntegrityError as exc:
        raise Conflict("an application is already part of a relocation") from exc
    audit.record(session, actor=actor_id, action="relocation.created", entity="relocation",
                 entity_id=relocation.id, data={k: v for k, v in chosen.items()})
    return relocation


def get_relocation(session: Session, relocation_id: str) -> Relocation:
    relocation = session.get(Relocation, relocation_id)
    if relocation is None:
        raise NotFound("unknown relocation")
    return relocation
