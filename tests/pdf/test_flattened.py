"""Flattened copies ("print to PDF") and scans, read in the sandbox (issue 16.5).

The form is filled by a second PDF library (pypdf) and flattened (tests/pdf/flatten.py): the
values become page text and the ticks become drawings inside their boxes.
"""
from __future__ import annotations

import io

import pypdfium2
import pytest
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from forms.pdf.errors import PdfRejected
from forms.pdf.fields import PERPETRATORS, THREAT_TYPES
from forms.pdf.generate import build_form
from forms.pdf.reader import parse_pdf
from forms.pdf.sandbox import read_pdf_limited
from tests.pdf.corpus import COMMON_VALUES, REQUEST_VALUES, expected, fill, typed_copy
from tests.pdf.flatten import fill_and_flatten


def flattened(kind: str, language: str, values: dict[str, str] | None = None,
              **kw: object) -> bytes:
    values = values if values is not None else {**COMMON_VALUES, **REQUEST_VALUES[kind]}
    return fill_and_flatten(build_form(kind, language), values, **kw)  # type: ignore[arg-type]


def scan_of(pdf: bytes, fmt: str = "JPEG") -> bytes:
    """An image-only PDF: the printed form's first page as a picture, no text at all."""
    page = pypdfium2.PdfDocument(pdf)[0]
    picture = io.BytesIO()
    page.render(scale=1.2).to_pil().convert("RGB").save(picture, fmt)
    picture.seek(0)
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawImage(ImageReader(picture), 20, 20, width=555, height=800)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


class TestFlattened:
    @pytest.mark.parametrize("kind,language", [("grant", "en"), ("grant", "es"),
                                               ("shelter", "ar"), ("visa", "fr")])
    def test_reads_back_exactly(self, kind: str, language: str) -> None:
        parsed = read_pdf_limited(flattened(kind, language))
        assert parsed.source == "text"  # no fields left: read from the page
        assert parsed.application == expected(kind, language)
        assert parsed.missing == [] and parsed.invalid == {}

    def test_fit_to_page_copy_is_read_too(self) -> None:
        """Printed smaller and moved on the page, as "fit to page" does."""
        parsed = read_pdf_limited(flattened("grant", "es", scale=0.9, offset=(25.0, 40.0)))
        assert parsed.application == expected("grant", "es")
        assert parsed.missing == [] and parsed.invalid == {}

    @pytest.mark.parametrize("language,ticks", [("en", "glyph"), ("es", "glyph"),
                                                ("es", "cross")])
    def test_ticks_drawn_as_letters_like_mupdf_or_as_crosses(self, language: str,
                                                             ticks: str) -> None:
        """MuPDF's flattening draws a tick as a ZapfDingbats '3' rising above its row: once
        read as the answer to '[T2j] Other:' ("Answer yes or no"); now it is a tick. A cross
        as big as the box is a tick too."""
        parsed = read_pdf_limited(flattened("grant", language, ticks=ticks))
        assert parsed.application == expected("grant", language)
        assert parsed.missing == [] and parsed.invalid == {}

    def test_other_ticks_and_options(self) -> None:
        values = {k: v for k, v in {**COMMON_VALUES, **REQUEST_VALUES["grant"]}.items()
                  if not k.startswith("threat.types.") and k != "threat.imminent"}
        values.update({"threat.types.raid": "/Yes", "threat.types.other": "/Yes",
                       "threat.perpetrator": "/unknown"})
        threat = read_pdf_limited(flattened("grant", "pt", values)).application["threat"]
        assert threat["types"] == ["raid", "other"]
        assert threat["perpetrator"] == "unknown" and threat["imminent"] is False

    @pytest.mark.parametrize("index", range(len(PERPETRATORS)))
    def test_every_box_of_every_column(self, index: int) -> None:
        """Five copies between them tick every checkbox and choose every option once
        (in-process: the sandbox adds only limits)."""
        types = THREAT_TYPES[index::len(PERPETRATORS)]
        values = {k: v for k, v in {**COMMON_VALUES, **REQUEST_VALUES["shelter"]}.items()
                  if not k.startswith("threat.types.")}
        values.update({f"threat.types.{t}": "/Yes" for t in types})
        values["threat.perpetrator"] = "/" + PERPETRATORS[index]
        language = ("en", "es", "fr", "pt", "ar", "sw")[index]
        threat = parse_pdf(flattened("shelter", language, values)).application["threat"]
        assert threat["types"] == list(types)
        assert threat["perpetrator"] == PERPETRATORS[index]

    def test_nothing_ticked_names_the_types_missing(self) -> None:
        values = {k: v for k, v in {**COMMON_VALUES, **REQUEST_VALUES["grant"]}.items()
                  if not k.startswith("threat.") or k == "threat.description"}
        parsed = read_pdf_limited(flattened("grant", "en", values))
        assert parsed.missing == ["threat.types"] and parsed.invalid == {}
        assert "perpetrator" not in parsed.application["threat"]
        assert parsed.application["threat"]["imminent"] is False

    def test_a_typed_copy_is_still_read_from_its_text(self) -> None:
        """No boxes drawn: the words after the colon decide, as before."""
        lines = ["[K1] Form type: grant", "[K2] Language: en", "[T2a] Death threat: X",
                 "[T2b] Physical attack: no", "[T3] The danger is imminent: yes"]
        threat = read_pdf_limited(typed_copy(lines)).application["threat"]
        assert threat["types"] == ["death_threat"] and threat["imminent"] is True


class TestScan:
    @pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
    def test_a_scan_is_named_as_a_scan(self, fmt: str) -> None:
        filled = fill("grant", "en", {**COMMON_VALUES, **REQUEST_VALUES["grant"]})
        with pytest.raises(PdfRejected) as caught:
            read_pdf_limited(scan_of(filled, fmt))
        assert caught.value.code == "scanned"
        assert "scan" in caught.value.message and "web" in caught.value.message

    def test_a_pdf_of_other_words_is_still_not_our_form(self) -> None:
        with pytest.raises(PdfRejected) as caught:
            read_pdf_limited(typed_copy(["Minutes of the meeting", "Nothing to see here."]))
        assert caught.value.code == "not_an_amparo_form"
