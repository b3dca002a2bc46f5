"""Request bodies read by async dependencies, so that the routes using them can be `def`.

A route that uses the database runs in FastAPI's threadpool (plain `def`): on the event
loop its transaction, waiting on SQLite's write gate, would stall every other request.
Only reading the body needs `await`, and that is done here, before the route runs.

Declare the body before the session (`body: PostedForm, session: SessionDep, ...`): FastAPI
resolves dependencies in that order, so no transaction (nor the write gate) is held while a
slow phone sends its upload. A body that cannot be read is not refused here: its error is
kept and raised when the route asks for the form, at the point where the route read it
before, so the role checks and CSRF pages that came first still come first.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from api.upload import MAX_UPLOAD, capped_form

TEXT_FORM_MAX = 64 * 1024  # the text-only public forms (status look-up, answers, apply)


class Posted:
    """A form read from the body, or the error reading it raised."""

    def __init__(self, form: FormData | None = None, error: Exception | None = None) -> None:
        self._form = form
        self.error = error

    def form(self) -> FormData:
        if self.error is not None:
            raise self.error
        assert self._form is not None
        return self._form


async def _read(reader: Awaitable[FormData]) -> Posted:
    try:
        return Posted(await reader)
    except Exception as exc:  # noqa: BLE001 - raised later, by the route (see above)
        return Posted(error=exc)


async def posted_form(request: Request) -> Posted:
    """The form as Starlette parses it (the staff pages' small forms)."""
    return await _read(request.form())


def capped(max_bytes: int) -> Callable[[Request], Awaitable[Posted]]:
    """A dependency reading a multipart body refused past `max_bytes` (api.upload)."""
    async def _capped(request: Request) -> Posted:
        return await _read(capped_form(request, max_bytes=max_bytes))
    return _capped


PostedForm = Annotated[Posted, Depends(posted_form)]
CappedUpload = Annotated[Posted, Depends(capped(MAX_UPLOAD))]
CappedText = Annotated[Posted, Depends(capped(TEXT_FORM_MAX))]
