"""The public application pages: choose, one form per kind, PDF upload, the receipt.

Nothing is stored until the form is valid. Each form carries a one-time submission token:
a second POST of the same form (double click, back button, retry) returns the first
application and its receipt instead of creating another one.
"""
from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.pages import csrf
from api.pages.common import form_language, page, pick_language
from api.posted import TEXT_FORM_MAX, CappedText, CappedUpload
from api.upload import capped_form, file_bytes
from api.v1.intake_pdf import PdfRefused, parse_upload
from forms.i18n import LANGUAGES
from forms.web.common import countries
from forms.web.pdf_values import REJECTIONS, UNREAD, values_from_pdf
from forms.web.schema import KINDS, N_, TITLES, fields_for, sections_for
from forms.web.validate import form_values, to_application, validate
from models.applications.service import submit_grouped
from models.core.crypto import normalise_receipt
from models.core.currency import to_major
from models.core.db import session_scope
from models.programmes.service import programme_facts
from models.core.errors import AmparoError, NotFound

router = APIRouter(include_in_schema=False)
EXPIRED = N_("For your safety the form had expired. Nothing was lost: please send it again.")
NOT_SAVED = N_("Please tick the box once you have written down or saved the code.")
NOT_SENT = N_("We could not send your application. Nothing was saved. Please try again.")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound()
    return kind


def limits() -> dict[str, Any] | None:
    """The default programme's cap per case and currency (the form says them), or None."""
    try:
        with session_scope(read_only=True) as session:
            facts = programme_facts(session, None)
    except NotFound:
        return None
    return {"cap": to_major(facts.cap_minor, facts.currency), "currency": facts.currency}


def form_page(request: Request, kind: str, *, lang: str, values: dict | None = None,
              errors: dict | None = None, submission: str | None = None,
              notice: str | None = None, status_code: int = 200) -> HTMLResponse:
    return page(request, "public/form.html", {
        "kind": kind, "title": TITLES[kind], "sections": sections_for(kind),
        "fields": fields_for(kind), "values": values or {}, "errors": errors or {},
        "submission": submission or new_token(), "countries": countries(lang),
        "notice": notice, "switch_form": "appform",
        "limits": limits() if kind == "grant" else None}, lang=lang, status_code=status_code)


def receipt_page(request: Request, receipt: str, *, lang: str,
                 error: str | None = None) -> HTMLResponse:
    code = normalise_receipt(receipt) or ""
    groups = [code[i:i + 4] for i in range(0, len(code), 4)]
    return page(request, "public/receipt.html", {
        "groups": groups, "error": error, "switch_form": "saved-form"},
        lang=lang, status_code=422 if error else 200)


def choose_page(request: Request, *, lang: str, errors: dict | None = None,
                status_code: int = 200) -> HTMLResponse:
    return page(request, "public/choose.html", {
        "kinds": KINDS, "errors": errors or {}, "submission": new_token()},
        lang=lang, status_code=status_code)


@router.get("/apply", response_class=HTMLResponse)
def choose(request: Request) -> HTMLResponse:
    return choose_page(request, lang=pick_language(request))


@lru_cache(maxsize=len(KINDS) * len(LANGUAGES))
def _pdf_form(kind: str, lang: str) -> bytes:
    # Lazy: reportlab, PIL and the Arabic shapers cost ~30 MB; most visitors never ask for the PDF.
    from forms.pdf.generate import build_form
    return build_form(kind, lang)


