"""Finance pages under /staff/finance: disbursements with filters, money approved but not yet
sent by age, totals per currency and rail, charts (inline SVG, drawn on the server), the
reconciliation report and the CSV export. Actions on one disbursement: api/pages/finance_actions.py.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from api.deps import SessionDep
from models.desks.paging import Paging, page_of_list
from api.pages import csrf
from api.pages import finance_actions, finance_batches, finance_statements
from api.pages.finance_view import helpers
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import PostedForm
from models.core.base import utcnow
from models.core.errors import AmparoError
from models.money import batches, ledger, reconcile, reports, repository, service
from models.money.batches_payees import masked_destination
from models.money.schemas import major, minor
from models.money.workflow import DISBURSEMENT, RAILS
from models.programmes.tables import Programme

router = APIRouter(include_in_schema=False)
router.include_router(finance_actions.router)
router.include_router(finance_batches.router)
router.include_router(finance_statements.router)
AGES = {"1": 1, "3": 3, "7": 7, "30": 30}  # "older than N days"


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    f = {k: (q.get(k) or "").strip() for k in ("status", "rail", "programme", "currency", "age")}
    f["status"] = f["status"] if f["status"] in DISBURSEMENT.statuses else ""
    f["rail"] = f["rail"] if f["rail"] in RAILS else ""
    f["currency"] = f["currency"].upper()[:3] if f["currency"].isalpha() else ""
    f["age"] = f["age"] if f["age"] in AGES else ""
    f["programme"] = f["programme"][:32]
    typed = (q.get("q") or "").strip()[:40]  # a payment's or its case's id, or its reference
    f["q"] = typed if all(ch.isalnum() or ch == "-" for ch in typed) else ""
    return f


def _rows(session: SessionDep, f: dict[str, str]) -> list:
    before = utcnow() - timedelta(days=AGES[f["age"]]) if f["age"] else None
    rows = repository.listing(session, status=f["status"] or None, rail=f["rail"] or None,
                              programme_id=f["programme"] or None,
                              currency=f["currency"] or None, created_before=before,
                              limit=2000)
    return [d for d in rows if _matches(d, f.get("q", ""))] if f.get("q") else rows


def _matches(d, typed: str) -> bool:  # noqa: ANN001
    """The start of the payment's id or its case's, or its reference (any spelling)."""
    wanted = typed.lower()
    refs = batches.reference_tokens(typed)
    return d.id.startswith(wanted) or d.application_id.startswith(wanted) or \
        (bool(refs) and batches.payment_reference(d.id) in refs)


@router.get("/staff/finance", response_class=HTMLResponse)
@router.get("/staff/finance/", response_class=HTMLResponse)
def finance_home(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    f = _filters(request)
    page = page_of_list(_rows(session, f), Paging.read(request.query_params),  # issue 15
                        {k: v for k, v in f.items() if v})
    rows = page.items
    everything = repository.listing(session, limit=5000)
    programmes = list(session.exec(select(Programme)).all())
    weekly = {c: reports.bars([(w[5:], major(v, c)) for w, v in pts])  # type: ignore[misc]
              for c, pts in reports.weekly_out(everything).items()}
    timing = reports.bars(reports.approval_to_confirmation_hours(everything), fmt="{:,.1f} h")
    balances = [(p.slug, ledger.balances(session, programme_id=p.id, currency=c))
                for p in programmes
                for c in sorted({p.currency} | ledger.budget_currencies(session, programme_id=p.id)
                                | {d.currency for d in everything if d.programme_id == p.id})]
    return staff_page(request, "staff/finance/index.html", {
        "rows": rows, "page": page, "filters": f, "statuses": DISBURSEMENT.statuses, "rails": RAILS,
        "programmes": programmes, "currencies": sorted({d.currency for d in everything}),
        "ages": AGES, "totals": reports.totals_by_currency_and_rail(everything),
        "unsent": reports.unsent_by_age(everything), "weekly": weekly, "timing": timing,
        "balances": balances, **helpers(request),
        "destinations": {d.id: masked_destination(session, d) for d in rows},
        "programme_names": {p.id: p.slug for p in programmes},
        "age_days": reports.age_days, "major": major, "export_query": request.url.query,
        "error": (request.query_params.get("budget_error") or "")[:200] or None,
        "flash": "Budget saved." if request.query_params.get("budget_saved") else None,
    }, user=user)


@router.get("/staff/finance/export.csv")
def export_csv(request: Request, session: SessionDep, user: PageUser) -> Response:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    text = reports.csv_text(_rows(session, _filters(request)))
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="disbursements-{stamp}.csv"'})


@router.get("/staff/finance/reconciliation", response_class=HTMLResponse)
def reconciliation_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    return staff_page(request, "staff/finance/reconciliation.html",
                      {"reports": repository.latest_reports(session, limit=20),
                       "flash": "Reconciliation done." if request.query_params.get("done")
                       else None}, user=user)


@router.post("/staff/finance/reconciliation")
def reconcile_now(request: Request, body: PostedForm, session: SessionDep,
                  user: PageUser) -> Response:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    csrf.require(request, body.form().get(csrf.FIELD))
    session.rollback()  # end the request's transaction: the run uses its own (SQLite locks)
    reconcile.run()
    return RedirectResponse("/staff/finance/reconciliation?done=1", status_code=303)


@router.post("/staff/finance/budget")
def set_budget(request: Request, body: PostedForm, session: SessionDep,
               user: PageUser) -> Response:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    currency = str(form.get("currency") or "").strip().upper()[:3]
    try:
        amount = minor(Decimal(str(form.get("amount") or "").strip()), currency or "EUR")
        service.set_budget(session=session, programme_id=str(form.get("programme") or ""),
                           currency=currency, amount_minor=amount, user_id=user.id,
                           role=user.role)
        session.commit()
    except (AmparoError, InvalidOperation) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, AmparoError) else "The amount is not a number."
        return RedirectResponse(f"/staff/finance?budget_error={quote(message)}", status_code=303)
    return RedirectResponse("/staff/finance?budget_saved=1", status_code=303)
