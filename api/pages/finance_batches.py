"""The batch of the day for a manual rail: approved money not yet sent, the provider's
bulk-upload CSV (a POST: audited, CSRF, nothing personal in the address) and "mark these as
sent". Finance only. Domain: models/money/batches.py.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import csrf
from api.pages.finance_view import helpers
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import PostedForm
from models.core.base import utcnow
from models.core.errors import AmparoError
from models.money import batches
from models.money.batches_payees import masked_destination
from models.money.workflow import MANUAL_RAILS
from models.people.tables import StaffUser

router = APIRouter(include_in_schema=False)
BASE = "/staff/finance/batches"


def _rail(value: object) -> str:
    return value if isinstance(value, str) and value in MANUAL_RAILS else "mobile_money"


def _page(request: Request, session: SessionDep, user: StaffUser, rail: str, *,
          error: str | None = None, status_code: int = 200) -> HTMLResponse:
    rows = batches.to_send(session, rail)
    totals: dict[str, int] = {}
    for d in rows:
        totals[d.currency] = totals.get(d.currency, 0) + d.amount_minor
    sent = request.query_params.get("sent", "")
    return staff_page(request, "staff/finance/batches.html", {
        "rail": rail, "rails": MANUAL_RAILS, "rows": rows, "totals": totals,
        "formats": batches.formats_for(rail), **helpers(request),
        "destinations": {d.id: masked_destination(session, d) for d in rows},
        "error": error, "sent": int(sent) if sent.isdigit() else None,
    }, user=user, status_code=status_code)


@router.get(BASE, response_class=HTMLResponse)
def batch_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "finance") or _page(
        request, session, user, _rail(request.query_params.get("rail")))


@router.post(BASE + "/export")
def export(request: Request, body: PostedForm, session: SessionDep,
           user: PageUser) -> Response:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    rail = _rail(form.get("rail"))
    try:
        text, _count = batches.export_csv(session, rail=rail, fmt_key=str(form.get("format")),
                                          user_id=user.id, role=user.role)
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _page(request, session, user, rail, error=exc.message,
                     status_code=exc.http_status)
    name = f"{rail}-{form.get('format')}-{utcnow().strftime('%Y%m%d-%H%M')}.csv"
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@router.post(BASE + "/sent")
def mark_sent(request: Request, body: PostedForm, session: SessionDep,
              user: PageUser) -> Response:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    rail = _rail(form.get("rail"))
    ids = [str(i) for i in form.getlist("ids")][: batches.MAX_BATCH]
    try:
        count = batches.mark_batch_sent(session, ids=ids, rail=rail, user_id=user.id,
                                        role=user.role)
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _page(request, session, user, rail, error=exc.message,
                     status_code=exc.http_status)
    return RedirectResponse(f"{BASE}?rail={rail}&sent={count}", status_code=303)
