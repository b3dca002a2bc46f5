"""What the simulated people do to the data, each through the domain's own functions and in a
transaction of its own (bench/week.py). A refusal by the domain (a vote no longer allowed, a
tranche still waiting) is counted, never forced."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from models.applications import steps
from models.applications.info import answer_info, request_info
from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.applications.tables import Application, InfoRequest
from models.applications.workflow import workflow_for
from models.core.base import as_utc
from models.core.db import session_scope
from models.core.errors import AmparoError
from models.core.notices import Notice
from models.core.workflow import transition
from models.money import outcomes
from models.money import service as money
from models.money.tables import Disbursement, DisbursementApproval
from models.people.service import add_to_panel
from models.people.tables import PanelMember, StaffUser
from models.programmes.service import programme_as_routed
from models.reviews.reach import reach_all
from models.reviews.service import cast_vote, from_minor

REFUSED: Counter[str] = Counter()
BUDGET_REFUSED: dict[str, Any] = {}  # disbursement -> the day finance was told "over budget"


def _try(name: str, fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        with session_scope() as session:
            return fn(session, *args, **kw)
    except AmparoError as exc:
        REFUSED[f"{name}:{getattr(exc, 'code', type(exc).__name__)}"] += 1
        return None
    except Exception as exc:  # noqa: BLE001 - a domain bug is counted and reported, not hidden
        REFUSED[f"{name}:error:{type(exc).__name__}"] += 1
        return None


def submit(body: dict) -> tuple[str, str]:
    with session_scope() as session:
        result = submit_application(session=session, data=ApplicationIn.model_validate(body))
        return result.id, result.receipt


def process(application_id: str) -> str | None:
    """The process-application flow's steps for one case (triage, risk, routing)."""
    with session_scope() as session:
        return steps.process_one(session, application_id)


