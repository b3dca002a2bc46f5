"""Network pages (issue 19): /staff/network (admin: this instance's fingerprints, peers,
their exchange counts, link and suspend), /staff/network/referrals (referrals both ways,
accept or decline received ones), /staff/network/case/{id} (refer a case, run a co-funding
check), and /status/referral (the defender consents or refuses with her receipt; the
status page shows her referrals through `network_referrals`, a template function)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import csrf
from api.pages.common import form_language
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import PostedForm
from forms.render import environment
from forms.web.schema import N_
from models.applications.tables import Application
from models.core.db import session_scope
from models.core.errors import AmparoError, Invalid, NotFound
from models.network import exchanges, keys, referrals, service, views
from models.network.client import PeerRefused
from models.people.tables import StaffUser

router = APIRouter(include_in_schema=False)

LABELS = {
    "offered": N_("Offered"), "consented": N_("Consented"), "accepted": N_("Accepted"),
    "declined": N_("Declined"), "closed": N_("Closed"), "expired": N_("Expired"),
    "active": N_("Active"), "suspended": N_("Suspended"), "sent": N_("Sent by us"),
    "received": N_("Received"), "grant": N_("Grant"), "shelter": N_("Shelter"),
    "visa": N_("Visa"), "out_of_mandate": N_("Outside our mandate"),
    "budget_spent": N_("Our budget is spent"),
    "faster_elsewhere": N_("Another fund or country can help faster"), "other": N_("Other"),
    "match": N_("Already helped there"), "no_match": N_("No grant found there"),
    "refused": N_("Could not ask"), "open": N_("open now"),
    "last_90_days": N_("in the last 90 days"), "last_year": N_("in the last year"),
}
REACHED = N_("The other fund could not be reached. Nothing was sent. Please try again later.")
CONSENTED = N_("Thank you. Your case was sent to the fund you chose.")
REFUSED = N_("Thank you. Your case stays with us and nothing was sent.")


def network_referrals(receipt: str) -> list[dict[str, Any]]:
    """For the status page's include: her referrals (nothing for a wrong receipt)."""
    try:
        with session_scope(read_only=True) as session:
            return referrals.for_receipt(session, receipt)
    except AmparoError:
        return []


environment().globals["network_referrals"] = network_referrals
environment().globals["network_labels"] = LABELS


def _posted(request: Request, body: Any, user: StaffUser, *roles: str
            ) -> tuple[Any, HTMLResponse | None]:
    """The posted form, after the role check and the CSRF check (Forbidden if stale)."""
    form = body.form()
    denied = deny_unless(request, user, *roles)
    if denied is None:
        csrf.require(request, form.get(csrf.FIELD))
    return form, denied


def _admin_page(request: Request, session: SessionDep, user: StaffUser, *,
                values: dict[str, Any] | None = None, problems: dict[str, str] | None = None,
                status_code: int = 200) -> HTMLResponse:
    counts = service.exchange_counts(session)
    return staff_page(request, "staff/network/peers.html", {
        "me": keys.identity(), "labels": LABELS, "kinds": service.KINDS,
        "peers": [service.peer_json(p, counts.get(p.id)) for p in service.peers(session)],
        "values": values or {"checks_per_day": "20"}, "problems": problems or {},
        "flash": request.query_params.get("done") and N_("Saved.")},
        user=user, status_code=status_code)


