"""Issue 14.2, the on-call rota: shifts in each reviewer's time zone (past midnight too),
leave as exceptions, the sweeper setting on-call flags from it, gaps found a week ahead and
told to the chair and admins a day before (once), the page refusing bad input, and a panel
change that drops a reviewer with shifts."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.core.db import session_scope
from models.core.errors import Invalid
from models.core.notices import Notice
from models.people.tables import PanelMember
from models.programmes.schemas import PanelIn
from models.programmes.service import set_panel
from models.reviews import rota
from tests.reviews import factories as f

MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)  # a Monday


def test_a_shift_in_her_time_zone_and_past_midnight() -> None:
    nairobi = rota.OnCallShift(member_id="m", weekday=0, starts="22:00", ends="06:00",
                               timezone="Africa/Nairobi")  # UTC+3
    assert rota.in_shift(nairobi, datetime(2026, 12, 7, 19, 30, tzinfo=timezone.utc))  # Mon 22:30
    assert rota.in_shift(nairobi, datetime(2026, 12, 8, 2, 0, tzinfo=timezone.utc))  # Tue 05:00
    assert not rota.in_shift(nairobi, datetime(2026, 12, 8, 3, 30, tzinfo=timezone.utc))
    assert not rota.in_shift(nairobi, datetime(2026, 12, 7, 18, 30, tzinfo=timezone.utc))


def _members(session, panel_id: str) -> list[PanelMember]:  # noqa: ANN001
    return list(session.exec(select(PanelMember).where(PanelMember.panel_id == panel_id)
                             .order_by(PanelMember.id)).all())


@pytest.fixture
def panel(db_url: str):  # noqa: ANN201
    with session_scope() as s:
        prog = f.programme(s)
        pnl, reviewers = f.panel(s, prog=prog, members=3, on_call=3)
        spare, _ = f.staff(s, role="reviewer")  # so the panel can lose one and keep its quorum
        admin, _ = f.staff(s, role="admin")
        members = {m.user_id: m.id for m in _members(s, pnl.id)}
        ids = [members[r.id] for r in reviewers]
        for day in range(7):  # 00-12 UTC by one, 15-23 UTC by another (Guatemala 09-17)
            rota.add_shift(s, member_id=ids[0], weekday=day, starts="00:00", ends="12:00",
                           timezone="UTC", actor_id="admin")
            rota.add_shift(s, member_id=ids[1], weekday=day, starts="09:00", ends="17:00",
                           timezone="America/Guatemala", actor_id="admin")  # UTC-6
        rota.add_leave(s, member_id=ids[0], first_day=date(2026, 12, 8),
                       last_day=date(2026, 12, 8), actor_id="admin")
        made = {"panel": pnl.id, "prog": prog.slug, "reviewers": [r.id for r in reviewers],
                "members": ids, "admin": admin.id, "chair": pnl.chair_id, "spare": spare.id}
    yield made


def test_the_sweeper_sets_on_call_from_the_rota_and_warns_of_gaps(panel: dict) -> None:
    r = panel["reviewers"]
    with session_scope() as s:
        result = rota.apply_rotas(s, MONDAY_NOON - timedelta(hours=2))  # Monday 10:00 UTC
    assert result["changed"] == 2  # the second is off shift, the third has none: off call
    with session_scope(read_only=True) as s:
        on = {m.user_id for m in _members(s, panel["panel"]) if m.on_call}
        current = rota.rota_of(s, panel["panel"])
    assert on == {r[0]}
    assert current.on_call(MONDAY_NOON + timedelta(hours=4)) == {r[1]}  # 10:00 in Guatemala
    assert current.on_call(datetime(2026, 12, 8, 10, 0, tzinfo=timezone.utc)) == set()  # leave
    gaps = current.gaps(MONDAY_NOON, timedelta(days=2))
    # Monday 12-15 UTC nobody (she ends at 12, Guatemala starts at 15 UTC); then from 23 UTC
    # to Tuesday 15 UTC, since the first is on leave on Tuesday.
    assert gaps[:2] == [(MONDAY_NOON, MONDAY_NOON + timedelta(hours=3)),
                        (MONDAY_NOON + timedelta(hours=11), MONDAY_NOON + timedelta(hours=27))]
    with session_scope(read_only=True) as s:
        told = s.exec(select(Notice).where(Notice.kind == rota.GAP_NOTICE)).all()
    assert {n.recipient_id for n in told} == {panel["admin"], panel["chair"]}
    with session_scope() as s:
        assert rota.apply_rotas(s, MONDAY_NOON - timedelta(hours=2))["warned"] == 0  # once


def test_bad_shifts_are_refused(panel: dict) -> None:
    with session_scope() as s:
        for kwargs, field in (({"timezone": "Mars/Olympus"}, "timezone"),
                              ({"starts": "25:99"}, "starts"), ({"weekday": 9}, "weekday"),
                              ({"ends": "08:00"}, "ends")):
            args = {"member_id": panel["members"][2], "weekday": 1, "starts": "08:00",
                    "ends": "20:00", "timezone": "UTC", **kwargs}
            with pytest.raises(Invalid) as caught:
                rota.add_shift(s, actor_id="admin", **args)
            assert field in caught.value.fields


def test_a_reviewer_with_shifts_leaves_the_panel(panel: dict) -> None:
    keep = panel["reviewers"][1:] + [panel["spare"]]
    with session_scope() as s:
        set_panel(s, slug=panel["prog"], actor_id="admin", data=PanelIn.model_validate(
            {"members": [{"staff_id": i, "on_call": True} for i in keep]}))
    with session_scope(read_only=True) as s:
        left = s.exec(select(rota.OnCallShift).where(
            rota.OnCallShift.member_id == panel["members"][0])).all()
    assert left == []


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_the_admin_sets_the_rota_from_a_page(sqlite_url: str) -> None:
    with session_scope() as s:
        prog = f.programme(s)
        f.panel(s, prog=prog, members=3, on_call=1)
        admin, secret = f.staff(s, role="admin", email="rota-admin@example.invalid")
        slug, email = prog.slug, admin.email
    from api.app import create_app
    with TestClient(create_app()) as client:
        login = client.get("/staff/login")
        client.post("/staff/login", data={"csrf_token": _csrf(login.text), "email": email,
                                          "password": f.PASSWORD,
                                          "otp": pyotp.TOTP(secret).now()})
        page = client.get(f"/staff/programmes/{slug}/rota")
        assert page.status_code == 200 and "No rota yet" in page.text
        member = re.search(r'<option value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        bad = client.post(f"/staff/programmes/{slug}/rota", data={
            "csrf_token": _csrf(page.text), "action": "shift", "member_id": member,
            "weekday": "2", "starts": "08:00", "ends": "20:00", "timezone": "Mars/Olympus"})
        assert bad.status_code == 422 and "Unknown time zone" in bad.text
        assert 'value="Mars/Olympus"' in bad.text
        ok = client.post(f"/staff/programmes/{slug}/rota", data={
            "csrf_token": _csrf(page.text), "action": "shift", "member_id": member,
            "weekday": "2", "starts": "08:00", "ends": "20:00", "timezone": "Africa/Nairobi"})
        assert ok.status_code == 200 and "Wednesday 08:00–20:00 (Africa/Nairobi)" in ok.text
        assert "Nobody on call in the next 7 days" in ok.text and " UTC</li>" in ok.text
