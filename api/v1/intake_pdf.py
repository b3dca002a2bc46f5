"""`POST /api/v1/applications/pdf`: a filled Amparo PDF form in, an application out.

The body is capped while it streams, the file checked by magic bytes, and the PDF parsed in
a limited subprocess (forms.pdf.sandbox); a hostile file gets a 4xx and the server goes on.
"""
from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import SessionDep, client_key
from api.posted import CappedUpload
from api.upload import MAX_UPLOAD, file_bytes
from forms.i18n import choose_language, gettext
from forms.pdf.errors import PdfRejected
from forms.pdf.parsed import ParsedForm
from forms.pdf.sandbox import read_pdf_limited
from forms.web.pdf_values import SCANNED_API
from models.applications.schemas import ApplicationIn
from models.applications.service import submit_grouped
from models.core import ratelimit
from models.core.errors import AmparoError, Invalid

router = APIRouter(tags=["applications"])
PARSERS = threading.BoundedSemaphore(2)  # a subprocess each: never more than the cores at once
STATUS_OF = {"too_large": 413, "not_a_pdf": 415}
RATE = {"limit": 60, "window": timedelta(minutes=10)}


class PdfRefused(AmparoError):
    """The PDF form could not be read."""

    code = "pdf_rejected"
    http_status = 422


def refusal(exc: PdfRejected) -> PdfRefused:
    error = PdfRefused(exc.message, code=exc.code)
    error.http_status = STATUS_OF.get(exc.code, 422)
    return error


def parse_upload(data: bytes) -> ParsedForm:
    """Read the form in the sandbox, at most two at a time; PdfRefused on any rejection.
    It blocks (a subprocess): call it from `def` routes, which run in the threadpool."""
    with PARSERS:
        try:
            return read_pdf_limited(data, max_bytes=MAX_UPLOAD)
        except PdfRejected as exc:
            raise refusal(exc) from None


def scanned_message(request: Request) -> str:
    """What to do instead of sending a scan, in her language (?lang=, then Accept-Language),
    with the web form's path (not a full address: the Host header is the client's word)."""
    lang = choose_language(request.query_params.get("lang"),
                           request.headers.get("accept-language", "")) or "en"
    return gettext(lang, SCANNED_API) % {"link": f"/apply?lang={lang}"}


def unread_fields(parsed: ParsedForm) -> dict[str, str]:
    fields = {path: "missing" for path in parsed.missing}
    fields.update(parsed.invalid)
    return fields


@router.post("/applications/pdf", status_code=201,
             summary="Submit a filled Amparo PDF application form",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "multipart/form-data": {"schema": {
                     "type": "object", "required": ["file"],
                     "properties": {"file": {"type": "string", "format": "binary"}}}}}}},
             responses={413: {"description": "File too large"},
                        415: {"description": "Not a PDF"},
                        422: {"description": "Unreadable, a scan or photo (`scanned`: "
                                         "what to do instead, in her language), or fields "
                                         "missing (named)"}})
def submit_pdf(request: Request, body: CappedUpload, session: SessionDep) -> Any:
    ratelimit.hit(session, bucket="pdf-intake", client=client_key(request), **RATE)
    session.commit()
    data = file_bytes(body.form())
    if data is None:
        raise Invalid("Send the filled form in the multipart field `file`.",
                      fields={"file": "missing"})
    try:
        parsed = parse_upload(data)
    except PdfRefused as exc:
        if exc.code == "scanned":
            exc.message = scanned_message(request)
        raise
    if parsed.missing or parsed.invalid:
        raise Invalid("Some fields of the form could not be read.", code="incomplete",
                      fields=unread_fields(parsed))
    application = ApplicationIn.model_validate(parsed.application)
    result = submit_grouped(data=application)  # waits for its group's commit
    return JSONResponse(result.model_dump(), status_code=201)

