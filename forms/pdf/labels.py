"""The PDF form's own wording (English msgids); its translations live in the gettext catalogs
like every page's (forms/i18n/<lang>/LC_MESSAGES/pdf.po), read through ``translate``.

Field labels must never contain a colon: the text reader takes what follows the first colon
after a ``[code]`` as the value.
"""
from __future__ import annotations

from forms.i18n import LANGUAGES, gettext

TITLE = {
    "grant": "Amparo application form: emergency grant",
    "shelter": "Amparo application form: shelter placement",
    "visa": "Amparo application form: humanitarian visa",
}
INSTRUCTIONS: tuple[str, ...] = (
    "Fill in this form on a computer, or print it and write clearly in capital letters.",
    "Fields marked * are required. Write dates as YYYY-MM-DD.",
    "Keep the codes in square brackets: they let us read a printed or typed copy.",
    "Send the form only through a channel you trust, and write nothing that is unsafe for you to share.",
)
FORM_TYPE = "Form type"
LANGUAGE = "Language"



def translate(language: str, msgid: str) -> str:
    """The wording of ``msgid`` in ``language``, English when there is none."""
    return gettext(language, msgid)


def wordings(msgid: str) -> set[str]:
    """``msgid`` in every language, so a typed or printed copy is read whatever its language."""
    return {translate(language, msgid) for language in LANGUAGES}
