"""Relocations: one defender only; one timeline, public form without actors."""
from __future__ import annotations

import pytest

from models.applications.public import status_of
from models.core.errors import Conflict, Invalid, NotFound
from models.relocation.service import create_relocation
from models.relocation.views import relocation_view
from models.hooks import install

install()  # the cross-area hooks, as the app installs them
from models.visas import service as visas
from tests.shelter.factories import make_application


def test_links_the_same_defender_and_shows_one_timeline(session) -> None:
    visa = make_application(session, kind="visa", phone="+00 000 0401")
    shelter = make_application(session, phone="+00 000 0401")
    relocation = create_relocation(session=session, actor_id="u1", application_ids={
        "visa": visa.id, "shelter": shelter.id})
    visas.review(session=session, application_id=visa.id, decision="approve",
                 actor_id="vo1", actor_role="visa_officer")
    session.flush()
    view = relocation_view(session, relocation)
    parts = [(e["part"], e["status"]) for e in view["timeline"]]
    assert ("visa", "documents") in parts and ("shelter", "matching") in parts
    steps = status_of(session=session, application=shelter)["next_steps"]
    public = next(s for s in steps if s["code"] == "relocation_timeline")["timeline"]
    assert public and all("actor" not in e for e in public)
    with pytest.raises(Conflict):  # an application belongs to one relocation only
        create_relocation(session=session, actor_id="u1", application_ids={
            "visa": visa.id, "shelter": shelter.id})


def test_refuses_other_people_wrong_kinds_and_single_links(session) -> None:
    visa = make_application(session, kind="visa", phone="+00 000 0501")
    other = make_application(session, phone="+00 000 0502")
    with pytest.raises(Conflict):
        create_relocation(session=session, actor_id="u1", application_ids={
            "visa": visa.id, "shelter": other.id})
    with pytest.raises(NotFound):
        create_relocation(session=session, actor_id="u1", application_ids={
            "visa": other.id, "shelter": visa.id})
    with pytest.raises(Invalid):
        create_relocation(session=session, actor_id="u1", application_ids={"visa": visa.id})
