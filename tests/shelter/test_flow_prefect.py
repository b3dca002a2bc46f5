"""The `match-shelter` flow on Prefect's test harness, as the dispatcher starts it."""
from __future__ import annotations

from sqlmodel import select

from models.core.db import session_scope
from models.core.notices import Notice
from models.people.service import create_user
from tests.shelter.factories import make_application, make_shelter


def test_match_shelter_flow_runs_on_prefect(sqlite_url, prefect_harness) -> None:  # noqa: ANN001
    from flows.registry import resolve

    with session_scope() as session:
        create_user(session, email="sc@example.com", role="shelter_coordinator")
        make_shelter(session, beds=1)
        fits = make_application(session, phone="+00 000 0701").id
        too_big = make_application(session, phone="+00 000 0702",
                                   request={"people": 3, "children": 1}).id
    result = resolve("match-shelter")([too_big, fits, "unknown-id"])
    assert result == {"matched": 1, "no_match": 1}  # unknown ids are dropped
    with session_scope() as session:
        kinds = {n.application_id: n.kind for n in session.exec(select(Notice)).all()}
    assert kinds == {fits: "shelter_matches", too_big: "shelter_no_match"}
