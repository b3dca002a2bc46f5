"""The defender's payout details on her status page (issue 17): POST /status/payout.

The receipt travels in the form (never a URL); a wrong one is counted like every wrong
receipt; bad details show the page again with each field's error in her language and what
she typed kept; nothing is stored then. A change after approval holds the payment until
finance approves the new details (models/money/payout_hold.py).
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.pages import csrf
from api.pages.common import form_language
from api.pages.status import EXPIRED, _wrong, entry_page, view_page
from api.posted import CappedText
from forms.web.payout import CHECK, SAVED, field_errors, posted_payout
from models.core.errors import Invalid, NotFound
from models.money.payout import submit_by_receipt

router = APIRouter(include_in_schema=False)


@router.post("/status/payout", response_class=HTMLResponse)
def status_payout(request: Request, body: CappedText, session: SessionDep) -> HTMLResponse:
    form = body.form()
    lang = form_language(request, form)
    receipt = str(form.get("receipt") or "")
    if not csrf.check(request, form.get(csrf.FIELD)):
        return entry_page(request, lang=lang, error=EXPIRED, status_code=403)
    values, details = posted_payout(form)
    try:
        submit_by_receipt(session=session, receipt=receipt, raw=details)
        session.commit()
    except NotFound:
        return _wrong(request, session, lang)
    except Invalid as exc:
        session.rollback()
        extra = {"payout_values": values, "payout_errors": field_errors(exc.fields),
                 "payout_open": details.get("rail") or ""}
        return _view(request, session, receipt, lang, error=CHECK, extra=extra)
    return _view(request, session, receipt, lang, notice=SAVED)


def _view(request: Request, session: SessionDep, receipt: str, lang: str, *,
          notice: str | None = None, error: str | None = None,
          extra: dict | None = None) -> HTMLResponse:
    try:
        return view_page(request, session, receipt, lang=lang, notice=notice, error=error,
                         extra=extra)
    except NotFound:
        return _wrong(request, session, lang)
