"""Shared plumbing of the shelter and visa staff pages: read a posted form (CSRF checked),
run one domain move, commit and redirect, or show the page again with a clear error.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from api.pages import csrf
from api.pages.session import staff_language
from api.posted import Posted
from forms.i18n import translations
from models.applications.schemas import pydantic_fields
from models.core.errors import AmparoError

ErrorPage = Callable[[str, dict[str, str], int], HTMLResponse]


def posted(request: Request, body: Posted) -> dict[str, Any]:
    """The form's fields (empty ones left out), after the CSRF check (403 otherwise)."""
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    out: dict[str, Any] = {}
    for key in set(form.keys()) - {csrf.FIELD}:
        values = [str(v).strip() for v in form.getlist(key) if str(v).strip()]
        if values:
            out[key] = values if key.endswith("[]") or len(values) > 1 else values[0]
    return {k.removesuffix("[]"): v for k, v in out.items()}


def run_move(session: Session, move: Callable[[], Any], *, done_url: str,
             on_error: ErrorPage) -> HTMLResponse | RedirectResponse:
    """Commit and redirect (post/redirect/get), or roll back and show what was wrong."""
    try:
        move()
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return on_error("Please correct the marked fields.", pydantic_fields(exc), 422)
    except AmparoError as exc:
        session.rollback()
        return on_error(exc.message, exc.fields, exc.http_status)
    return RedirectResponse(done_url, status_code=303)


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def in_her_words(request: Request, user: Any, text: str | None) -> str | None:
    """A flash or an error of these pages in the staff member's language (the messages are
    English msgids; the shelter_visa catalogs hold their translations)."""
    if not text:
        return None
    return translations(staff_language(request, user)).gettext(text)
