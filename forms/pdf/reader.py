"""Read a filled Amparo PDF form into the application JSON of CONTRACT.md.

Two sources, tried in order: the AcroForm field values (a form filled on a computer), then
the page text (a printed, typed or flattened copy, read as ``[A1] label: value``) with the
ticks drawn in its boxes (ticks.py). A scan (pages that are pictures, no codes in the text)
is told apart from a PDF that is not our form. Run this only inside the limited subprocess
(sandbox.py): pdfminer has no limits of its own.
"""
from __future__ import annotations

import io
import re
import unicodedata
from functools import lru_cache
from itertools import islice
from typing import Any

import pdfplumber
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from forms.pdf.assemble import build_application
from forms.pdf.coerce import clean_text
from forms.pdf.errors import PdfRejected
from forms.pdf.fields import (KIND_CODE, KIND_FIELD, KINDS, LANGUAGE_CODE, LANGUAGE_FIELD,
                              LANGUAGES, codes_for, fields_for, option_name)
from forms.pdf.labels import translate
from forms.pdf.rtl import visual
from forms.pdf.parsed import ParsedForm
from forms.pdf.ticks import drawn_ticks, without_boxes

MAX_FIELDS = 400          # our forms have about 40; more is not our form
MAX_FIELD_DEPTH = 6
MAX_VALUE_CHARS = 20_000
MAX_TEXT_CHARS = 200_000
SCAN_COVER = 0.3          # pictures covering this share of a page make it a scan or photo
MAX_IMAGES = 200
SCANNED = ("This PDF is a scan or a photo: handwriting cannot be read from an image. Type "
           "into the PDF form on a computer, or fill in the form on the web.")
CODE_RE = re.compile(r"\[\s*([A-Z])\s*(\d{1,2})\s*([a-z]?)\s*\]")

__all__ = ["ParsedForm", "parse_pdf", "count_pages"]


def parse_pdf(data: bytes, *, max_pages: int = 4) -> ParsedForm:
    """The application in ``data``; raises PdfRejected when it is not a readable Amparo form."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        count_pages(pdf.doc, max_pages)
        raw = read_fields(pdf.doc)
        source = "fields"
        if not _has_answers(raw):
            raw, source = read_flattened(pdf), "text"
    return build_application(raw, source)


def read_flattened(pdf: Any) -> dict[str, str]:
    """A printed, typed or flattened copy: its text, then the ticks drawn in its boxes
    (they replace whatever text a tick glyph left after an option's colon)."""
    pages = list(pdf.pages)
    raw = read_text(_page_text(pages))
    kind = clean_text(raw.get(KIND_FIELD, ""), multiline=False).lower()
    if kind not in KINDS:
        if _looks_scanned(pages):
            raise PdfRejected("scanned", SCANNED)
        return raw
    drawn = drawn_ticks(pages, kind)
    if not drawn.ticks:
        return raw  # typed or retyped: the words after each colon decide
    # Read the text again without the glyphs inside the boxes (a tick drawn as a letter).
    raw = read_text(_page_text([without_boxes(p, b) for p, b in zip(pages, drawn.boxes)]))
    codes = codes_for(kind)
    for code, ticked in drawn.ticks.items():
        field, choice = codes[code]
        raw[option_name(field, choice) if choice else field.path] = "yes" if ticked else ""
    return raw


def _looks_scanned(pages: list[Any]) -> bool:
    """A page mostly covered by pictures: a scan or a photo (with or without an OCR layer)."""
    for page in pages:
        area = float(page.width * page.height) or 1.0
        covered = sum(max(0.0, float(i["x1"] - i["x0"])) * max(0.0, float(i["bottom"] - i["top"]))
                      for i in page.images[:MAX_IMAGES])
        if covered >= SCAN_COVER * area:
            return True
    return False


def count_pages(doc: Any, max_pages: int) -> int:
    """Walk the page tree only as far as ``max_pages`` + 1, before anything is extracted."""
    n = sum(1 for _ in islice(PDFPage.create_pages(doc), max_pages + 1))
    if n > max_pages:
        raise PdfRejected("too_many_pages", f"The form has more than {max_pages} pages.")
    if n == 0:
        raise PdfRejected("unreadable", "The file has no readable pages.")
    return n


def _decode(value: Any) -> str:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        return str(value.name)
    if isinstance(value, bytes):
        return decode_text(value[:MAX_VALUE_CHARS * 2])
    if isinstance(value, list):  # a multi-select choice: not on our forms, keep the first
        return _decode(value[0]) if value else ""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    # A stream, a dictionary or any other object where text belongs: once stored as
    # "<PDFStream…>", now refused.
    raise PdfRejected("bad_field", "A field of the form holds something other than text.")


def read_fields(doc: Any) -> dict[str, str]:
    """AcroForm values by fully qualified name; buttons give their state name."""
    form = resolve1(doc.catalog.get("AcroForm"))
    fields = resolve1(form.get("Fields")) if isinstance(form, dict) else None
    out: dict[str, str] = {}
    if not isinstance(fields, list):
        return out
    seen: set[int] = set()
    stack: list[tuple[Any, str, int]] = [(ref, "", 0) for ref in reversed(fields)]
    while stack and len(seen) < MAX_FIELDS:
        ref, prefix, depth = stack.pop()
        key = id(ref) if not hasattr(ref, "objid") else ref.objid
        field = resolve1(ref)
        if key in seen or not isinstance(field, dict) or depth > MAX_FIELD_DEPTH:
            continue
        seen.add(key)
        part = _decode(field.get("T")) if "T" in field else ""
        name = f"{prefix}.{part}" if prefix and part else (part or prefix)
        value = field.get("V")
        if value is None and "AS" in field:  # a lone checkbox widget that keeps only its state
            value = field.get("AS")
        if value is not None and name:
            out.setdefault(name, _decode(value))
        kids = resolve1(field.get("Kids"))
        if isinstance(kids, list):
            stack.extend((kid, name, depth + 1) for kid in reversed(kids[:MAX_FIELDS]))
    return out


def _has_answers(raw: dict[str, str]) -> bool:
    """Whether anyone filled the form in: a value besides the generator's hidden ones."""
    return any(v.strip() and v.strip().strip("/") != "Off"
               for k, v in raw.items() if k not in (KIND_FIELD, LANGUAGE_FIELD))


def _page_text(pages: list[Any]) -> str:
    parts: list[str] = []
    for page in pages:
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)[:MAX_TEXT_CHARS]


