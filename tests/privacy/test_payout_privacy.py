"""Payout details never in plain text (issue 17): not in the database (the SQLite file and
its WAL; every text column of every table on PostgreSQL), not in the logs, not in the
e-mails queued, not in the audit trail or the outbox. Sealed with her data key: erasing it
makes them unreadable."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import String, Text, inspect, text

from models.applications.erasure import erase_application_person
from models.core.db import get_engine, new_session
from models.money.payout_repository import current
from models.money.payout_store import fields_of
from models.programmes.service import demo_programme, ensure_programme
from tests.applications.helpers import payload

PHONE_TYPED, PHONE_STORED = "+254 799 000 017", "254799000017"
IBAN = "GB82 WEST 1234 5698 7654 32"  # the standard's own example: nobody's account
ACCOUNT_NAME = "Payee Xylophone Wombat"
PICKUP = ("Pickup Quetzal Narwhal", "Vortigern City")
NEEDLES = [PHONE_STORED, "799 000 017", "GB82WEST", "12345698765432", "Xylophone", "Wombat",
           "Quetzal", "Narwhal", "Vortigern"]


@pytest.fixture
def client(db_url: str):  # noqa: ANN201
    from api.app import create_app
    with new_session() as s:
        ensure_programme(s, demo_programme())
        s.commit()
    with TestClient(create_app()) as c:
        yield c


def _submit_all(client: TestClient) -> str:
    body = payload(applicant={"country": "KE"})
    body["payout"] = {"rail": "mobile_money", "provider": "mpesa", "phone": PHONE_TYPED}
    r = client.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.text
    receipt = r.json()["receipt"]
    for details in ({"rail": "bank_wire", "account_name": ACCOUNT_NAME, "iban": IBAN},
                    {"rail": "money_transfer_agent", "pickup_name": PICKUP[0],
                     "pickup_city": PICKUP[1]}):
        answer = client.post("/api/v1/status/payout", json={"receipt": receipt,
                                                             "payout": details})
        assert answer.status_code == 200, answer.text
        for needle in NEEDLES:
            assert needle not in answer.text
    bad = client.post("/api/v1/status/payout", json={"receipt": receipt, "payout": {
        "rail": "bank_wire", "account_name": ACCOUNT_NAME, "iban": IBAN[:-1] + "3"}})
    assert bad.status_code == 422 and "Xylophone" not in bad.text and "GB82" not in bad.text
    return r.json()["id"]


def _every_text_value() -> str:
    """A dump of the database: every text column of every row of every table."""
    engine = get_engine()
    out: list[str] = []
    with engine.connect() as conn:
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            cols = [c["name"] for c in inspector.get_columns(table)
                    if isinstance(c["type"], (String, Text)) or "JSON" in str(c["type"])]
            if cols:
                quoted = ", ".join(f'"{c}"' for c in cols)
                for row in conn.execute(text(f'SELECT {quoted} FROM "{table}"')):
                    out.extend(str(v) for v in row if v is not None)
        conn.rollback()
    return "\n".join(out)


def test_payout_details_are_sealed_everywhere(client: TestClient, db_url: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app_id = _submit_all(client)
    with new_session() as s:  # finance's view opens them: they are there, sealed
        detail = current(s, app_id)
        assert fields_of(s, detail) == {"pickup_name": PICKUP[0], "pickup_city": PICKUP[1]}
    dump = _every_text_value()
    assert "money_transfer_agent" in dump  # the dump reads the tables (the rail is plain)
    logs = caplog.text
    files = b""
    if db_url.startswith("sqlite"):
        path = Path(db_url.removeprefix("sqlite:///"))
        files = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert files
    for needle in NEEDLES:
        assert needle not in dump, f"{needle!r} in plain text in the database"
        assert needle not in logs, f"{needle!r} in the logs"
        assert needle.encode() not in files, f"{needle!r} in the database files"


def test_erasure_shreds_them(client: TestClient) -> None:
    app_id = _submit_all(client)
    with new_session() as s:
        assert erase_application_person(session=s, application_id=app_id,
                                        actor_id="test") == 1
        s.commit()
    with new_session() as s:
        assert fields_of(s, current(s, app_id)) is None
