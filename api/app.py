"""The FastAPI app factory: JSON API under /api/v1, pages, static files, the dispatcher."""
from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from fastapi.staticfiles import StaticFiles

from api.deps import end_writes_on_return
from api.errors import install_error_handlers
from api.pages import apply, finance, shelter as shelter_pages, staff, status, visas as visa_pages
from api.pages import programmes as programme_pages, staff_admin
from api.pages import account as account_page
from api.pages.common import CSP
from api.v1 import applications, health, money, people, reviews, shelter, visas, webhooks
from api.v1 import audit as audit_api, staff as staff_api
from api.v1 import programmes
from api.v1 import intake_pdf  # POST /api/v1/applications/pdf (before applications/{id})
from forms import i18n
from models.core import wording
from models.core.settings import get_settings

API_PREFIX = "/api/v1"
STATIC = Path(__file__).resolve().parent.parent / "forms" / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    from models.core.db import allow_blocking_here, forbid_blocking_here
    forbid_blocking_here()  # this is the event loop's thread: no database work may run here
    # Fewer request threads than anyio's 40: SQLite takes one writer at a time, and forty
    # threads queued on it only fight over the interpreter (docs/benchmarks.md, "Surge").
    import anyio.to_thread
    anyio.to_thread.current_default_thread_limiter().total_tokens = int(
        os.environ.get("AMPARO_REQUEST_THREADS", "8"))
    runner = None
    if settings.dispatcher_enabled:  # the flow runner process (flows/runner.py)
        from flows.dispatch import use_waker
        from flows.runner import FlowRunner
        runner = FlowRunner().start()
        use_waker(runner)
    try:
        yield
    finally:
        allow_blocking_here()
        if runner is not None:
            runner.stop()


class SafeHeaders:
    """Security headers on every answer. Nothing a defender or staff member sees should stay
    in a shared browser's cache. A strict Content-Security-Policy on everything we render
    (staff pages, the CSV export, the API), the same as the public pages set: no inline
    script or style, so a stored-XSS payload that slipped past escaping still cannot run.
    Only the OpenAPI explorer (/docs, /redoc) loads Swagger's own inline code. A plain ASGI
    middleware: BaseHTTPMiddleware costs ~15% of intake throughput (bench/surge.py)."""

    HEADERS = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]
    CSP = (b"content-security-policy", CSP.encode())
    EXPLORER = ("/docs", "/redoc")

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = self.HEADERS if scope["path"].startswith(self.EXPLORER) \
            else self.HEADERS + [self.CSP]

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app() -> FastAPI:
    get_settings()  # refuse to start with unsafe settings before serving anything
    wording.use(i18n.gettext)  # staff e-mails sent by flows, in each reader's language
    app = FastAPI(title="Amparo", version="1.0.0", lifespan=lifespan,
                  description="Rapid-response protection for women human rights defenders.")
    install_error_handlers(app)
    from flows.dispatch import wake_dispatcher
    from models.applications.service import on_submissions_committed
    on_submissions_committed(wake_dispatcher)  # new cases wake the flow runner, once a batch
    for module in (people, health, intake_pdf, applications, reviews, money, webhooks, shelter,
                   visas, staff_api, audit_api):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(programmes.router, prefix=API_PREFIX)  # the admin's programmes
    from api.v1 import console as console_api
    app.include_router(console_api.router, prefix=API_PREFIX)  # rota, conflicts, recovery
    from api.v1 import network as network_api
    from api.pages import network as network_pages
    app.include_router(network_api.router, prefix=API_PREFIX)  # peers, referrals (issue 19)
    app.include_router(network_pages.router)  # /staff/network, /status/referral
    from api.pages import programme_new, programme_risk, rota as rota_page
    app.include_router(programme_new.router)  # /staff/programmes/new (before {slug})
    app.include_router(programme_risk.router)  # /staff/programmes/{slug}/risk (before {slug})
    app.include_router(rota_page.router)  # /staff/programmes/{slug}/rota: who is on call when
    from api.pages import panel as panel_page
    app.include_router(panel_page.router)  # /staff/programmes/{slug}/panel: who sits on it
    app.include_router(programme_pages.router)  # /staff/programmes
    from api.pages import casework as casework_pages
    app.include_router(casework_pages.router)  # /staff/cases/{id}/...: the casework actions
    app.include_router(account_page.router)  # /staff/account: her language
    from api.pages import operations as operations_page
    app.include_router(operations_page.router)  # /staff/operations: keys, runner, outbox
    from api.pages import recovery as recovery_page
    app.include_router(recovery_page.router)  # an admin makes a person's recovery codes
    from api.pages import audit_tools, conflicts as conflict_pages
    app.include_router(audit_tools.router)  # /staff/audit/verify and /staff/audit/export
    app.include_router(conflict_pages.router)  # a reviewer's declared conflicts
    from api.pages import status_payout
    app.include_router(status_payout.router)  # /status/payout: her payout details (issue 17)
    from api.pages import visa_checklists as checklist_pages
    from api.v1 import visa_checklists as checklist_api
    app.include_router(checklist_api.router, prefix=API_PREFIX)  # visa checklists as data
    app.include_router(checklist_pages.router)  # /staff/visa-checklists (admin)
    # the pages: public (apply, status), then staff (sign-in, cases, shelters, visas, finance)
    for page in (apply, status, staff, shelter_pages, visa_pages, finance, staff_admin):
        app.include_router(page.router)
    from models.hooks import install
    install()  # cross-area hooks, in one explicit list (models/hooks.py)
    end_writes_on_return(app.routes)  # no write transaction outlives its route (api/deps.py)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # Pages and JSON compressed on the wire (a slow link: one round trip for a form); small
    # answers are not worth it; never a stream (text/event-stream) nor what is compressed
    # already (images, PDF).
    app.add_middleware(GZipMiddleware, minimum_size=860, compresslevel=6,
                       exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/pdf"))
    app.add_middleware(SafeHeaders)
    return app
