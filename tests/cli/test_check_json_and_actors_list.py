"""`check --format json` gives one object per finding for editors and CI; `actors list` lists the desk's actors."""

from __future__ import annotations

import json

import pytest
from conftest import DESK_ACTOR_FILES, SiteFactory, briefing

from site_builder.cli.main import main

ACTORS = DESK_ACTOR_FILES


def test_check_json_gives_one_object_per_finding(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({**ACTORS, "content/briefings/2023-01-29-a.md": briefing(body="See [the plan](/nowhere/)."),
                      "content/briefing/2023-01-30-b.md": briefing()})
    assert main(["check", str(site), "--format", "json"]) == 1
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert found[0] == {"path": "content/briefing/", "line": 0, "column": 0, "severity": "warning",
                        "message": "unknown folder; its files are not read",
                        "hint": "did you mean content/briefings/?"}
    assert [(f["path"], f["severity"], f["message"]) for f in found[1:]] == [
        ("briefings/a/index.html", "error", "broken link to /nowhere/")]
    assert found[1]["line"] > 0


def test_check_json_reports_content_errors_too(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({**ACTORS, "content/briefings/2023-01-29-a.md": briefing(actors="[nobody]")})
    assert main(["check", str(site), "--format", "json"]) == 1
    (finding,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert finding["path"] == "content/briefings/2023-01-29-a.md" and finding["severity"] == "error"
    assert finding["message"] == "unknown actor 'nobody' in 'actors'"


def test_actors_list_shows_each_actor_with_its_briefings(make_site: SiteFactory,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({**ACTORS, "content/briefings/2023-01-29-a.md": briefing(body="Kim Jong Un met Wagner."),
                      "content/briefings/2023-01-30-b.md": briefing(date="2023-01-30", body="Wagner again.")})
    assert main(["actors", "list", str(site)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["id", "name", "type", "briefings"]
    assert {row[0]: row[-1] for row in rows[1:]} == {"kim": "1", "kyj": "0", "nk": "0", "wagner": "2"}
    assert rows[-1][:3] == ["wagner", "Wagner", "Group"] and rows[-1][3] == "armed-group"