@router.get("/staff/network", response_class=HTMLResponse)
def network_home(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    keys.ensure_keys()
    return deny_unless(request, user, "admin") or _admin_page(request, session, user)


@router.post("/staff/network/peers", response_class=HTMLResponse)
def link_peer(request: Request, body: PostedForm, session: SessionDep,
              user: PageUser) -> Response:
    form, denied = _posted(request, body, user, "admin")
    if denied:
        return denied
    values = {k: str(form.get(k) or "")[:300].strip()
              for k in ("name", "url", "sign_public", "box_public", "checks_per_day")}
    kinds = [str(k) for k in form.getlist("referral_kinds")][:3]
    try:
        per_day = int(values["checks_per_day"] or "0")
    except ValueError:
        return _admin_page(request, session, user, values={**values, "referral_kinds": kinds},
                           problems={"checks_per_day": "between 0 and 10000"}, status_code=422)
    try:
        service.add_peer(session, name=values["name"], url=values["url"],
                         sign_public=values["sign_public"], box_public=values["box_public"],
                         referral_kinds=kinds, checks_allowed=bool(form.get("checks_allowed")),
                         checks_per_day=per_day, actor_id=user.id)
    except Invalid as exc:
        session.rollback()
        return _admin_page(request, session, user, values={**values, "referral_kinds": kinds},
                           problems=exc.fields, status_code=422)
    session.commit()
    return RedirectResponse("/staff/network?done=linked", status_code=303)


@router.post("/staff/network/peers/{peer_id}/status", response_class=HTMLResponse)
def peer_status(request: Request, peer_id: str, body: PostedForm, session: SessionDep,
                user: PageUser) -> Response:
    form, denied = _posted(request, body, user, "admin")
    if denied:
        return denied
    service.set_status(session, peer_id=peer_id[:32], status=str(form.get("status") or ""),
                       actor_id=user.id)
    session.commit()
    return RedirectResponse("/staff/network?done=status", status_code=303)


@router.get("/staff/network/referrals", response_class=HTMLResponse)
def referral_list(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, "caseworker", "admin")
    if denied:
        return denied
    with session_scope() as writer:  # what waited too long expires first (payloads gone)
        referrals.expire_due(writer)
    return staff_page(
        request, "staff/network/referrals.html",
        {"referrals": views.listing(session), "labels": LABELS,
         "flash": request.query_params.get("done") and N_("Saved.")}, user=user)


@router.post("/staff/network/referrals/tell", response_class=HTMLResponse)
def tell_again(request: Request, body: PostedForm, user: PageUser) -> Response:
    _, denied = _posted(request, body, user, "caseworker", "admin")
    if denied:
        return denied
    exchanges.expire_and_tell()
    return RedirectResponse("/staff/network/referrals?done=told", status_code=303)


@router.post("/staff/network/referrals/{referral_id}/{move}", response_class=HTMLResponse)
def referral_move(request: Request, referral_id: str, move: str, body: PostedForm,
                  user: PageUser) -> Response:
    _, denied = _posted(request, body, user, "caseworker", "admin")
    if denied:
        return denied
    if move not in ("accept", "decline", "close"):
        raise NotFound("unknown move")
    exchanges.answer_referral(referral_id=referral_id[:32], move=move, actor_id=user.id)
    if move == "accept":
        from flows.dispatch import wake_dispatcher
        wake_dispatcher()
    return RedirectResponse("/staff/network/referrals?done=" + move, status_code=303)


def _case_page(request: Request, session: SessionDep, user: StaffUser, application_id: str,
               *, results: list[Any] | None = None, problems: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    application = session.get(Application, application_id)
    if application is None:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    peers = [p for p in service.peers(session)
             if p.status == "active" and application.kind in p.referral_kinds]
    return staff_page(request, "staff/network/case.html", {
        "application": application, "peers": peers, "labels": LABELS,
        "reasons": referrals.REASONS, "results": results, "problems": problems or {},
        "sent": [r for r in views.listing(session, "sent")
                 if r["application_id"] == application.id],
        "flash": request.query_params.get("done") and N_("Saved.")},
        user=user, status_code=status_code)


@router.get("/staff/network/case", response_class=HTMLResponse)
def find_case(request: Request, session: SessionDep, user: PageUser) -> Response:
    """A case by its number (the first 8 characters staff lists show, or all of it)."""
    denied = deny_unless(request, user, "caseworker", "admin")
    if denied:
        return denied
    found = views.case_by_number(session, str(request.query_params.get("case", "")))
    if found is None:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    return RedirectResponse(f"/staff/network/case/{found}", status_code=303)


@router.get("/staff/network/case/{application_id}", response_class=HTMLResponse)
def case_page(request: Request, application_id: str, session: SessionDep,
              user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "caseworker", "admin") or _case_page(
        request, session, user, application_id[:32])


@router.post("/staff/network/case/{application_id}/refer", response_class=HTMLResponse)
def refer(request: Request, application_id: str, body: PostedForm, session: SessionDep,
          user: PageUser) -> Response:
    form, denied = _posted(request, body, user, "caseworker", "admin")
    if denied:
        return denied
    try:
        referrals.offer(session, application_id=application_id[:32],
                        peer_id=str(form.get("peer_id") or "")[:32],
                        reason=str(form.get("reason") or "")[:32], actor_id=user.id)
    except (Invalid, NotFound) as exc:
        session.rollback()
        return _case_page(request, session, user, application_id[:32],
                          problems=getattr(exc, "fields", {}) or {"peer_id": "choose"},
                          status_code=422)
    session.commit()
    return RedirectResponse(f"/staff/network/case/{application_id[:32]}?done=offered",
                            status_code=303)


@router.post("/staff/network/case/{application_id}/check", response_class=HTMLResponse)
def check(request: Request, application_id: str, body: PostedForm,
          user: PageUser) -> Response:
    _, denied = _posted(request, body, user, "caseworker", "admin")
    if denied:
        return denied
    results = exchanges.check(application_id=application_id[:32], actor_id=user.id)
    with session_scope(read_only=True) as session:
        return _case_page(request, session, user, application_id[:32], results=results)


@router.post("/status/referral", response_class=HTMLResponse)
def defender_answer(request: Request, body: PostedForm) -> HTMLResponse:
    from api.pages.status import _wrong, entry_page, view_page
    form = body.form()
    lang = form_language(request, form)
    receipt = str(form.get("receipt") or "")[:64]
    if not csrf.check(request, form.get(csrf.FIELD)):
        return entry_page(request, lang=lang, error=N_("For your safety the page had expired. "
                                                      "Please enter your code again."),
                          status_code=403)
    referral_id = str(form.get("referral_id") or "")[:32]
    notice, error = None, None
    try:
        if form.get("answer") == "consent":
            exchanges.consent(receipt=receipt, referral_id=referral_id)
            notice = CONSENTED
        else:
            with session_scope() as session:
                referrals.refuse_by_defender(session, receipt=receipt, referral_id=referral_id)
            notice = REFUSED
    except PeerRefused:
        error = REACHED
    except NotFound:
        with session_scope() as session:
            return _wrong(request, session, lang)
    except AmparoError:
        error = REACHED
    with session_scope(read_only=True) as session:
        return view_page(request, session, receipt, lang=lang, notice=notice, error=error)
