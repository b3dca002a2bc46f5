"""Issue 14: the console's JSON API — the on-call rota (shifts, leave, gaps), a reviewer's
declared conflicts, a person's recovery codes; admin only, bad input refused with the field."""
from __future__ import annotations

from fastapi.testclient import TestClient

from models.core.db import session_scope
from models.people.login import sign_in
from tests.reviews import factories as f
from tests.staff_admin.conftest import bearer


def test_rota_conflicts_and_recovery_codes_over_the_api(db_url: str) -> None:
    with session_scope() as s:
        prog = f.programme(s)
        _, reviewers = f.panel(s, prog=prog, members=3, on_call=1)
        admin = f.staff(s, role="admin")[0]
        worker = f.staff(s, role="caseworker", email="api-console-cw@example.invalid")[0]
        ids = {"admin": admin.id, "worker": worker.id, "rev": reviewers[0].id, "slug": prog.slug}
    from api.app import create_app
    with TestClient(create_app()) as client:
        api, slug = "/api/v1", ids["slug"]
        as_admin, as_worker = bearer(ids["admin"]), bearer(ids["worker"])
        assert client.get(f"{api}/programmes/{slug}/rota", headers=as_worker).status_code == 403
        assert client.get(f"{api}/programmes/{slug}/rota", headers=as_admin).json()["gaps"] == []
        shift = {"staff_id": ids["rev"], "weekday": 2, "starts": "08:00", "ends": "20:00",
                 "timezone": "Mars/Olympus"}
        bad = client.post(f"{api}/programmes/{slug}/rota/shifts", json=shift, headers=as_admin)
        assert bad.status_code == 422 and "timezone" in bad.json()["error"]["fields"]
        made = client.post(f"{api}/programmes/{slug}/rota/shifts", headers=as_admin,
                           json={**shift, "timezone": "Africa/Nairobi"})
        assert made.status_code == 201
        leave = client.post(f"{api}/programmes/{slug}/rota/leave", headers=as_admin, json={
            "staff_id": ids["rev"], "first_day": "2026-12-24", "last_day": "2026-12-26"})
        assert leave.status_code == 201
        shown = client.get(f"{api}/programmes/{slug}/rota", headers=as_admin).json()
        assert len(shown["shifts"]) == 1 and len(shown["leave"]) == 1 and shown["gaps"]
        assert client.delete(f"{api}/rota/shifts/{made.json()['id']}",
                             headers=as_admin).status_code == 204
        declared = client.post(f"{api}/staff/{ids['rev']}/conflicts", headers=as_admin,
                               json={"kind": "country", "value": "zz"})
        assert declared.status_code == 201
        listed = client.get(f"{api}/staff/{ids['rev']}/conflicts", headers=as_admin).json()
        assert [(c["kind"], c["value"]) for c in listed["items"]] == [("country", "zz")]
        assert client.post(f"{api}/staff/{ids['rev']}/conflicts", headers=as_admin,
                           json={"kind": "planet", "value": "x"}).status_code == 422
        codes = client.post(f"{api}/staff/{ids['worker']}/recovery-codes",
                            headers=as_admin).json()["codes"]
        assert len(codes) == 10
        assert client.post(f"{api}/staff/{ids['worker']}/recovery-codes",
                           headers=as_worker).status_code == 403
    assert sign_in(client="198.51.100.21", email="api-console-cw@example.invalid",
                   password=f.PASSWORD, otp=codes[0]).id == ids["worker"]
