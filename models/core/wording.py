"""Wording that flows send to staff (e-mails) in the reader's language. Flows never import
forms, where the catalogs are: the translator is set when a process starts (api/app.py,
api/cli.py) from forms.i18n.gettext; until then the English msgid is sent as it is."""
from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str, str], str] | None = None


def use(translator: Callable[[str, str], str]) -> None:
    """translator(lang, msgid) -> the text in that language."""
    global _translator
    _translator = translator


def translate(lang: str | None, message: str) -> str:
    if _translator is None or not lang:
        return message
    return _translator(lang, message)
