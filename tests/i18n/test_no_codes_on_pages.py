"""Words, in her language, on every page (issue 16): every public page and every staff page
each role reaches from its start page (links followed two steps, GET only), in every
language, is read for raw codes (snake_case, None, True, [], 2500.0) and, in a non-English
session, English strings left untranslated (tests/i18n/scan.py).

Every page reached must have none (CLEAN covers all of /staff/); the leftovers file
(test-artifacts/i18n-leftovers.txt) stays for pages added outside CLEAN, should there be any."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from forms.i18n import LANGUAGES
from tests.forms.conftest import hidden
from tests.forms.helpers import answers
from tests.i18n.conftest import sign_in_as
from tests.i18n.scan import problems

PUBLIC = ("/apply", "/apply/grant", "/apply/shelter", "/apply/visa", "/status")
# Staff pages that must read clean in every language (prefixes of the path).
# Every staff page now reads clean (the case pages were the last, 2026-12-02).
CLEAN = ("/staff/",)
CLEAN_PAGES = ("/staff/", "/staff/cases", "/staff/queue", "/staff/shelters", "/staff/visas",
               "/staff/shelters/new")
LEFTOVERS = Path(__file__).resolve().parents[2] / "test-artifacts" / "i18n-leftovers.txt"
LINK = re.compile(r'href="(/staff/[^"#?]*)"')
NEVER = ("/staff/logout", ".csv", "/download", "/file", "/export")


def _submit_cases(client) -> list[str]:  # noqa: ANN001
    receipts = []
    for kind in ("grant", "shelter", "visa"):
        form = client.get(f"/apply/{kind}?lang=en")
        data = {"csrf_token": hidden(form.text, "csrf_token"), "lang": "en",
                "submission": hidden(form.text, "submission"), **answers(kind)}
        done = client.post(f"/apply/{kind}", data=data)
        assert done.status_code == 200, done.text[:300]
        receipts.append(done.text)
    return receipts


def _reachable(client, start: str = "/staff/", steps: int = 2, limit: int = 25) -> list[str]:  # noqa: ANN001
    seen, frontier = [start], [start]
    for _ in range(steps):
        nxt = []
        for path in frontier:
            page = client.get(path)
            if page.status_code != 200:
                continue
            for link in LINK.findall(page.text):
                if link not in seen and not any(n in link for n in NEVER) \
                        and len(seen) < limit:
                    seen.append(link)
                    nxt.append(link)
        frontier = nxt
    return seen


def _clean(path: str) -> bool:
    return path.startswith(CLEAN) or path in CLEAN_PAGES


def test_public_pages_read_in_words_in_every_language(fund) -> None:  # noqa: ANN001
    client, _ = fund
    receipts = _submit_cases(client)
    found = {}
    for lang in LANGUAGES:
        for path in PUBLIC:
            page = client.get(f"{path}?lang={lang}")
            found[f"{lang} {path}"] = problems(page.text, lang)
    for i, html in enumerate(receipts):
        found[f"en receipt {i}"] = problems(html, "en")
        receipt = "".join(re.findall(r"<span>([0-9A-Z]{4})</span>", html))
        for lang in LANGUAGES:  # her status page, as she reads it with her receipt
            form = client.get(f"/status?lang={lang}")
            view = client.post("/status", data={"csrf_token": hidden(form.text, "csrf_token"),
                                                "lang": lang, "receipt": receipt})
            assert view.status_code == 200, (lang, receipt)
            found[f"{lang} status of case {i}"] = problems(view.text, lang)
    bad = {k: v for k, v in found.items() if v}
    assert not bad, bad


def test_staff_pages_read_in_words_in_every_language(fund) -> None:  # noqa: ANN001
    client, people = fund
    _submit_cases(client)
    dirty: dict[str, list[str]] = {}
    left: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        page = client.get(f"/staff/login?lang={lang}")
        if problems(page.text, lang):
            dirty[f"{lang} /staff/login"] = problems(page.text, lang)
    for role, user_id in people.items():
        sign_in_as(client, user_id)
        for path in _reachable(client):
            for lang in LANGUAGES:
                page = client.get(f"{path}?lang={lang}")
                if page.status_code >= 500:
                    dirty[f"{role} {lang} {path}"] = [f"status {page.status_code}"]
                    continue
                found = problems(page.text, lang)
                if found:
                    target = dirty if _clean(path) else left
                    target[f"{role} {lang} {path}"] = sorted(set(found))
        client.cookies.clear()
    LEFTOVERS.parent.mkdir(parents=True, exist_ok=True)
    LEFTOVERS.write_text("".join(f"{k}: {'; '.join(v)}\n" for k, v in sorted(left.items())),
                         encoding="utf-8")
    print(f"\n{len(left)} page views with codes or English left (not yet CLEAN): {LEFTOVERS}")
    assert not dirty, dirty
