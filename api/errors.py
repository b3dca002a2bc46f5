"""One error shape for the whole API: {"error": {"code", "message", "fields"}}."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.applications.schemas import pydantic_fields
from models.core.errors import AmparoError

log = logging.getLogger("amparo.api")


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def is_staff_page(request: Request) -> bool:
    """Staff pages answer errors with pages; everything else (/api/...) keeps JSON."""
    path = request.url.path
    return path == "/staff" or path.startswith("/staff/")


async def staff_error(request: Request, status: int, code: str | None = None) -> Response:
    from api.pages.staff import error_page  # the pages' layout; looks the user up: a thread

    return await run_in_threadpool(error_page, request, status, code)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AmparoError)
    async def _amparo(_req: Request, exc: AmparoError) -> Response:
        wait = getattr(exc, "retry_after", 0)
        if is_staff_page(_req):
            page = await staff_error(_req, exc.http_status, exc.code)
            if wait:
                page.headers["Retry-After"] = str(wait)
            return page
        return JSONResponse(error_body(exc.code, exc.message, exc.fields),
                            status_code=exc.http_status,
                            headers={"Retry-After": str(wait)} if wait else None)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> Response:
        if is_staff_page(_req):
            return await staff_error(_req, 422)
        return JSONResponse(error_body("invalid", "The input is not valid.",
                                       pydantic_fields(exc)), status_code=422)

    @app.exception_handler(ValidationError)
    async def _pydantic(_req: Request, exc: ValidationError) -> JSONResponse:
        return JSONResponse(error_body("invalid", "The input is not valid.",
                                       pydantic_fields(exc)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code >= 400 and is_staff_page(_req):
            return await staff_error(_req, exc.status_code)
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized",
                403: "forbidden"}.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "Request refused."
        return JSONResponse(error_body(code, message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, exc: Exception) -> Response:
        # The type only: messages of unexpected errors may carry data.
        log.error("unhandled error: %s", type(exc).__name__)
        if is_staff_page(_req):
            try:
                return await staff_error(_req, 500)
            except Exception:  # noqa: BLE001 - fall back to the JSON answer
                pass
        return JSONResponse(error_body("internal", "Something went wrong."), status_code=500)
