"""The batch of the day and the statements over HTTP: money as money, destinations masked in
lists and whole on the disbursement's page, the bulk-upload CSVs (columns, formula cells
escaped), audited exports, mark-as-sent, statement upload and confirmation; finance only."""
from __future__ import annotations

import csv
import io
import re

from sqlmodel import select

from api.auth import COOKIE, issue_token
from models.core.audit import AuditEvent
from models.core.db import session_scope
from models.money import service
from models.money.batches import payment_reference, protect
from models.money.tables import Disbursement
from tests.money import factories as f

PHONE = "+00 999 555 0101"
EVIL = "=HYPERLINK(\"http://x.invalid\")"


def _world() -> dict:
    with session_scope() as session:
        prog = f.programme(session)
        a, b = f.staff(session, n=2)
        [rev] = f.staff(session, role="reviewer")
        out = {"finance": issue_token(a)[0], "reviewer": issue_token(rev)[0], "user": a.id}
        for name, rail, dest in (("mm", "mobile_money", PHONE), ("bank", "bank_wire", EVIL)):
            [d] = service.create_disbursements(session=session,
                                               application=f.grant(session, prog=prog,
                                                                   amount=250_000))
            service.approve(session=session, disbursement_id=d.id, user_id=a.id,
                            role="finance", rail=rail, destination=dest)
            out[name] = d.id
        return out


def _csrf(client, url: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_protect_escapes_formula_cells():
    assert [protect(v) for v in ("=1+1", "+1", "-1", "@A1", "\tx", "AMP-1", "", None)] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\tx", "AMP-1", "", ""]


def test_lists_mask_and_the_page_shows_whole(sqlite_client):
    client, w = sqlite_client, _world()
    client.cookies.set(COOKIE, w["finance"])
    home = client.get("/staff/finance").text
    # the number's middle digits nowhere (ids are random hex: look for them as written)
    assert "•••• 0101" in home and PHONE not in home and "999 555" not in home \
        and "9995550101" not in home
    assert "€2,500.00" in home and "2500.0 EUR" not in home
    assert "Mobile money" in home
    page = client.get(f"/staff/finance/disbursements/{w['mm']}").text
    assert PHONE in page and payment_reference(w["mm"]) in page
    assert 'id="instructions"' in page and "mobile-money number" in page
    batch = client.get("/staff/finance/batches?rail=mobile_money").text
    assert payment_reference(w["mm"]) in batch and "•••• 0101" in batch and PHONE not in batch
    assert payment_reference(w["bank"]) not in batch


def test_bulk_csv_formats_escaping_and_audit(sqlite_client):
    client, w = sqlite_client, _world()
    client.cookies.set(COOKIE, w["finance"])
    token = _csrf(client, "/staff/finance/batches?rail=mobile_money")
    assert client.post("/staff/finance/batches/export",
                       data={"rail": "mobile_money", "format": "kotani_mobile_money"}
                       ).status_code == 403  # no CSRF token
    mm = client.post("/staff/finance/batches/export", data={
        "csrf_token": token, "rail": "mobile_money", "format": "kotani_mobile_money"})
    assert mm.status_code == 200 and mm.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(mm.text)))
    assert rows[0] == ["recipient_name", "recipient_email", "recipient_phone", "amount",
                       "currency", "reference", "description"]
    assert rows[1][2:6] == ["009995550101", "2500.00", "EUR", payment_reference(w["mm"])]
    bank = client.post("/staff/finance/batches/export", data={
        "csrf_token": token, "rail": "bank_wire", "format": "wise_bank"})
    rows = list(csv.reader(io.StringIO(bank.text)))
    assert rows[0][:3] == ["name", "recipientEmail", "paymentReference"]
    assert rows[1][8] == "'" + EVIL  # a formula cell is escaped
    wrong = client.post("/staff/finance/batches/export", data={
        "csrf_token": token, "rail": "bank_wire", "format": "kotani_mobile_money"})
    assert wrong.status_code == 422 and "not for this rail" in wrong.text
    with session_scope() as session:
        events = session.exec(select(AuditEvent).where(
            AuditEvent.action == "money.batch_exported")).all()
    assert len(events) == 2 and PHONE not in str([e.data for e in events])


