"""The hostile corpus: each file is refused within the limits and the reader keeps working."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from forms.pdf.errors import PdfRejected
from forms.pdf.sandbox import read_pdf_limited
from tests.pdf.corpus import COMMON_VALUES, REQUEST_VALUES, expected, fill

WALL_LIMIT_S = 15.0

CASES = {
    # file -> the codes it may be refused with
    "bomb.pdf": {"resource_limit", "timeout"},
    "cyclic-pages.pdf": {"unreadable", "resource_limit", "timeout"},
    "cyclic-pages-with-leaf.pdf": {"not_an_amparo_form", "unreadable", "resource_limit"},
    "cyclic-xobjects.pdf": {"not_an_amparo_form", "unreadable", "resource_limit", "timeout"},
    "10000-pages.pdf": {"too_many_pages"},
    "60mb.pdf": {"too_large"},
    "truncated.pdf": {"unreadable"},
    "truncated-with-eof.pdf": {"unreadable", "not_an_amparo_form"},
    "photo.pdf": {"not_a_pdf"},
    "nested-arrays.pdf": {"unreadable", "not_an_amparo_form", "resource_limit"},
}


@pytest.mark.serial  # refused within 0.5 s (too large) and 15 s (each file)
class TestHostileCorpus:
    @pytest.mark.parametrize("name", sorted(CASES))
    def test_refused_within_the_limits(self, hostile_dir: Path, name: str) -> None:
        data = (hostile_dir / name).read_bytes()
        started = time.monotonic()
        with pytest.raises(PdfRejected) as caught:
            read_pdf_limited(data)
        elapsed = time.monotonic() - started
        assert caught.value.code in CASES[name]
        assert elapsed < WALL_LIMIT_S
        assert caught.value.message and b"%" not in caught.value.message.encode()

    def test_too_large_is_refused_before_any_parsing(self, hostile_dir: Path) -> None:
        started = time.monotonic()
        with pytest.raises(PdfRejected, match="too_large"):
            read_pdf_limited((hostile_dir / "60mb.pdf").read_bytes())
        assert time.monotonic() - started < 0.5  # no subprocess was started

    def test_a_tight_wall_clock_limit_is_a_timeout(self, hostile_dir: Path) -> None:
        with pytest.raises(PdfRejected) as caught:
            read_pdf_limited((hostile_dir / "bomb.pdf").read_bytes(), timeout_s=0.05)
        assert caught.value.code == "timeout"

    def test_reader_still_works_after_the_corpus(self, hostile_dir: Path) -> None:
        for name in ("bomb.pdf", "nested-arrays.pdf"):
            with pytest.raises(PdfRejected):
                read_pdf_limited((hostile_dir / name).read_bytes())
        values = {**COMMON_VALUES, **REQUEST_VALUES["visa"]}
        assert read_pdf_limited(fill("visa", "en", values)).application == expected("visa", "en")


def _with_stream_value(data: bytes) -> bytes:
    """The filled form with one text field's value replaced by a stream object."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    stack = list(writer._root_object["/AcroForm"]["/Fields"])  # noqa: SLF001
    while stack:
        field = stack.pop().get_object()
        stack.extend(field.get("/Kids", []))
        if "/V" in field and field.get("/FT") == "/Tx":
            payload = StreamObject()
            payload.set_data(b"not text at all")
            field[NameObject("/V")] = writer._add_object(payload)  # noqa: SLF001
            break
    else:
        raise AssertionError("no filled text field found")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_field_whose_value_is_a_stream_is_refused() -> None:
    data = _with_stream_value(fill("grant", "en", {**COMMON_VALUES, **REQUEST_VALUES["grant"]}))
    with pytest.raises(PdfRejected) as caught:
        read_pdf_limited(data)
    assert caught.value.code == "bad_field"
