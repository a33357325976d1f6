"""The benchmark's edit steps change what they say, keep the rest of the briefing, and restore it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bench.child import NEW_FILE, edited_text, new_briefing, newest_date, run_builds
from bench.corpus import generate_corpus


def front_matter(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(text.split("---\n", 2)[1])
    return data


def test_edit_steps_change_one_field_each(tmp_path: Path) -> None:
    site = tmp_path / "desk"
    generate_corpus(site, briefings=12, actors=6, seed=2)
    path = sorted((site / "content" / "briefings").rglob("*.md"))[3]
    original = path.read_text(encoding="utf-8")
    before = front_matter(original)

    titled = front_matter(edited_text("title", original, site))
    assert titled["title"] == f"{before['title']} (revised)"
    assert {k: v for k, v in titled.items() if k != "title"} == {k: v for k, v in before.items() if k != "title"}

    moved = front_matter(edited_text("topics", original, site))
    added = [t for t in moved["topics"] if t not in before["topics"]]
    assert len(added) == 1 and (site / "content" / "topics" / f"{added[0]}.yaml").is_file()
    assert {k: v for k, v in moved.items() if k != "topics"} == {k: v for k, v in before.items() if k != "topics"}

    assert edited_text("edit", original, site).startswith(original)

    newest = newest_date(site / "content" / "briefings")
    fresh = front_matter(new_briefing(original, newest))
    assert fresh["date"] == yaml.safe_load(newest) and "slug" not in fresh and fresh["title"] != before["title"]
    dates = [front_matter(p.read_text(encoding="utf-8"))["date"] for p in (site / "content" / "briefings").rglob("*.md")]
    assert str(fresh["date"]) == max(map(str, dates))  # ISO dates and times sort as text
    assert {k: v for k, v in fresh.items() if k not in ("title", "date")} == {
        k: v for k, v in before.items() if k not in ("title", "date", "slug")}


def test_edit_steps_rebuild_and_restore_the_file(tmp_path: Path) -> None:
    site = tmp_path / "desk"
    generate_corpus(site, briefings=12, actors=6, seed=2)
    path = sorted((site / "content" / "briefings").rglob("*.md"))[3]
    original = path.read_bytes()
    out = tmp_path / "out"
    report = run_builds(site, out, ["warm", "edit", "title", "topics", "new"], path)
    steps = {s["step"]: s for s in report["steps"]}
    assert all(steps[name]["call"] == "rebuild" for name in ("edit", "title", "topics", "new"))
    assert all(steps[name]["result"]["report"]["written"] > 0 for name in ("edit", "title", "topics", "new"))
    assert (out / "briefings/bench-new-briefing/index.html").is_file()
    assert path.read_bytes() == original and not path.with_name(NEW_FILE).exists()  # also after the last step


def test_a_new_briefing_comes_and_goes(tmp_path: Path) -> None:
    site = tmp_path / "desk"
    generate_corpus(site, briefings=12, actors=6, seed=2)
    path = sorted((site / "content" / "briefings").rglob("*.md"))[3]
    out = tmp_path / "out"
    report = run_builds(site, out, ["warm", "new", "delete"], path)
    steps = {s["step"]: s for s in report["steps"]}
    assert steps["new"]["call"] == steps["delete"]["call"] == "rebuild"
    assert steps["delete"]["result"]["report"]["removed"] >= 1
    assert not (out / "briefings/bench-new-briefing").exists() and not path.with_name(NEW_FILE).exists()
