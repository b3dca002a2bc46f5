"""Statements of the manual rails: finance uploads a bank's or provider's CSV (a preset or a
generic file whose columns she names), reads what matched, what did not (both ways) and the
amount differences, and confirms the matched payments in one step. Finance only; every POST
checks CSRF; a refused file shows the reason, keeps her choices and changes nothing.
Domain: models/money/statements.py (+ statements_parse.py).
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import csrf
from api.pages.common import pick_language
from api.pages.finance_view import helpers
from forms.i18n import translations
from forms.words import N_
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import CappedUpload, PostedForm
from api.upload import file_bytes
from models.core.errors import AmparoError, Invalid
from models.money import statements
from models.money.statements_parse import MAX_BYTES, PRESETS, Refused, mapping_for
from models.money.workflow import MANUAL_RAILS
from models.people.tables import StaffUser

router = APIRouter(include_in_schema=False)
BASE = "/staff/finance/statements"
PRESET_WORDS = {"mobile_money_mpesa": N_("M-Pesa organisation statement (mobile money)"),
                "bank_wise": N_("Wise statement (bank transfer)"),
                "generic": N_("Another CSV: I name its columns")}
OUTCOME_WORDS = {"matched": N_("Matched"), "amount_differs": N_("Amount or currency differs"),
                 "unknown_reference": N_("No payment of ours"),
                 "reference_twice": N_("Reference on several lines"),
                 "already_confirmed": N_("Already confirmed"),
                 "not_payable": N_("Not payable now (ended or on hold)")}
FIELDS = ("rail", "preset", "reference_column", "amount_column", "currency_column")


def _list(request: Request, session: SessionDep, user: StaffUser, *,
          kept: dict[str, str] | None = None, error: str | None = None,
          fields: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    return staff_page(request, "staff/finance/statements.html", {
        "statements": statements.latest(session), "rails": MANUAL_RAILS,
        "presets": [*PRESETS, "generic"], "preset_words": PRESET_WORDS,
        "kept": kept or {"rail": "mobile_money", "preset": "mobile_money_mpesa"},
        "error": error, "fields": fields or {}, "max_mb": MAX_BYTES // (1024 * 1024),
        **helpers(request)}, user=user, status_code=status_code)


@router.get(BASE, response_class=HTMLResponse)
def statements_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "finance") or _list(request, session, user)


@router.post(BASE)
def upload(request: Request, body: CappedUpload, session: SessionDep,
           user: PageUser) -> Response:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    kept: dict[str, str] = {}
    try:
        form = body.form()
        csrf.require(request, form.get(csrf.FIELD))
        kept = {k: str(form.get(k) or "").strip()[:60] for k in FIELDS}
        content = file_bytes(form, max_bytes=MAX_BYTES + 1)
        if not content:
            raise Invalid("Choose the statement file.", fields={"file": "required"})
        mapping = mapping_for(kept["preset"], reference=kept["reference_column"],
                              amount=kept["amount_column"], currency=kept["currency_column"])
        st = statements.import_statement(session, content=content, mapping=mapping,
                                         preset=kept["preset"], rail=kept["rail"],
                                         user_id=user.id, role=user.role)
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _list(request, session, user, kept=kept or None, error=_said(request, exc),
                     fields=exc.fields, status_code=exc.http_status)
    return RedirectResponse(f"{BASE}/{st.id}", status_code=303)


def _said(request: Request, exc: AmparoError) -> str:
    """Why the file was refused, in the reader's language (line numbers and all)."""
    if exc.code == "too_large":  # the body passed the upload cap before it was read
        exc = Refused("The file is larger than %(mb)s MB: export a shorter period.",
                      "statement_too_large", mb=MAX_BYTES // (1024 * 1024))
    if isinstance(exc, Refused):
        return translations(pick_language(request)).gettext(exc.template) % exc.params
    return exc.message


def _review(request: Request, session: SessionDep, user: StaffUser, statement_id: str, *,
            error: str | None = None, status_code: int = 200) -> HTMLResponse:
    rv = statements.review(session, statement_id)
    done = request.query_params.get("confirmed", "")
    context: dict[str, Any] = {
        "rv": rv, "outcome_words": OUTCOME_WORDS, "preset_words": PRESET_WORDS,
        "error": error, "confirmed": int(done) if done.isdigit() else None, **helpers(request)}
    return staff_page(request, "staff/finance/statement.html", context, user=user,
                      status_code=status_code)


@router.get(BASE + "/{statement_id}", response_class=HTMLResponse)
def statement_page(statement_id: str, request: Request, session: SessionDep,
                   user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "finance") or _review(request, session, user,
                                                            statement_id)


@router.post(BASE + "/{statement_id}/confirm")
def confirm(statement_id: str, request: Request, body: PostedForm, session: SessionDep,
            user: PageUser) -> Response:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    csrf.require(request, body.form().get(csrf.FIELD))
    try:
        count = statements.confirm_statement(session, statement_id=statement_id,
                                             user_id=user.id, role=user.role)
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _review(request, session, user, statement_id, error=exc.message,
                       status_code=exc.http_status)
    return RedirectResponse(f"{BASE}/{statement_id}?confirmed={count}", status_code=303)
