"""Multipart uploads read with a size cap while the body streams in (never after).

The body is counted chunk by chunk and refused as soon as it passes the cap, so a 60 MB
upload costs the server at most the cap in memory. Then Starlette parses the bounded body.
"""
from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from models.core.errors import Invalid, TooLarge

MAX_UPLOAD = 10 * 1024 * 1024
ENVELOPE = 64 * 1024  # multipart boundaries and the small fields around the file



async def capped_form(request: Request, *, max_bytes: int = MAX_UPLOAD) -> FormData:
    """The multipart form of this request; TooLarge once the body passes the cap."""
    limit = max_bytes + ENVELOPE
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge()
        chunks.append(chunk)
    request._body = b"".join(chunks)  # noqa: SLF001 - Starlette reads the form from it
    try:
        return await request.form(max_files=1, max_fields=50, max_part_size=64 * 1024)
    except Exception as exc:  # a malformed multipart body: the client's fault
        raise Invalid("The upload could not be read.", code="bad_upload") from exc


def file_bytes(form: FormData, name: str = "file", *,
               max_bytes: int = MAX_UPLOAD) -> bytes | None:
    """The uploaded file's bytes, None when no file was chosen. Synchronous, for the `def`
    routes (api/posted.py): it reads the spooled file (memory or disk) directly."""
    upload: Any = form.get(name)
    if not isinstance(upload, UploadFile):
        return None
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge()
    return data or None

