"""Read a page as a person does (its visible text, not its markup) and find what she should
never read: raw codes (snake_case words, None, True/False, [], floats like 2500.0) and, in a
non-English page, English strings left untranslated.

Text inside <code> is a machine reference on purpose (ids, payment references, the audit
action next to its words) and is not read; e-mail addresses are not words either."""
from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from forms.i18n import merged_catalog

SKIP = {"code", "script", "style", "template"}
RAW = [re.compile(p) for p in (
    r"(?<![\w@./-])[a-z][a-z0-9]*_[a-z0-9_]+(?![\w@])",  # snake_case
    r"\bNone\b", r"\bTrue\b", r"\bFalse\b", r"\[\]", r"\{\}",
    r"(?<![\d.,])\d+\.0(?![\d])",  # 2500.0
)]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ANN001
        if tag in SKIP:
            self.skipping += 1
        for name, value in attrs:  # what a screen reader or a tooltip says is read too
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [EMAIL.sub("", part) for part in parser.parts]


def raw_codes(html: str) -> list[str]:
    found: list[str] = []
    for part in visible_text(html):
        for pattern in RAW:
            found += [m.group(0) for m in pattern.finditer(part)]
    return found


@lru_cache(maxsize=8)
def english_left(lang: str) -> frozenset[str]:
    """English msgids that this language translates to something else: read as they are on
    a page in `lang`, they were left in English."""
    catalog = merged_catalog(lang)
    assert catalog is not None
    return frozenset(m.id for m in catalog if isinstance(m.id, str) and m.string
                     and m.string != m.id and len(m.id) > 3 and not m.id.isupper())


def untranslated(html: str, lang: str) -> list[str]:
    if lang == "en":
        return []
    english = english_left(lang)
    found = []
    for part in visible_text(html):
        text = part.strip(" :·—()")
        if text in english:
            found.append(text)
    return found


def problems(html: str, lang: str) -> list[str]:
    return [f"code {c!r}" for c in raw_codes(html)] + \
        [f"English {t!r}" for t in untranslated(html, lang)]
