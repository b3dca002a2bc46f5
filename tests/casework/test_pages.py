"""The casework pages through the ASGI app: every action posts with CSRF, refuses other
roles, keeps what was typed on a refusal and changes nothing; the reviewer sees her answers
and documents before voting; questions and money in words."""
from __future__ import annotations

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.applications import followups
from models.applications.casework_tables import CaseNote
from models.applications.documents import upload_document
from models.applications.info import answer_info, request_info
from models.applications.tables import Application
from models.core.base import utcnow
from models.core.db import session_scope
from models.people.service import totp_secret_of
from models.people.tables import StaffUser
from tests.casework.conftest import make_case
from tests.reviews import factories as f
from tests.staff_pages.test_pages import _csrf, login

PDF = b"%PDF-1.4\n% test attachment\n"
REASON = "Test reason: confirmed with the endorser"


@pytest.fixture
def desk_world(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        prog = f.programme(s)
        _, reviewers = f.panel(s, prog=prog, members=3, on_call=0)
        people = {r.email: totp_secret_of(r) for r in reviewers}
        for role in ("caseworker", "caseworker", "finance", "admin"):
            user, secret = f.staff(s, role=role)
            people[user.email] = secret
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, people


def _who(people: dict, role: str, n: int = 0) -> tuple[str, str]:
    with session_scope(read_only=True) as s:
        emails = [u.email for u in s.exec(select(StaffUser).where(StaffUser.role == role)
                                          .order_by(StaffUser.email)).all()]
    return emails[n], people[emails[n]]


def _case(**overrides) -> tuple[str, str]:  # noqa: ANN003
    from models.applications.service import submit_application
    from models.applications import steps
    from tests.applications.helpers import application_in
    with session_scope() as s:
        result = submit_application(session=s, data=application_in(**overrides))
    with session_scope() as s:
        steps.process_one(s, result.id)
    return result.id, result.receipt


def _status(app_id: str) -> str:
    with session_scope(read_only=True) as s:
        return s.get(Application, app_id).status


class TestCaseworkerActions:
    def test_override_keeps_what_was_typed_then_succeeds(self, desk_world) -> None:  # noqa: ANN001
        client, people = desk_world
        app_id, _ = _case(request={"amount": 50000, "currency": "EUR", "purpose": "Test doors"})
        login(client, *_who(people, "caseworker"))
        page = client.get(f"/staff/cases/{app_id}")
        assert "Not eligible after triage" in page.text
        assert "above the programme&#39;s limit" in page.text and "€50,000.00" in page.text
        short = client.post(f"/staff/cases/{app_id}/override", data={
            "csrf_token": _csrf(page.text), "what": "ineligible", "reason": "abc"})
        assert short.status_code == 422 and ">abc</textarea>" in short.text
        assert "Write a reason of at least 5 characters." in short.text
        assert _status(app_id) == "ineligible"
        forged = client.post(f"/staff/cases/{app_id}/override",
                             data={"what": "ineligible", "reason": REASON})
        assert forged.status_code == 403 and _status(app_id) == "ineligible"
        done = client.post(f"/staff/cases/{app_id}/override", follow_redirects=False, data={
            "csrf_token": _csrf(page.text), "what": "ineligible", "reason": REASON})
        assert done.status_code == 303 and _status(app_id) == "eligible"
        shown = client.get(done.headers["location"])
        assert "The override is recorded with its reason." in shown.text and REASON in shown.text

    def test_questions_in_words_notes_and_withdraw(self, desk_world) -> None:  # noqa: ANN001
        client, people = desk_world
        app_id, _ = _case(endorser=None)
        login(client, *_who(people, "caseworker", 1))
        page = client.get(f"/staff/cases/{app_id}")
        assert "code:endorser_missing" not in page.text and "Who can vouch for you?" in page.text
        token = _csrf(page.text)
        noted = client.post(f"/staff/cases/{app_id}/notes", follow_redirects=False,
                            data={"csrf_token": token, "note": "Test note: called her"})
        assert noted.status_code == 303
        assert "Test note: called her" in client.get(f"/staff/cases/{app_id}").text
        unconfirmed = client.post(f"/staff/cases/{app_id}/withdraw",
                                  data={"csrf_token": token, "reason": REASON})
        assert unconfirmed.status_code == 422 and "Tick the box to confirm." in unconfirmed.text
        assert f">{REASON}</textarea>" in unconfirmed.text and _status(app_id) == "needs_info"
        done = client.post(f"/staff/cases/{app_id}/withdraw", follow_redirects=False, data={
            "csrf_token": token, "reason": REASON, "confirm": "yes"})
        assert done.status_code == 303 and _status(app_id) == "withdrawn"
        again = client.post(f"/staff/cases/{app_id}/withdraw", data={
            "csrf_token": token, "reason": REASON, "confirm": "yes"})
        assert again.status_code == 409 and "current stage" in again.text

    def test_followups_payments_and_close(self, desk_world) -> None:  # noqa: ANN001
        client, people = desk_world
        app_id, _ = _case()
        with session_scope() as s:
            app = s.get(Application, app_id)
            app.status, app.decided_amount_minor = "disbursed", 250_000
            rows = followups.schedule_followups(session=s, application=app, confirmed_at=utcnow())
            ids = [r.id for r in rows]
        login(client, *_who(people, "caseworker"))
        page = client.get(f"/staff/cases/{app_id}")
        assert page.text.count("Mark this check-in done") == 2 and "Record the report" in page.text
        assert "€2,500.00" in page.text
        token = _csrf(page.text)
        empty = client.post(f"/staff/cases/{app_id}/followups/{ids[2]}/report",
                            data={"csrf_token": token, "summary": " "})
        assert empty.status_code == 422 and "Write a summary" in empty.text
        ok = client.post(f"/staff/cases/{app_id}/followups/{ids[0]}/done", follow_redirects=False,
                         data={"csrf_token": token, "note": "Test check-in: safe"})
        assert ok.status_code == 303
        wrong_case, _ = _case(kind="visa")
        assert client.post(f"/staff/cases/{wrong_case}/followups/{ids[1]}/done",
                           data={"csrf_token": token}).status_code == 404
        closed = client.post(f"/staff/cases/{app_id}/close", follow_redirects=False, data={
            "csrf_token": token, "reason": REASON, "confirm": "yes"})
        assert closed.status_code == 303 and _status(app_id) == "closed"
        shown = client.get(f"/staff/cases/{app_id}").text
        assert "Cancelled" in shown and "Test check-in: safe" in shown

    def test_other_roles_are_refused(self, desk_world) -> None:  # noqa: ANN001
        client, people = desk_world
        app_id, _ = _case(endorser=None)
        login(client, *_who(people, "finance"))
        token = _csrf(client.get("/staff/finance").text)
        for path, data in (("notes", {"note": "x"}), ("withdraw", {"reason": REASON,
                                                                   "confirm": "yes"})):
            resp = client.post(f"/staff/cases/{app_id}/{path}", data={"csrf_token": token, **data})
            assert resp.status_code == 403
        assert _status(app_id) == "needs_info"
        with session_scope(read_only=True) as s:
            assert s.exec(select(CaseNote)).all() == []


class TestReviewerSeesAnswersAndDocuments:
    def test_before_voting(self, desk_world) -> None:  # noqa: ANN001
        client, people = desk_world
        app_id, receipt = _case()
        with session_scope() as s:
            app = s.get(Application, app_id)
            reviewer = s.exec(select(StaffUser).where(StaffUser.role == "reviewer")).first()
            request = request_info(session=s, application=app, staff=reviewer,
                                   question="Test question: which doors?")
            request_id = request.id
        with session_scope() as s:
            answer_info(session=s, receipt=receipt, request_id=request_id,
                        answer="Test answer: the back door")
            doc = upload_document(session=s, receipt=receipt, purpose="info_answer",
                                  ref_id=request_id, filename="quote.pdf", content=PDF)
            doc_id = doc.id
        email, secret = _who(people, "reviewer")
        login(client, email, secret)
        assert "She answered a question" in client.get("/staff/queue").text
        page = client.get(f"/staff/cases/{app_id}")
        assert "Test answer: the back door" in page.text and "Cast vote" in page.text
        assert page.text.index("Test answer") < page.text.index("Cast vote")
        link = f"/staff/cases/{app_id}/documents/{doc_id}"
        assert link in page.text and "Case notes" not in page.text
        got = client.get(link)
        assert got.status_code == 200 and got.content == PDF
        assert "quote.pdf" not in got.headers["content-disposition"]
        client.cookies.clear()
        login(client, *_who(people, "finance"))
        assert client.get(link).status_code == 403
        client.cookies.clear()
        other, other_secret = _who(people, "reviewer", 1)
        with session_scope() as s:
            from models.reviews.service import cast_vote
            recused = s.exec(select(StaffUser).where(StaffUser.email == other)).one()
            cast_vote(session=s, application_id=app_id, reviewer=recused, decision="recuse")
        login(client, other, other_secret)
        assert client.get(link).status_code == 404  # recused: as if the case did not exist


class TestInWords:
    def test_the_case_page_reads_in_words_in_every_language(self, desk_world) -> None:  # noqa: ANN001
        from forms.i18n import LANGUAGES
        from tests.i18n.scan import problems
        client, people = desk_world
        over_cap, _ = _case(request={"amount": 50000, "currency": "EUR", "purpose": "Test doors"})
        asked, receipt = _case(endorser=None)
        paid, _ = _case()
        with session_scope() as s:
            from models.applications import repository
            question_id = repository.info_requests_of(s, asked)[0].id
        with session_scope() as s:
            upload_document(session=s, receipt=receipt, purpose="info_answer",
                            ref_id=question_id, filename="quote.pdf", content=PDF)
            answer_info(session=s, receipt=receipt, request_id=question_id,
                        answer="Test answer words")
        with session_scope() as s:
            app = s.get(Application, paid)
            app.status, app.decided_amount_minor = "disbursed", 250_000
            followups.schedule_followups(session=s, application=app, confirmed_at=utcnow())
        login(client, *_who(people, "caseworker"))
        page = client.get(f"/staff/cases/{asked}")
        client.post(f"/staff/cases/{asked}/notes", data={"csrf_token": _csrf(page.text),
                                                         "note": "Test note words"})
        found = {}
        for app_id in (over_cap, asked, paid):
            for lang in LANGUAGES:
                html = client.get(f"/staff/cases/{app_id}?lang={lang}").text
                if problems(html, lang):
                    found[f"{lang} {app_id[:8]}"] = sorted(set(problems(html, lang)))
        assert not found, found
