"""Programmes, their versions and panels (CONTRACT.md "Programmes, panels and staff").

Admins create and change programmes; caseworkers read them. Every change is a new version
kept whole with who and why (models/programmes/service.py). Addition to CONTRACT.md:
`GET /programmes/{slug}/versions` and `GET /programmes/{slug}/panel`.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.auth import require_roles
from api.deps import SessionDep
from models.core.errors import NotFound
from models.people.tables import StaffUser
from models.programmes import repository
from models.programmes.schemas import PanelIn, ProgrammeIn, ProgrammePatch
from models.programmes.service import (change_programme, create_programme, panel_json,
                                       programme_json, set_panel, version_json)
from models.programmes.tables import Programme

router = APIRouter(tags=["programmes"])
Admin = Annotated[StaffUser, Depends(require_roles("admin"))]
Reader = Annotated[StaffUser, Depends(require_roles("admin", "caseworker"))]


def _programme(session: SessionDep, slug: str) -> Programme:
    programme = repository.by_slug(session, slug)
    if programme is None:
        raise NotFound("unknown programme")
    return programme


@router.get("/programmes", summary="Every programme, active or not, with its current rules")
def list_programmes(session: SessionDep, user: Reader) -> dict:
    return {"items": [programme_json(p) for p in repository.programmes(session)]}


@router.post("/programmes", status_code=201, summary="Create a programme (version 1)")
def add_programme(body: ProgrammeIn, session: SessionDep, user: Admin) -> dict:
    programme = create_programme(session, data=body, actor_id=user.id)
    session.commit()
    return {"slug": programme.slug, "version": programme.version}


@router.get("/programmes/{slug}", summary="One programme's current rules, with its version")
def one_programme(slug: str, session: SessionDep, user: Reader) -> dict:
    return programme_json(_programme(session, slug))


@router.patch("/programmes/{slug}", summary="Change rules: a new version, with a reason")
def patch_programme(slug: str, body: ProgrammePatch, session: SessionDep, user: Admin) -> dict:
    programme = change_programme(session, slug=slug, data=body, actor_id=user.id)
    session.commit()
    return {"slug": programme.slug, "version": programme.version}


@router.get("/programmes/{slug}/versions", summary="Every version: rules, who, why, when")
def programme_versions(slug: str, session: SessionDep, user: Reader) -> dict:
    programme = _programme(session, slug)
    return {"items": [version_json(v) for v in repository.versions(session, programme.id)]}


@router.get("/programmes/{slug}/panel", summary="The programme's review panel")
def get_panel(slug: str, session: SessionDep, user: Reader) -> dict:
    return panel_json(session, _programme(session, slug))


@router.put("/programmes/{slug}/panel", summary="Replace the panel: members, on call, chair")
def put_panel(slug: str, body: PanelIn, session: SessionDep, user: Admin) -> dict:
    answer = set_panel(session, slug=slug, data=body, actor_id=user.id)
    session.commit()
    return answer
