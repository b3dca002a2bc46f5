"""Erasure: the person becomes unreadable everywhere, statistics stay, money in flight blocks it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from api.cli import app as cli
from flows.sweeper import erase_past_retention
from models.applications.erasure import erase_application_person
from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.applications.tables import Applicant, Application
from models.core import audit, crypto
from models.core.base import utcnow
from models.core.db import session_scope
from models.core.errors import Conflict
from models.money.tables import Disbursement
from models.programmes.service import demo_programme, ensure_programme
from tests.e2e.harness import FAKE_EMAIL, FAKE_NAME, grant_application


def _submit() -> tuple[str, str]:
    with session_scope() as s:
        ensure_programme(s, demo_programme())
        result = submit_application(session=s, data=ApplicationIn.model_validate(grant_application()))
    return result.id, result.receipt


class TestErasure:
    def test_person_unreadable_statistics_kept(self, db_url: str) -> None:
        app_id, receipt = _submit()
        with session_scope() as s:
            assert erase_application_person(session=s, application_id=app_id, actor_id="t") == 1
        with session_scope() as s:
            app = s.get(Application, app_id)
            person = s.get(Applicant, app.applicant_id)
            assert person.data_key_wrapped is None and person.email_index is None
            assert person.name_enc is None and app.details_enc is None
            assert app.kind == "grant" and person.country == "ZZ"
            assert app.threat_types and app.amount_minor == 300_000
            assert s.exec(select(Application).where(
                Application.receipt_hash == crypto.receipt_hash(receipt))).first() is None
            assert audit.verify(s).ok
            # erasing twice is harmless
            assert erase_application_person(session=s, application_id=app_id, actor_id="t") == 0

    def test_money_in_flight_blocks_erasure(self, sqlite_url: str) -> None:
        app_id, _ = _submit()
        with session_scope() as s:
            app = s.get(Application, app_id)
            s.add(Disbursement(application_id=app_id, programme_id=app.programme_id,
                               amount_minor=1000, currency="EUR", status="sent"))
        with session_scope() as s, pytest.raises(Conflict):
            erase_application_person(session=s, application_id=app_id, actor_id="t")
        with session_scope() as s:
            assert s.get(Applicant, s.get(Application, app_id).applicant_id).data_key_wrapped

    def test_retention_sweep_erases_only_ended_old_cases(self, sqlite_url: str) -> None:
        old_id, _ = _submit()
        open_id, _ = _submit()
        with session_scope() as s:
            old = s.get(Application, old_id)
            old.status, old.status_changed_at = "rejected", utcnow() - timedelta(days=400)
            s.add(old)
        with session_scope() as s:
            assert erase_past_retention(s, utcnow()) == {"people_erased": 1}
        with session_scope() as s:
            assert s.get(Applicant, s.get(Application, old_id).applicant_id).erased_at
            assert s.get(Applicant, s.get(Application, open_id).applicant_id).erased_at is None

    def test_cli_erase(self, sqlite_url: str) -> None:
        app_id, _ = _submit()
        result = CliRunner().invoke(cli, ["erase", app_id])
        assert result.exit_code == 0 and "erased: 1" in result.output
        with session_scope() as s:
            raw = [s.get(Applicant, s.get(Application, app_id).applicant_id).name_enc]
        assert FAKE_NAME not in str(raw) and FAKE_EMAIL not in str(raw)
