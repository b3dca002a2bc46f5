"""The desks' and lists' queries on SQLite and PostgreSQL (models/desks)."""
from __future__ import annotations

from datetime import timedelta

from models.applications.tables import Applicant, FollowUp
from models.core.base import utcnow
from models.core.db import session_scope
from models.core.outbox import Dispatch
from models.desks.home import desk_for
from models.desks.paging import Paging
from models.desks.search import find_cases, find_events, find_staff
from models.money.tables import Disbursement
from models.visas.tables import VisaCase
from tests.reviews import factories as f


def _world(s):  # noqa: ANN001, ANN202
    prog = f.programme(s)
    users = {role: f.staff(s, role=role)[0] for role in
             ("caseworker", "admin", "finance", "visa_officer", "shelter_coordinator")}
    _, reviewers = f.panel(s, prog=prog, members=1, on_call=0)
    users["reviewer"] = reviewers[0]
    apps = [f.application(s, prog=prog, status="submitted", due_in=None) for _ in range(7)]
    s.get(Applicant, apps[0].applicant_id).country = "BO"
    f.application(s, prog=prog, status="in_review", due_in=timedelta(hours=-1))
    f.application(s, prog=prog, kind="shelter", status="matching")
    visa = f.application(s, prog=prog, kind="visa", status="appointment", due_in=None)
    s.add(VisaCase(application_id=visa.id, destination_country="DE", checklist_code="x",
                   status="appointment", appointment_at=utcnow() + timedelta(days=2)))
    s.add(Disbursement(application_id=apps[1].id, programme_id=prog.id, amount_minor=100,
                       currency="EUR", status="draft"))
    s.add(Disbursement(application_id=apps[2].id, programme_id=prog.id, amount_minor=100,
                       currency="EUR", status="sent", rail="bank_wire"))
    s.add(FollowUp(application_id=apps[3].id, kind="checkin", due_at=utcnow() - timedelta(hours=1)))
    s.add(Dispatch(flow="process-application", entity_id=apps[0].id, status="dead"))
    s.flush()
    return users, apps


def test_desks_and_searches(db_url: str) -> None:
    with session_scope() as s:
        users, apps = _world(s)
        counts = {role: {sec.key: sec.total for sec in desk_for(s, user)}
                  for role, user in users.items()}
        assert counts["caseworker"]["triage"] == 7 and counts["caseworker"]["followups"] == 1
        assert counts["admin"]["flows"] == 1  # a dispatch given up
        assert counts["admin"]["overdue"] == 1 and counts["admin"]["people"] == 6
        assert counts["finance"] == {"approve": 1, "send": 0, "confirm": 1}
        assert counts["shelter_coordinator"]["matching"] == 1
        assert counts["visa_officer"]["steps"] == 1
        assert counts["reviewer"] == {"votes": 1}  # the case in review, its clock run out
        (votes,) = desk_for(s, users["reviewer"])
        assert votes.items[0].seconds is not None and votes.items[0].seconds < 0
        role = "caseworker"
        assert find_cases(s, role=role, search={"country": "BO"}, paging=Paging()).total == 1
        assert find_cases(s, role=role, search={"q": apps[4].id[:9]}, paging=Paging()).total == 1
        assert find_cases(s, role=role, search={"q": "%"}, paging=Paging()).total == 0
        today = utcnow().date().isoformat()
        assert find_cases(s, role=role, search={"since": today, "until": today},
                          paging=Paging()).total == 10
        second = find_cases(s, role=role, search={}, paging=Paging(page=2, per_page=4))
        assert (second.total, len(second.items), second.pages, second.first) == (10, 4, 3, 5)
        # a visa officer lists visa cases only
        assert find_cases(s, role="visa_officer", search={}, paging=Paging()).total == 1
        assert find_staff(s, search={"role": "finance"}, paging=Paging()).total == 1
        assert find_staff(s, search={"q": "_"}, paging=Paging()).total == 2  # "_" is literal
        assert find_staff(s, search={"role": "reviewer", "access": "active"},
                          paging=Paging()).total == 1
        assert find_events(s, search={"action": "zzz"}, paging=Paging()).total == 0
