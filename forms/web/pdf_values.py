"""A PDF form read by forms.pdf, turned into the web form's values, so whatever could not
be read is shown as a web form to finish (the rest already filled in)."""
from __future__ import annotations

from typing import Any

from forms.pdf.parsed import ParsedForm
from forms.web.schema import KINDS, N_, fields_for

UNREAD = N_("We could not read this on your PDF form. Please fill it in here.")
# PdfRejected codes (forms/pdf/errors.py) and upload errors -> what the person reads.
REJECTIONS: dict[str, str] = {
    "missing": N_("Choose the filled PDF form to upload."),
    "not_a_pdf": N_("This file is not a PDF. Upload the Amparo PDF form."),
    "too_large": N_("This file is too large. The limit is 10 MB."),
    "too_many_pages": N_("This PDF has too many pages for an Amparo form."),
    "not_an_amparo_form": N_("This PDF is not an Amparo application form."),
    "unreadable": N_("We could not read this PDF. Try again, or fill in the form here."),
    "timeout": N_("We could not read this PDF. Try again, or fill in the form here."),
    "resource_limit": N_("We could not read this PDF. Try again, or fill in the form here."),
    "bad_upload": N_("We could not read this PDF. Try again, or fill in the form here."),
    "scanned": N_("This PDF is a scan or a photo of the form. We cannot read handwriting "
                  "from an image. Type your answers into the PDF form on a computer and "
                  "upload it again, or fill in one of the forms above."),
}
# The same for the API, which has no forms above: %(link)s is the web form's address.
SCANNED_API = N_("This PDF is a scan or a photo of the form. We cannot read handwriting from "
                 "an image. Type your answers into the PDF form on a computer and send it "
                 "again, or fill in the form on the web: %(link)s")


def _get(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)  # type: ignore[assignment]
    return data


def _as_text(value: Any, field_type: str) -> Any:
    if field_type == "checkboxes":
        return [str(v) for v in value] if isinstance(value, list) else []
    if field_type == "checkbox":
        return "on" if value is True else ""
    if value is None:
        return ""
    return str(value)


def values_from_pdf(parsed: ParsedForm) -> tuple[str, dict[str, Any]]:
    """(kind, {field name: value as the web form holds it})."""
    kind = parsed.application.get("kind")
    kind = kind if kind in KINDS else "grant"
    return kind, {f.name: _as_text(_get(parsed.application, f.name), f.type)
                  for f in fields_for(kind)}
