"""The matching step of the placement workflow, run by the `match-shelter` flow.

Cases entering `matching` are ranked (critical first, by the flow); coordinators are told
whether houses fit or none does. The sweeper queues every case that entered matching since
its last run, so a case is never forgotten, and a re-run never notifies twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists
from sqlmodel import Session, col, select

from models.applications.repository import staff_with_role
from models.applications.tables import Application
from models.core import audit, notices, outbox
from models.core.base import as_utc
from models.core.outbox import Dispatch
from models.shelter.service import matches

MATCH_FLOW = outbox.MATCH_FLOW
NOTICE_FLOW = outbox.NOTICE_FLOW


def match_one(session: Session, application_id: str) -> str:
    application = session.get(Application, application_id)
    if application is None or application.kind != "shelter" or application.status != "matching":
        return "skipped"
    found = matches(session=session, application=application)
    kind = MATCH_NOTICES[0] if found else MATCH_NOTICES[1]
    stamp = int(as_utc(application.status_changed_at).timestamp())  # type: ignore[union-attr]
    queued = 0
    for user_id in staff_with_role(session, "shelter_coordinator"):
        if notices.queue_notice(session, kind=kind, recipient_id=user_id,
                                application_id=application.id,
                                dedupe_key=f"{kind}:{application.id}:{stamp}:{user_id}"):
            queued += 1
    if queued:
        audit.record(session, actor="system", action="shelter.matched", entity="application",
                     entity_id=application.id, data={"candidates": len(found)})
        outbox.enqueue(session, flow=NOTICE_FLOW, entity_id=application.id,
                       priority=application.priority)
    return "matched" if found else "no_match"


MATCH_NOTICES = ("shelter_matches", "shelter_no_match")


def unmatched(session: Session, ids: list[str]) -> list[str]:
    """The cases among `ids` in matching that no run has matched since they entered it (the
    match notices' dedupe keys carry the time of that entry, see `match_one`)."""
    rows = session.exec(select(Application.id, Application.status_changed_at).where(
        col(Application.id).in_(ids), Application.kind == "shelter",
        Application.status == "matching")).all()
    if not rows:
        return []
    keys: dict[str, list[str]] = {}
    for app_id, key in session.exec(select(notices.Notice.application_id,
                                           notices.Notice.dedupe_key).where(
            col(notices.Notice.application_id).in_([r[0] for r in rows]),
            col(notices.Notice.kind).in_(MATCH_NOTICES))).all():
        keys.setdefault(app_id, []).append(key)  # type: ignore[arg-type]

    def matched(app_id: str, entered: datetime) -> bool:
        stamp = int(as_utc(entered).timestamp())  # type: ignore[union-attr]
        prefixes = tuple(f"{kind}:{app_id}:{stamp}:" for kind in MATCH_NOTICES)
        return any(key.startswith(prefixes) for key in keys.get(app_id, []))

    return [app_id for app_id, entered in rows if not matched(app_id, entered)]


def queue_new_cases(session: Session, now: datetime | None = None) -> int:
    """Outbox rows for cases in matching not matched since they (re-)entered matching."""
    already = exists().where(Dispatch.flow == MATCH_FLOW,
                             Dispatch.entity_id == Application.id,
                             col(Dispatch.created_at) >= Application.status_changed_at)
    rows = session.exec(select(Application.id, Application.priority).where(
        Application.kind == "shelter", Application.status == "matching", ~already)
        .order_by(col(Application.priority)).limit(200)).all()
    for application_id, priority in rows:
        outbox.enqueue(session, flow=MATCH_FLOW, entity_id=application_id, priority=priority)
    return len(rows)