def open_reviews() -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(case, kind, who may vote now, fast track) for every grant in review."""
    out = []
    with session_scope() as session:
        apps = session.exec(select(Application).where(Application.status == "in_review",
                                                      Application.kind == "grant")).all()
        cases = [(app, programme_as_routed(session, app)) for app in apps]
        found = reach_all(session, [(a, p) for a, p in cases if p is not None])
        for app, _ in cases:
            got = found.get(app.id)
            # A fast-track case opened to the whole panel is looked at as a panel case is.
            out.append((app.id, app.kind, got.voters if got else (),
                        app.track == "fast_track" and not (got and got.fallback)))
    return out


def vote(application_id: str, reviewer_id: str, decision: str) -> bool:
    def run(session: Any) -> bool:
        reviewer = session.get(StaffUser, reviewer_id)
        app = session.get(Application, application_id)
        amount = (from_minor(app.amount_minor, app.currency) if decision == "approve" else None)
        cast_vote(session=session, application_id=application_id, reviewer=reviewer,
                  decision=decision, amount=amount)
        return True
    return bool(_try("vote", run))


def ask(application_id: str, reviewer_id: str) -> bool:
    def run(session: Any) -> bool:
        app = session.get(Application, application_id)
        if app.status != "in_review":
            return False
        request_info(session=session, application=app, staff=session.get(StaffUser, reviewer_id),
                     question="Test question: please confirm the costs.")
        return True
    return bool(_try("ask", run))


def open_questions() -> list[tuple[str, str, str]]:
    """(question, case, its status) for every question not answered yet."""
    with session_scope() as session:
        rows = session.exec(select(InfoRequest.id, InfoRequest.application_id, Application.status)
                            .join(Application, col(Application.id) == InfoRequest.application_id)
                            .where(col(InfoRequest.answered_at).is_(None))).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def answer(receipt: str, request_id: str) -> str | None:
    """She answers; a case back at `submitted` is triaged again (the flow would)."""
    def run(session: Any) -> str:
        request = answer_info(session=session, receipt=receipt, request_id=request_id,
                              answer="Test answer: the costs are as written.")
        return request.application_id
    app_id = _try("answer", run)
    if app_id and status_of(app_id) == "submitted":
        process(app_id)
    return app_id


def status_of(application_id: str) -> str | None:
    with session_scope() as session:
        app = session.get(Application, application_id)
        return app.status if app else None


def move(application_id: str, target: str, *, role: str, actor_id: str) -> bool:
    """A desk's decision through the kind's transition table (shelter placed elsewhere,
    a request withdrawn after her silence)."""
    def run(session: Any) -> bool:
        app = session.get(Application, application_id)
        transition(session, workflow_for(app.kind), app, target, actor_role=role,
                   actor_id=actor_id, data={"reason": "simulated"})
        return True
    return bool(_try(f"move-{target}", run))


def visa_review(application_id: str, officer_id: str, approve: bool) -> bool:
    from models.visas.service import review

    def run(session: Any) -> bool:
        review(session=session, application_id=application_id,
               decision="approve" if approve else "reject", actor_id=officer_id,
               actor_role="visa_officer")
        return True
    return bool(_try("visa", run))


def cases_in(kind: str, status: str) -> list[tuple[str, str | None]]:
    """(case, risk level) of every case of this kind in this status."""
    with session_scope() as session:
        return [tuple(r) for r in session.exec(select(Application.id, Application.risk_level)
                                               .where(Application.kind == kind,
                                                      Application.status == status)).all()]


def notices_after(seen: int) -> list[tuple[str, str, str | None]]:
    """(kind, recipient, case) of the notices queued since the last look (by row order)."""
    with session_scope() as session:
        rows = session.exec(select(Notice.kind, Notice.recipient_id, Notice.application_id)
                            .order_by(col(Notice.created_at), col(Notice.id)).offset(seen)).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def add_substitute(user_id: str, programme_id: str) -> bool:
    def run(session: Any) -> bool:
        if session.exec(select(PanelMember).where(PanelMember.user_id == user_id)).first():
            return False
        add_to_panel(session, user=session.get(StaffUser, user_id), programme_id=programme_id)
        return True
    return bool(_try("substitute", run))


def set_on_call(on_call: set[str]) -> None:
    with session_scope() as session:
        for member in session.exec(select(PanelMember)).all():
            if member.on_call != (member.user_id in on_call):
                member.on_call = member.user_id in on_call
                session.add(member)


def finance_round(officers: list[str], now: datetime) -> None:
    """Present officers approve released drafts (two above the threshold), send what is
    approved by a manual rail, and confirm what was sent a day ago (the next tranche then
    opens)."""
    with session_scope() as session:
        rows = session.exec(select(Disbursement).where(
            col(Disbursement.status).in_(["draft", "approved", "sent"]))).all()
        work = [(d.id, d.status, d.not_before is not None, d.sent_at) for d in rows]
        approvals = {(a.disbursement_id, a.user_id) for a in session.exec(
            select(DisbursementApproval)).all()}
    today = now.date()
    for d_id, status, released, sent_at in work:
        if status == "draft" and released and BUDGET_REFUSED.get(d_id) != today:
            for officer in officers:
                if (d_id, officer) not in approvals and status_of_money(d_id) == "draft":
                    refused = REFUSED["approve:budget_exceeded"]
                    _try("approve", lambda s, o=officer: money.approve(
                        session=s, disbursement_id=d_id, user_id=o, role="finance",
                        rail="cash_via_partner", destination="Test partner office Zeta"))
                    if REFUSED["approve:budget_exceeded"] > refused:
                        BUDGET_REFUSED[d_id] = today  # she tries again tomorrow, not every round
                        break
        if status_of_money(d_id) == "approved":
            _try("send", lambda s: outcomes.send_manual(
                session=s, disbursement_id=d_id, user_id=officers[0], role="finance",
                reference="TEST-REF-0001"))
        elif status == "sent" and sent_at and as_utc(sent_at) <= now - timedelta(days=1):
            _try("confirm", lambda s: outcomes.confirm_manual(
                session=s, disbursement_id=d_id, user_id=officers[0], role="finance",
                reference="TEST-REF-0001"))


def status_of_money(disbursement_id: str) -> str | None:
    with session_scope() as session:
        d = session.get(Disbursement, disbursement_id)
        return d.status if d else None
