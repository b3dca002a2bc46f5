"""Issue 14.2: the admin puts a panel on a programme from a page — members, on call, chair —
and a panel that could never reach the quorum is refused with the reason, nothing changed."""
from __future__ import annotations

import re

from models.core.db import session_scope
from models.programmes import repository
from models.programmes.service import panel_json
from tests.programmes.test_pages import _csrf, login, pages  # noqa: F401 - the fixture
from tests.reviews import factories as f


def _panel() -> dict:
    with session_scope(read_only=True) as s:
        return panel_json(s, repository.by_slug(s, "emergency"))  # type: ignore[arg-type]


def test_admin_chooses_the_panel(pages) -> None:  # noqa: ANN001
    client, creds = pages
    with session_scope() as s:
        newcomer = f.staff(s, role="reviewer", email="panel-new@example.invalid")[0].id
    login(client, *creds["caseworker"])
    assert client.get("/staff/programmes/emergency/panel").status_code == 403
    client.cookies.clear()
    login(client, *creds["admin"])
    page = client.get("/staff/programmes/emergency/panel")
    assert page.status_code == 200 and "panel-new@example.invalid" in page.text
    members = re.findall(r'name="member" value="([^"]+)"[^>]*checked', page.text)
    assert len(members) == 3 and newcomer not in members
    too_few = client.post("/staff/programmes/emergency/panel", data={
        "csrf_token": _csrf(page.text), "member": [newcomer], "chair": newcomer})
    assert too_few.status_code == 422 and "smaller than the quorum" in too_few.text
    assert re.search(rf'name="member" value="{newcomer}"[^>]*checked', too_few.text)  # kept
    assert len(_panel()["members"]) == 3  # nothing changed
    chosen = members[:2] + [newcomer]
    saved = client.post("/staff/programmes/emergency/panel", data={
        "csrf_token": _csrf(page.text), "member": chosen, "on_call": [newcomer],
        "chair": newcomer}, follow_redirects=False)
    assert saved.status_code == 303
    after = {m["staff_id"]: m for m in _panel()["members"]}
    assert set(after) == set(chosen)
    assert after[newcomer]["chair"] and after[newcomer]["on_call"]
    assert not after[members[0]]["on_call"]
