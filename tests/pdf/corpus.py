"""Builders for the test PDFs: filled forms, typed copies and the hostile corpus.

Everything is made at test time; all personal data here is plainly fake.
"""
from __future__ import annotations

import io
import zlib
from datetime import date, timedelta
from typing import Iterable

from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from forms.pdf.generate import build_form

ARRIVAL = (date.today() + timedelta(days=45)).isoformat()  # a year ahead at most

COMMON_VALUES = {
    "applicant.name": "Test Person Alpha", "applicant.email": "alpha@example.invalid",
    "applicant.phone": "+502 5555 0100", "applicant.country": "gt",
    "applicant.organisation": "Example Collective", "applicant.pronouns": "she/her",
    "threat.description": "Fake threat text for tests.\nSecond line.",
    "threat.types.death_threat": "/Yes", "threat.types.surveillance": "/Yes",
    "threat.imminent": "/Yes", "threat.perpetrator": "/state", "threat.prior_attacks": "2",
    "dependants": "2", "endorser.name": "Test Endorser Beta",
    "endorser.organisation": "Example Network", "endorser.contact": "beta@example.invalid",
}
REQUEST_VALUES = {
    "grant": {"request.amount": "3000", "request.currency": "EUR",
              "request.purpose": "Fake purpose: a safe room."},
    "shelter": {"request.people": "3", "request.children": "1",
                "request.needs": "Step-free access", "request.from_date": ARRIVAL,
                "request.nights": "30"},
    "visa": {"request.destination_country": "DE", "request.passport_valid_until": "2031-06-30",
             "request.family_members": "1", "request.purpose": "Temporary relocation"},
}
EXPECTED_REQUEST = {
    "grant": {"amount": 3000, "currency": "EUR", "purpose": "Fake purpose: a safe room."},
    "shelter": {"people": 3, "children": 1, "needs": "Step-free access",
                "from_date": ARRIVAL, "nights": 30},
    "visa": {"destination_country": "DE", "passport_valid_until": "2031-06-30",
             "family_members": 1, "purpose": "Temporary relocation"},
}


def expected(kind: str, language: str) -> dict:
    """The application the filled form must read back as (written out by hand)."""
    return {
        "kind": kind, "language": language,
        "applicant": {"name": "Test Person Alpha", "email": "alpha@example.invalid",
                      "phone": "+502 5555 0100", "country": "GT",
                      "organisation": "Example Collective", "pronouns": "she/her"},
        "threat": {"description": "Fake threat text for tests.\nSecond line.",
                   "types": ["death_threat", "surveillance"], "imminent": True,
                   "perpetrator": "state", "prior_attacks": 2},
        "dependants": 2,
        "endorser": {"name": "Test Endorser Beta", "organisation": "Example Network",
                     "contact": "beta@example.invalid"},
        "request": EXPECTED_REQUEST[kind],
    }


def fill(kind: str, language: str, values: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(build_form(kind, language))))
    writer.update_page_form_field_values(None, values, auto_regenerate=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def typed_copy(lines: Iterable[str]) -> bytes:
    """A plain PDF of typed ``[code] label: value`` lines, like a retyped or scanned+OCR'd form."""
    buf = io.BytesIO()
    c = Canvas(buf)
    y = 800.0
    for line in lines:
        if y < 50:
            c.showPage()
            y = 800.0
        c.setFont("Helvetica", 10)
        c.drawString(40, y, line)
        y -= 14
    c.showPage()
    c.save()
    return buf.getvalue()


# --- hostile corpus ---------------------------------------------------------------------

def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (1-based, object 1 is the catalog), correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", flate: bool = False) -> bytes:
    head = b"<< /Length %d %s%s >>" % (len(data), b"/Filter /FlateDecode " if flate else b"", extra)
    return head + b"\nstream\n" + data + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s >>"


def bomb(inflated_mb: int = 1024) -> bytes:
    """One page whose content stream inflates to ``inflated_mb`` of zeros (about 1 MB on disk)."""
    comp = zlib.compressobj(9)
    chunk = bytes(16 * 1024 * 1024)
    parts = [comp.compress(chunk) for _ in range(inflated_mb // 16)]
    data = b"".join(parts) + comp.flush()
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    PAGE % b"/Contents 4 0 R", stream(data, flate=True)])


def cyclic_pages() -> bytes:
    """A /Pages node whose kid is a /Pages node pointing back to it: no leaf, endless tree."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"])


def cyclic_pages_with_leaf() -> bytes:
    """A real page next to a kid that is the tree's own root."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R 2 0 R 4 0 R] /Count 3 >>",
                    PAGE % b"",
                    b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 2 >>"])


def cyclic_xobjects() -> bytes:
    """Two form XObjects that draw each other (X1 Do -> X2 Do -> X1 Do ...)."""
    x1 = stream(b"BT /F1 9 Tf (a) Tj ET /X2 Do",
                b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X2 6 0 R >> >>")
    x2 = stream(b"/X1 Do",
                b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 5 0 R >> >>")
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    PAGE % b"/Contents 4 0 R /Resources << /XObject << /X1 5 0 R >> >>",
                    stream(b"/X1 Do"), x1, x2])


def many_pages(n: int = 10_000) -> bytes:
    kids = b" ".join(b"%d 0 R" % (i + 3) for i in range(n))
    pages = [PAGE % b"" for _ in range(n)]
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n), *pages])


def nested_arrays(depth: int = 100_000) -> bytes:
    """Arrays nested ``depth`` deep, in the page's annotations and in the catalog."""
    deep = b"[" * depth + b"]" * depth
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields " + deep + b" >> >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    PAGE % (b"/Annots " + deep + b" /Contents 4 0 R"),
                    stream(b"BT /F1 9 Tf (x) Tj ET")])


def huge(mb: int = 60) -> bytes:
    return b"%PDF-1.7\n" + b"0" * (mb * 1024 * 1024) + b"\n%%EOF\n"


def jpeg_renamed() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(2000) + b"\xff\xd9"
