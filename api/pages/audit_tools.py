"""The audit log's tools for admins: "verify the chain now" (the check `amparo audit verify`
runs, audited itself) and the export of one case's events as CSV — sequence, time, who
(an id or "system"/"applicant"), action, entity and its id: no data, no personal field."""
from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from api.pages.session import PageUser, checked_form, staff_page
from api.posted import PostedForm
from models.core import audit
from models.core.base import utcnow
from models.desks.paging import Paging
from models.desks.search import find_events

router = APIRouter(include_in_schema=False)
EXPORT_MAX = 10_000
COLUMNS = ("seq", "at", "actor", "action", "entity", "entity_id")


@router.post("/staff/audit/verify", response_class=HTMLResponse)
def verify_now(request: Request, body: PostedForm, session: SessionDep,
               user: PageUser) -> HTMLResponse:
    denied, _ = checked_form(request, body, user, "admin")
    if denied:
        return denied
    result = audit.verify(session)
    audit.record(session, actor=user.id, action="audit.verified", entity="audit",
                 entity_id="chain", data={"ok": result.ok, "count": result.count})
    session.commit()
    return staff_page(request, "staff/ops/audit_verified.html",
                      {"check": result, "at": utcnow()}, user=user)


@router.post("/staff/audit/export")
def export_case(request: Request, body: PostedForm, session: SessionDep,
                user: PageUser) -> Response:
    """A POST: the export is itself audited (a write), and the id stays out of URLs."""
    denied, form = checked_form(request, body, user, "admin")
    if denied:
        return denied
    entity_id = str(form.get("entity_id") or "").strip()[:64]
    if not entity_id:
        return Response("entity_id: required", status_code=422, media_type="text/plain")
    page = find_events(session, search={"entity_id": entity_id},
                       paging=Paging(page=1, per_page=EXPORT_MAX))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for event in sorted(page.items, key=lambda e: e.seq):
        writer.writerow([event.seq, event.at.isoformat(), _safe(event.actor), _safe(event.action),
                         _safe(event.entity), _safe(event.entity_id)])
    audit.record(session, actor=user.id, action="audit.exported", entity=event_entity(page),
                 entity_id=entity_id, data={"events": len(page.items)})
    session.commit()
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="audit-events.csv"'})


def event_entity(page) -> str:  # noqa: ANN001
    return page.items[0].entity if page.items else "unknown"


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