def test_mark_the_batch_sent(sqlite_client):
    client, w = sqlite_client, _world()
    client.cookies.set(COOKIE, w["finance"])
    token = _csrf(client, "/staff/finance/batches?rail=mobile_money")
    stale = client.post("/staff/finance/batches/sent", data={
        "csrf_token": token, "rail": "mobile_money", "ids": [w["mm"], w["bank"]]})
    assert stale.status_code == 422 and "batch changed" in stale.text
    done = client.post("/staff/finance/batches/sent", data={
        "csrf_token": token, "rail": "mobile_money", "ids": [w["mm"]]}, follow_redirects=True)
    assert "Marked as sent: 1" in done.text and "Nothing to send on this rail." in done.text
    with session_scope() as session:
        assert session.get(Disbursement, w["mm"]).status == "sent"
        assert session.get(Disbursement, w["bank"]).status == "approved"


def test_statement_upload_review_and_confirm_through_the_pages(sqlite_client):
    client, w = sqlite_client, _world()
    client.cookies.set(COOKIE, w["finance"])
    token = _csrf(client, "/staff/finance/statements")
    ref = payment_reference(w["bank"])
    good = ("TransferWise ID,Date,Amount,Currency,Description,Payment Reference\n"
            f"T-1,01-12-2026,-2500.00,EUR,Sent,{ref}\nT-2,01-12-2026,-10.00,EUR,Fee,\n")
    bad = good + "T-3,01-12-2026,-1.00,EUR,=1+1,\n"
    refused = client.post("/staff/finance/statements", data={
        "csrf_token": token, "rail": "bank_wire", "preset": "bank_wise"},
        files={"file": ("s.csv", bad.encode(), "text/csv")})
    assert refused.status_code == 422 and "spreadsheet" in refused.text
    assert 'value="bank_wire" selected' in refused.text  # her choices kept
    generic = client.post("/staff/finance/statements", data={
        "csrf_token": token, "rail": "bank_wire", "preset": "generic"},
        files={"file": ("s.csv", good.encode(), "text/csv")})
    assert generic.status_code == 422 and "name the column" in generic.text
    answer = client.post("/staff/finance/statements", data={
        "csrf_token": token, "rail": "bank_wire", "preset": "bank_wise"},
        files={"file": ("s.csv", good.encode(), "text/csv")}, follow_redirects=False)
    assert answer.status_code == 303
    url = answer.headers["location"]
    page = client.get(url).text
    assert ref in page and "No payment of ours" in page and 'id="confirm-matched"' in page
    client.post(url + "/confirm", data={"csrf_token": token})
    again = client.post(url + "/confirm", data={"csrf_token": token}, follow_redirects=True)
    assert "Payments confirmed: 0" in again.text
    with session_scope() as session:
        assert session.get(Disbursement, w["bank"]).status == "confirmed"
        assert session.get(Disbursement, w["mm"]).status == "approved"


def test_only_finance(sqlite_client):
    client, w = sqlite_client, _world()
    client.cookies.set(COOKIE, w["reviewer"])
    for url in ("/staff/finance/batches", "/staff/finance/statements"):
        assert client.get(url).status_code == 403
    answer = client.post("/staff/finance/batches/export",
                         data={"rail": "mobile_money", "format": "kotani_mobile_money"})
    assert answer.status_code == 403 and "recipient_phone" not in answer.text


