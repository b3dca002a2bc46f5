"""`amparo programme list` and `amparo programme show SLUG` (CONTRACT.md, command line)."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app
from models.core.db import session_scope
from models.programmes.schemas import ProgrammePatch
from models.programmes.service import change_programme
from tests.reviews import factories as f

runner = CliRunner()


def test_list_and_show(sqlite_url: str) -> None:
    with session_scope() as s:
        prog = f.programme(s)
        _, reviewers = f.panel(s, prog=prog, members=3)
        admin, _ = f.staff(s, role="admin")
        change_programme(s, slug="emergency", actor_id=admin.id,
                         data=ProgrammePatch(cap=12000, reason="board decision"))
    listed = runner.invoke(app, ["programme", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.split("\t")[:4] == ["emergency", "v2", "active", "EUR 12000"]
    shown = runner.invoke(app, ["programme", "show", "emergency"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["cap"] == 12000 and data["version"] == 2 and data["quorum"] == 3
    assert data["panel"]["active_reviewers"] == 3
    assert [m["chair"] for m in data["panel"]["members"]].count(True) == 1
    assert [(v["number"], v["reason"]) for v in data["versions"]] == [
        (1, "seeded"), (2, "board decision")]
    missing = runner.invoke(app, ["programme", "show", "nope"])
    assert missing.exit_code == 2