@router.get("/apply/{kind}/form.pdf")
def pdf_form(request: Request, kind: str) -> Response:
    lang = pick_language(request)
    return Response(_pdf_form(_kind(kind), lang), media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="amparo-{kind}-{lang}.pdf"'})


def submit(request: Request, kind: str, values: dict[str, Any], *,
           lang: str, token: str) -> HTMLResponse:
    """Validate; on success store once (the token makes a repeat harmless) and show the receipt."""
    shown = limits() if kind == "grant" else None
    cap = (shown["cap"], shown["currency"]) if shown else None
    data, errors = validate(kind, to_application(kind, values, lang), cap=cap)
    if data is None:
        return form_page(request, kind, lang=lang, values=values, errors=errors,
                         submission=token, status_code=422)
    try:  # the routes are `def`: the write waits for its group's commit in a worker thread
        result = submit_grouped(data=data, submission_key=token)
    except AmparoError:
        return form_page(request, kind, lang=lang, values=values, submission=token,
                         notice=NOT_SENT, status_code=409)
    return receipt_page(request, result.receipt, lang=lang)


@router.post("/apply/pdf", response_class=HTMLResponse)
def post_pdf(request: Request, body: CappedUpload) -> HTMLResponse:
    try:
        form = body.form()
    except AmparoError as exc:  # too large, or not a multipart body
        lang = pick_language(request)
        return choose_page(request, lang=lang, errors={"file": REJECTIONS.get(
            exc.code, REJECTIONS["unreadable"])}, status_code=exc.http_status)
    lang = form_language(request, form)
    if not csrf.check(request, form.get(csrf.FIELD)):
        return choose_page(request, lang=lang, errors={"file": EXPIRED}, status_code=403)
    data = file_bytes(form)  # the body was capped already: this cannot pass the cap
    if data is None:
        return choose_page(request, lang=lang, errors={"file": REJECTIONS["missing"]},
                           status_code=422)
    try:
        parsed = parse_upload(data)
    except PdfRefused as exc:
        return choose_page(request, lang=lang, errors={"file": REJECTIONS.get(
            exc.code, REJECTIONS["unreadable"])}, status_code=exc.http_status)
    kind, values = values_from_pdf(parsed)
    token = str(form.get("submission") or "") or new_token()
    unread = {p: UNREAD for p in [*parsed.missing, *parsed.invalid] if p in values}
    if unread:
        return form_page(request, kind, lang=lang, values=values, errors=unread,
                         submission=token, status_code=422)
    return submit(request, kind, values, lang=lang, token=token)


@router.post("/apply/saved", response_class=HTMLResponse)
async def saved(request: Request) -> Response:
    form = await capped_form(request, max_bytes=TEXT_FORM_MAX)
    lang = form_language(request, form)
    receipt = str(form.get("receipt") or "")
    if form.get("switch_lang"):
        return receipt_page(request, receipt, lang=lang)
    if not csrf.check(request, form.get(csrf.FIELD)) or form.get("saved") != "yes":
        return receipt_page(request, receipt, lang=lang, error=NOT_SAVED)
    # Post/Redirect/Get: the back button or a reload never posts the receipt again.
    return RedirectResponse(f"/apply/done?lang={lang}", status_code=303)


@router.get("/apply/done", response_class=HTMLResponse)
def done(request: Request) -> HTMLResponse:
    return page(request, "public/done.html", {}, lang=pick_language(request))


@router.post("/apply/{kind}", response_class=HTMLResponse)
def post_form(request: Request, kind: str, body: CappedText) -> HTMLResponse:
    kind = _kind(kind)
    form = body.form()
    lang = form_language(request, form)
    values = form_values(kind, form, form.getlist)
    token = str(form.get("submission") or "")
    if len(token) < 16:
        token = new_token()
    if not csrf.check(request, form.get(csrf.FIELD)):
        return form_page(request, kind, lang=lang, values=values, submission=token,
                         notice=EXPIRED, status_code=403)
    if form.get("switch_lang"):
        return form_page(request, kind, lang=lang, values=values, submission=token)
    return submit(request, kind, values, lang=lang, token=token)


@router.get("/apply/{kind}", response_class=HTMLResponse)
def blank_form(request: Request, kind: str) -> HTMLResponse:
    return form_page(request, _kind(kind), lang=pick_language(request))