def test_her_stored_bank_details_fill_the_wise_file(sqlite_client):
    """Approving bank_wire without a destination takes her sealed details: the Wise row has
    her account name and IBAN, the list shows its last digits only."""
    client = sqlite_client
    with session_scope() as session:
        prog = f.programme(session)
        [a] = f.staff(session)
        [d] = service.create_disbursements(session=session,
                                           application=f.grant(session, prog=prog))
        service.approve(session=session, disbursement_id=d.id, user_id=a.id,
                        role="finance", rail="bank_wire")
        d_id, token = d.id, issue_token(a)[0]
    iban, name = f.FAKE_BANK["iban"], f.FAKE_BANK["account_name"]
    client.cookies.set(COOKIE, token)
    home = client.get("/staff/finance").text
    assert "•••• 3000" in home and iban not in home and name not in home
    page = client.get(f"/staff/finance/disbursements/{d_id}").text
    assert iban in page and name in page and "Account holder" in page
    csrf_token = _csrf(client, "/staff/finance/batches?rail=bank_wire")
    rows = list(csv.reader(io.StringIO(client.post("/staff/finance/batches/export", data={
        "csrf_token": csrf_token, "rail": "bank_wire", "format": "wise_bank"}).text)))
    assert rows[1][0] == name and rows[1][8] == iban and rows[1][2] == payment_reference(d_id)


def test_a_refused_statement_is_said_in_her_language_and_changes_nothing(sqlite_client):
    from models.money.statements_tables import Statement
    client, w = sqlite_client, _world()
    client.cookies.set(COOKIE, w["finance"])
    token = _csrf(client, "/staff/finance/statements")
    head = "TransferWise ID,Date,Amount,Currency,Description,Payment Reference\n"
    row = f"T-1,01-12-2026,-2500.00,EUR,Sent,{payment_reference(w['bank'])}\n"
    for content, words in (((head + row + row).encode(), "La ligne 3 répète la ligne 2"),
                           (head.encode() + b"x" * (3 * 1024 * 1024), "dépasse 2 Mo"),
                           (b"x" * (11 * 1024 * 1024), "dépasse 2 Mo")):
        answer = client.post("/staff/finance/statements?lang=fr", data={
            "csrf_token": token, "rail": "bank_wire", "preset": "bank_wise"},
            files={"file": ("s.csv", content, "text/csv")})
        assert answer.status_code in (413, 422) and words in answer.text, answer.text[-800:]
    with session_scope() as session:
        assert session.exec(select(Statement)).first() is None
        assert session.get(Disbursement, w["bank"]).status == "approved"


def test_a_change_after_approval_is_shown_side_by_side_and_approved_again(sqlite_client):
    from models.applications.sealed import data_key
    from models.applications.tables import Applicant, Application
    from models.money import payout_hold, payout_repository
    from models.money.payout_store import new_detail
    client = sqlite_client
    with session_scope() as session:
        prog = f.programme(session)
        a, b = f.staff(session, n=2)
        app = f.grant(session, prog=prog)
        [d] = service.create_disbursements(session=session, application=app)
        service.approve(session=session, disbursement_id=d.id, user_id=a.id,
                        role="finance", rail="bank_wire")
        old = payout_repository.current(session, app.id)
        applicant = session.get(Applicant, app.applicant_id)
        new = new_detail(application_id=app.id, applicant_id=applicant.id, rail="bank_wire",
                         fields={"account_name": "Test Person Beta",
                                 "iban": "GB82WEST12345698765432"},
                         dek=data_key(applicant), source="receipt")
        old.replaced_at = new.created_at
        session.add(new)
        session.flush()
        payout_hold.details_changed(session=session, application=session.get(
            Application, app.id), old=old, new=new)
        d_id, token = d.id, issue_token(b)[0]
    client.cookies.set(COOKIE, token)
    url = f"/staff/finance/disbursements/{d_id}"
    page = client.get(url).text
    change = page.split('id="details-change"', 1)[1].split("</section>", 1)[0]
    assert "•••• 3000" in change and "•••• 5432" in change  # old and new, masked
    assert "GB82WEST12345698765432" not in change
    assert 'id="approve-new-details"' in page
    done = client.post(url + "/approve", data={"csrf_token": _csrf(client, url)},
                       follow_redirects=True)
    assert done.status_code == 200
    with session_scope() as session:
        d = session.get(Disbursement, d_id)
        assert d.status == "approved"
    assert "GB82WEST12345698765432" in client.get(url).text  # the new destination, whole
