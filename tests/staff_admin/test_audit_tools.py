"""Issue 14.5, the audit viewer's tools: filter by who did it, verify the chain now (audited),
and export one case's events as CSV with ids and actions only."""
from __future__ import annotations

import csv
import io

from tests.staff_admin.test_pages import _admin, _csrf, login


def test_filter_by_actor_verify_and_export(fund) -> None:  # noqa: ANN001
    client, people = _admin(fund)
    target = people["reviewer"][0]
    page = client.get(f"/staff/audit?actor=system&entity_id={target}")
    assert page.status_code == 200 and "No events." not in page.text  # made by the system
    assert "No events." in client.get(f"/staff/audit?actor={people['admin'][0]}"
                                      f"&entity_id={target}").text  # not by the admin yet
    assert 'action="/staff/audit/export"' in page.text and f'value="{target}"' in page.text
    r = client.post(f"/staff/users/{target}/role", data={"csrf_token": _csrf(page.text),
                                                          "role": "caseworker"})
    assert r.status_code in (200, 303)
    by_admin = client.get(f"/staff/audit?actor={people['admin'][0]}&entity_id={target}")
    assert "No events." not in by_admin.text  # now she changed the role
    export = client.post("/staff/audit/export", data={"csrf_token": _csrf(page.text),
                                                      "entity_id": target})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0] == ["seq", "at", "actor", "action", "entity", "entity_id"]
    assert len(rows) >= 3 and all(row[5] == target for row in rows[1:])
    assert "@" not in export.text  # ids and actions only: no e-mail
    verified = client.post("/staff/audit/verify", data={"csrf_token": _csrf(page.text)})
    assert verified.status_code == 200 and "The chain verifies" in verified.text
    assert "audit.verified" in client.get("/staff/audit?action=audit.").text
    assert client.post("/staff/audit/verify", data={}).status_code == 403  # no CSRF token


def test_other_roles_refused(fund) -> None:  # noqa: ANN001
    client, people = fund
    login(client, people["caseworker"][1], people["caseworker"][2])
    token = _csrf(client.get("/staff/").text)
    assert client.post("/staff/audit/export", data={"csrf_token": token,
                                                    "entity_id": people["admin"][0]}).status_code == 403
    assert client.post("/staff/audit/verify", data={"csrf_token": token}).status_code == 403