@lru_cache(maxsize=1)
def _headings() -> frozenset[str]:
    """Section headings in every language, as extracted: they sit between a value and the
    next code, so they must not be read as part of the value."""
    out: set[str] = set()
    for language in LANGUAGES:
        for section in {f.section for k in KINDS for f in fields_for(k)}:
            text = translate(language, section)
            out.update(_norm(t) for t in (text, visual(text)))
    return frozenset(out)


def _norm(line: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", line).split()).casefold()


def read_text(text: str) -> dict[str, str]:
    """Raw values by field path from ``[A1] label: value`` text (order and spacing free)."""
    headings = _headings()
    text = "\n".join(line for line in text.splitlines() if _norm(line) not in headings)
    pieces = CODE_RE.split(text)
    by_code: dict[str, str] = {}
    # split() yields: before, letter, digits, suffix, segment, letter, digits, ...
    for i in range(1, len(pieces) - 3, 4):
        code = pieces[i] + str(int(pieces[i + 1])) + pieces[i + 2]
        segment = pieces[i + 3]
        colon = re.search(r"[:：]", segment)
        value = segment[colon.end():].strip() if colon else ""
        if value and not by_code.get(code):  # the first filled line of a code wins
            by_code[code] = value[:MAX_VALUE_CHARS]
        else:
            by_code.setdefault(code, "")
    # Form type and language are single words: whatever follows them on the page is not theirs.
    raw = {KIND_FIELD: _first_word(by_code.get(KIND_CODE, "")),
           LANGUAGE_FIELD: _first_word(by_code.get(LANGUAGE_CODE, ""))}
    kind = clean_text(raw[KIND_FIELD], multiline=False).lower()
    if kind in KINDS:
        for code, (field, choice) in codes_for(kind).items():
            if code in by_code:
                raw[option_name(field, choice) if choice else field.path] = by_code[code]
    return raw


def _first_word(value: str) -> str:
    words = value.split()
    return words[0] if words else ""
