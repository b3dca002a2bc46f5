"""The generated fillable form: pages, field names, printed codes, labels."""
from __future__ import annotations

import io

import pdfplumber
import pytest
from pypdf import PdfReader

from forms.pdf.fields import (KINDS, LANGUAGES, codes_for, fields_for, option_name,
                              required_paths)
from forms.pdf.generate import build_form
from forms.i18n import merged_catalog
from forms.pdf.labels import INSTRUCTIONS, TITLE, translate


def expected_names(kind: str) -> set[str]:
    names = {"kind", "language"}
    for field in fields_for(kind):
        if field.type == "multi":
            names.update(option_name(field, c) for c in field.choices)
        else:
            names.add(field.path)
    return names


class TestBuildForm:
    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("kind", KINDS)
    def test_fields_are_the_dotted_paths_on_one_or_two_pages(self, kind: str, language: str) -> None:
        reader = PdfReader(io.BytesIO(build_form(kind, language)))
        assert 1 <= len(reader.pages) <= 2
        fields = reader.get_fields() or {}
        assert set(fields) == expected_names(kind)
        assert fields["kind"]["/V"] == kind and fields["language"]["/V"] == language

    @pytest.mark.parametrize("language", ["en", "fr", "ar"])
    def test_every_code_is_printed(self, language: str) -> None:
        with pdfplumber.open(io.BytesIO(build_form("shelter", language))) as pdf:
            text = "\n".join(p.extract_text() for p in pdf.pages)
        for code in list(codes_for("shelter")) + ["K1", "K2"]:
            assert f"[{code}]" in text

    def test_is_cached(self) -> None:
        assert build_form("visa", "sw") is build_form("visa", "sw")

    def test_unknown_kind_or_language(self) -> None:
        with pytest.raises(ValueError):
            build_form("loan", "en")
        with pytest.raises(ValueError):
            build_form("grant", "de")

    def test_required_fields_per_kind(self) -> None:
        assert "request.amount" in required_paths("grant")
        assert "request.nights" in required_paths("shelter")
        assert "request.passport_valid_until" in required_paths("visa")
        assert "request.amount" not in required_paths("visa")


class TestLabels:
    def test_every_wording_is_translated(self) -> None:
        msgids = set(TITLE.values()) | set(INSTRUCTIONS) | {"Form type", "Language"}
        for kind in KINDS:
            for field in fields_for(kind):
                msgids.update({field.label, field.section})
        for language in LANGUAGES:
            if language != "en":
                catalog = merged_catalog(language)
                assert catalog is not None, language
                translated = {m.id for m in catalog if m.id and m.string}
                assert msgids <= translated, (language, sorted(msgids - translated)[:5])

    def test_labels_have_no_colon(self) -> None:
        # The text reader takes what follows the first colon after a code as the value.
        for kind in KINDS:
            for field in fields_for(kind):
                for language in LANGUAGES:
                    assert ":" not in translate(language, field.label)
