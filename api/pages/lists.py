"""Search and paging of the staff lists that share one shape: the case list (caseworker,
admin), the review queue, and the look-up of a case by its receipt.

Search fields travel in the query string (ids, country codes, statuses, dates: nothing
personal) and are kept in every page link (forms/templates/staff/_paging.html). A receipt is
personal: it comes by POST (/staff/cases/receipt), is hashed, and the answer is a redirect
to the case's id — it is never in a URL, so never in an access log or the browser's history.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import csrf
from api.pages.session import PageUser, deny_unless, staff_language, staff_page
from api.posted import PostedForm
from forms.web.common import countries
from models.applications.views import visible_to
from models.applications.workflow import WORKFLOWS
from models.core import audit
from models.desks.paging import Page, Paging, page_of_list
from models.desks.search import case_by_receipt, case_search, find_cases
from models.people.tables import StaffUser
from models.reviews.queue import case_clock, humanise

router = APIRouter(include_in_schema=False)
KINDS = tuple(WORKFLOWS)
STATUSES = tuple(dict.fromkeys(s for wf in WORKFLOWS.values() for s in wf.statuses))
LIST_ROLES = ("caseworker", "admin")


def cases_list(request: Request, session: SessionDep, user: StaffUser, *,
               receipt_error: bool = False, status_code: int = 200) -> HTMLResponse:
    """/staff/cases: cases by id, country, kind, status and dates, 50 a page."""
    search = case_search(request.query_params)
    if search.get("kind") not in KINDS:
        search.pop("kind", None)
    if search.get("status") not in STATUSES:
        search.pop("status", None)
    page = find_cases(session, role=user.role, search=search,
                      paging=Paging.read(request.query_params))
    rows = [(app, case_clock(app)) for app in page.items]
    return staff_page(request, "staff/cases.html", {
        "rows": rows, "page": page, "search": search, "kinds": KINDS, "statuses": STATUSES,
        "kind": search.get("kind"), "status": search.get("status"), "humanise": humanise,
        "countries": countries(staff_language(request, user)), "receipt_error": receipt_error},
        user=user, status_code=status_code)


@router.post("/staff/cases/receipt", response_class=HTMLResponse)
def case_by_receipt_page(request: Request, body: PostedForm, session: SessionDep,
                         user: PageUser) -> Response:
    denied = deny_unless(request, user, *LIST_ROLES)
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    application = case_by_receipt(session, str(form.get("receipt") or "")[:64])
    if application is None or not visible_to(session, application, user.role, user.id):
        session.rollback()
        return cases_list(request, session, user, receipt_error=True, status_code=404)
    # who opened which case by a receipt (ids only: never the receipt itself)
    audit.record(session, actor=user.id, action="case.found_by_receipt", entity="application",
                 entity_id=application.id)
    session.commit()
    return RedirectResponse(f"/staff/cases/{application.id}", status_code=303)


def queue_page_of(items: list[Any], params: Any) -> Page[Any]:
    """The review queue (computed row by row, already most urgent first), by page; `q` is
    the start of a case id."""
    q = str(params.get("q") or "").strip().lower()[:32]
    chosen = [i for i in items if i.application_id.startswith(q)] if q else list(items)
    return page_of_list(chosen, Paging.read(params), {"q": q} if q else {})
