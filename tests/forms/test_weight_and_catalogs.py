"""Every public page under 50 KB over the wire (with what it loads), and every msgid of the
public pages translated in every language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2.ext import babel_extract

from api.pages import status
from forms.i18n import LANGUAGES, merged_catalog
from forms.i18n.extract import extract_catalogues
from forms.web import pdf_values, schema, validate
from models.applications import messages
from tests.forms.conftest import hidden
from tests.forms.helpers import answers

BUDGET = 50 * 1024
TEMPLATES = Path(__file__).resolve().parents[2] / "forms" / "templates"


def wire_bytes(response) -> int:
    head = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
    return head + len(response.content) + len("HTTP/1.1 200 OK\r\n\r\n")


def page_weight(client, response) -> int:
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', response.text))
    return wire_bytes(response) + sum(wire_bytes(client.get(a)) for a in assets)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_under_50_kb(client, lang: str) -> None:
    weights = {}
    for path in ["/apply", "/status", "/apply/grant", "/apply/shelter", "/apply/visa"]:
        weights[path] = page_weight(client, client.get(f"{path}?lang={lang}"))
    for kind in ("grant", "shelter", "visa"):  # the heaviest state: every field in error
        form = client.get(f"/apply/{kind}?lang={lang}")
        data = {"csrf_token": hidden(form.text, "csrf_token"), "lang": lang,
                "submission": hidden(form.text, "submission"),
                **{k: ("x" * 300 if isinstance(v, str) else ["bogus"])
                   for k, v in answers(kind).items()}}
        weights[f"{kind} with errors"] = page_weight(client, client.post(f"/apply/{kind}",
                                                                         data=data))
    heaviest = max(weights, key=weights.get)  # type: ignore[arg-type]
    print(lang, weights)
    assert weights[heaviest] <= BUDGET, f"{heaviest}: {weights[heaviest]} bytes"


def public_msgids() -> set[str]:
    ids: set[str] = set()
    for section in [schema.ABOUT_YOU, schema.THREAT, schema.ENDORSER, *schema.REQUESTS.values()]:
        ids |= {section.legend, section.hint}
        for f in section.fields:
            if f.name != "request.currency":  # currency codes are not translated
                ids |= {label for _, label in f.options}
            ids |= {f.label, f.hint}
    ids |= set(schema.TITLES.values()) | set(schema.SUMMARIES.values())
    ids |= set(validate.MESSAGES.values()) | {validate.REACH, validate.CHILDREN,
                                              validate.ENDORSER_CONTACT, validate.FALLBACK}
    ids |= set(pdf_values.REJECTIONS.values()) | {pdf_values.UNREAD}
    ids |= {v for k, v in vars(status).items() if k.isupper() and isinstance(v, str)
            and " " in v}
    ids |= set(messages.STATUS_LABELS.values()) | set(messages.MESSAGES.values())
    ids |= set(messages.QUESTIONS.values())
    root = TEMPLATES.parents[1]
    for path, options in [("models/shelter/views.py", {}), ("models/visas/views.py", {}),
                          ("models/visas/checklists.py", {"calls": "ItemSpec:2"}),
                          ("models/applications/public.py", {})]:
        if (root / path).exists():
            with (root / path).open("rb") as fh:
                ids |= {msg for _, _, msg, _ in extract_catalogues(fh, [], [], options)}
    for template in [TEMPLATES / "base.html", *sorted((TEMPLATES / "public").glob("*.html"))]:
        with template.open("rb") as fh:
            ids |= {msg for _, _, msg, _ in babel_extract(fh, ["_"], [], {})
                    if isinstance(msg, str)}
    return {i for i in ids if i}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_public_msgid_is_translated(lang: str) -> None:
    catalog = merged_catalog(lang)
    assert catalog is not None
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(public_msgids() - translated)
    assert not missing, f"{lang}: {missing[:5]}"


def test_accept_language_quality_values_are_honoured() -> None:
    """One parser (Babel's negotiation) for pages and the API; q-values count (issue 13)."""
    from forms.i18n import negotiate
    assert negotiate("en;q=0.1, es") == "es"
    assert negotiate("es-MX,es;q=0.9") == "es"
    assert negotiate("de, fr;q=0.5") == "fr"
    assert negotiate("zz, en;q=0") is None
