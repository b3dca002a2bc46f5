"""Every string of every page in every language (issue 16): all that babel.cfg extracts (every
staff and public template, forms/words.py, the pages' Python, the models' wording) is
translated in each language's catalogs merged (messages.po and the areas' <area>.po)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from forms.i18n import LANGUAGES, merged_catalog
from forms.words import WORDS

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


@lru_cache(maxsize=1)
def every_msgid() -> frozenset[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(i for i in ids if i)


def test_the_extraction_sees_the_staff_pages_and_the_words() -> None:
    ids = every_msgid()
    assert {"Staff sign in", "Password", "Reconciliation with Stripe", "My account",
            "Add a person", "Cap per case"} <= ids
    assert {w for kind in WORDS.values() for w in kind.values()} <= ids


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_msgid_of_every_page_is_translated(lang: str) -> None:
    catalog = merged_catalog(lang)
    assert catalog is not None
    strings: dict[str, str] = {}
    for m in catalog:  # a plural is kept under its singular, translated when every form is
        if isinstance(m.id, tuple):
            strings[m.id[0]] = m.string[-1] if all(m.string) else ""  # type: ignore[index]
        elif m.id:
            strings[m.id] = m.string  # type: ignore[assignment]
    missing = sorted(i for i in every_msgid() if not strings.get(i))
    assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[:8]}"
    broken = sorted(i for i in every_msgid() if sorted(PLACEHOLDER.findall(i))
                    != sorted(PLACEHOLDER.findall(strings[i])))
    assert not broken, f"{lang}: placeholders changed in {broken[:5]}"
