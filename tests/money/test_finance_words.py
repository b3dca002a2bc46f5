"""The finance pages read clean in every language (tests/i18n/scan.py): no raw codes
(snake_case, None, 2500.0) and, in a non-English session, no English left."""
from __future__ import annotations

import pytest

from api.auth import COOKIE, issue_token
from forms.i18n import LANGUAGES
from models.core.db import session_scope
from models.money import outcomes, service, statements
from models.money.batches import payment_reference
from models.money.statements_parse import mapping_for
from tests.i18n.scan import problems
from tests.money import factories as f


def _world() -> tuple[list[str], str]:
    with session_scope() as session:
        prog = f.programme(session)
        a, b = f.staff(session, n=2)
        ids = []
        for rail, dest in (("mobile_money", "+009995550101"), ("bank_wire", None),
                           ("money_transfer_agent", "Test Pickup, Test City")):
            [d] = service.create_disbursements(session=session,
                                               application=f.grant(session, prog=prog))
            service.approve(session=session, disbursement_id=d.id, user_id=a.id,
                            role="finance", rail=rail, destination=dest)
            ids.append(d.id)
        outcomes.send_manual(session=session, disbursement_id=ids[1], user_id=a.id,
                             role="finance", reference=payment_reference(ids[1]))
        content = ("Receipt No.,Details,Transaction Status,Withdrawn\n"
                   f"R1,{payment_reference(ids[0])},Completed,3000.00\n"
                   "R2,someone else,Completed,5.00\n").encode()
        st = statements.import_statement(session, content=content,
                                         mapping=mapping_for("mobile_money_mpesa"),
                                         preset="mobile_money_mpesa", rail="mobile_money",
                                         user_id=a.id, role="finance")
        return [*ids, st.id], issue_token(b)[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_finance_pages_read_clean(sqlite_client, lang):
    client = sqlite_client
    (mm, bank, agent, st), token = _world()
    client.cookies.set(COOKIE, token)
    for path in ("/staff/finance", "/staff/finance/batches?rail=mobile_money",
                 "/staff/finance/statements", "/staff/finance/reconciliation",
                 f"/staff/finance/statements/{st}", f"/staff/finance/disbursements/{mm}",
                 f"/staff/finance/disbursements/{bank}", f"/staff/finance/disbursements/{agent}"):
        sep = "&" if "?" in path else "?"
        page = client.get(f"{path}{sep}lang={lang}")
        assert page.status_code == 200, path
        assert not problems(page.text, lang), (path, problems(page.text, lang)[:8])
