"""Filled, typed and half-filled forms read back through the sandbox."""
from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from forms.pdf.fields import KINDS, THREAT_TYPES
from forms.pdf.generate import build_form
from forms.pdf.reader import parse_pdf
from forms.pdf.sandbox import read_pdf_limited
from tests.pdf.corpus import (ARRIVAL, COMMON_VALUES, REQUEST_VALUES, expected, fill, typed_copy)


def all_values(kind: str) -> dict[str, str]:
    return {**COMMON_VALUES, **REQUEST_VALUES[kind]}


class TestFilledForm:
    @pytest.mark.parametrize("language", ["en", "es", "ar"])
    @pytest.mark.parametrize("kind", KINDS)
    def test_reads_back_the_application(self, kind: str, language: str) -> None:
        parsed = read_pdf_limited(fill(kind, language, all_values(kind)))
        assert parsed.application == expected(kind, language)
        assert parsed.missing == [] and parsed.invalid == {}
        assert parsed.source == "fields"

    def test_half_filled_names_the_missing_fields(self) -> None:
        values = {k: v for k, v in all_values("shelter").items()
                  if k not in ("applicant.name", "request.nights", "request.from_date",
                               "applicant.email", "applicant.phone")}
        values = {k: v for k, v in values.items() if not k.startswith("threat.types.")}
        parsed = read_pdf_limited(fill("shelter", "es", values))
        assert set(parsed.missing) == {"applicant.name", "threat.types", "request.from_date",
                                       "request.nights", "applicant.email", "applicant.phone"}
        assert parsed.application["applicant"]["country"] == "GT"

    def test_invalid_values_are_named_with_a_message(self) -> None:
        values = {**all_values("grant"), "request.amount": "lots", "applicant.country": "Guatemala",
                  "threat.prior_attacks": "-1"}
        parsed = read_pdf_limited(fill("grant", "en", values))
        assert set(parsed.invalid) == {"request.amount", "applicant.country", "threat.prior_attacks"}
        assert "request.amount" not in parsed.missing
        assert "Guatemala" not in " ".join(parsed.invalid.values())  # messages never echo input

    @pytest.mark.parametrize("typed, amount", [("3,000", 3000), ("3.000,50", 3000.5),
                                               ("EUR 1250.75", 1250.75)])
    def test_amount_formats(self, typed: str, amount: float) -> None:
        parsed = read_pdf_limited(fill("grant", "fr", {**all_values("grant"), "request.amount": typed}))
        assert parsed.application["request"]["amount"] == amount


def typed_lines(kind: str, language: str) -> list[str]:
    lines = [f"[K1] Form type: {kind}", f"[K2] Language: {language}",
             "[A1] Full name:   Test Person Alpha", "[A2] E-mail: alpha@example.invalid",
             "[A3] Phone: +502 5555 0100", "[A4] Country: GT",
             "[A5] Organisation or collective: Example Collective", "[A6] Pronouns: she/her",
             "About you",  # a stray heading between codes is ignored
             "[T1] What happened and what you fear:", "Fake threat text for tests.", "Second line.",
             "[T2] Types of threat:", "[T2a] Death threat: X", "[T2b] Physical attack:",
             "[T2d] Surveillance: yes", "[T3] The danger is imminent: yes",
             "[T4] Who is behind the threat: State", "[T5] Number of earlier attacks: 2",
             "[D1] Number of dependants: 2", "[E1] Name of endorser: Test Endorser Beta",
             "[E2] Endorser's organisation: Example Network",
             "[E3] Endorser's e-mail or phone: beta@example.invalid"]
    request = {
        "grant": ["[R1] Amount requested: 3000", "[R2] Currency: EUR",
                  "[R3] What the grant will pay for: Fake purpose: a safe room."],
        "shelter": ["[R1] Number of people: 3", "[R2] Of whom children: 1",
                    "[R3] Needs: Step-free access", f"[R4] Arrival date: {ARRIVAL}",
                    "[R5] Number of nights: 30"],
        "visa": ["[R1] Destination country: de", "[R2] Passport valid until: 2031-06-30",
                 "[R3] Family members travelling: 1", "[R4] Purpose of travel:",
                 "Temporary relocation"],
    }
    return lines + request[kind]


class TestTypedCopy:
    @pytest.mark.parametrize("kind", KINDS)
    def test_reads_the_same_application_as_the_filled_form(self, kind: str) -> None:
        parsed = read_pdf_limited(typed_copy(typed_lines(kind, "es")))
        assert parsed.source == "text"
        assert parsed.application == expected(kind, "es")
        assert parsed.missing == [] and parsed.invalid == {}

    def test_flattened_filled_form(self) -> None:
        """A filled form printed to PDF: the values are page text, the fields are gone.

        pypdf's own flattening draws every option of a radio group as the first one, so only
        text and checkboxes are checked here (test_flattened.py flattens every widget)."""
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(build_form("grant", "en"))))
        writer.update_page_form_field_values(None, all_values("grant"), auto_regenerate=False,
                                             flatten=True)
        writer.remove_annotations(subtypes="/Widget")
        del writer.root_object["/AcroForm"]
        out = io.BytesIO()
        writer.write(out)
        parsed = read_pdf_limited(out.getvalue())
        assert parsed.source == "text"
        app, want = parsed.application, expected("grant", "en")
        assert app["applicant"] == want["applicant"] and app["endorser"] == want["endorser"]
        assert app["threat"]["description"] == want["threat"]["description"]
        assert app["request"] == want["request"]
        assert app["threat"]["types"] == want["threat"]["types"] and app["threat"]["imminent"]

    def test_blank_printed_form_misses_every_required_field(self) -> None:
        parsed = read_pdf_limited(build_form("visa", "ar"))
        assert parsed.application["kind"] == "visa" and parsed.application["language"] == "ar"
        assert {"applicant.name", "threat.description", "request.purpose"} <= set(parsed.missing)
        assert parsed.invalid == {}


names = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F),
                min_size=1, max_size=40).filter(lambda s: s.strip())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, types=st.sets(st.sampled_from(THREAT_TYPES), min_size=1),
       amount=st.integers(min_value=1, max_value=100_000), attacks=st.integers(0, 999))
def test_round_trip_property(name: str, types: set[str], amount: int, attacks: int) -> None:
    """Whatever is filled in comes back (in-process parse: the sandbox adds only limits)."""
    values = {**all_values("grant"), "applicant.name": name, "request.amount": str(amount),
              "threat.prior_attacks": str(attacks)}
    values = {k: v for k, v in values.items() if not k.startswith("threat.types.")}
    values.update({f"threat.types.{t}": "/Yes" for t in types})
    parsed = parse_pdf(fill("grant", "pt", values))
    assert parsed.application["applicant"]["name"] == " ".join(name.split())
    assert parsed.application["threat"]["types"] == [t for t in THREAT_TYPES if t in types]
    assert parsed.application["request"]["amount"] == amount
    assert parsed.application["threat"]["prior_attacks"] == attacks
