"""New-actor suggestions: unclaimed capitalised names, titles split off, known names masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SiteFactory, briefing

from site_builder.build.options import BuildOptions, load_site_config
from site_builder.build.site_build import Build
from site_builder.cli.main import main
from site_builder.graph.suggestions import suggest

REPO = Path(__file__).resolve().parents[2]


def names(site: Path) -> dict[str, int]:
    graph = Build(load_site_config(site, BuildOptions()), drafts=True, detail=True).link()
    return {s.name: s.count for s in suggest(graph)}


def test_unclaimed_names_with_titles_split_off(make_site: SiteFactory) -> None:
    site = make_site({
        "content/actors/nato.yaml": "name: NATO\ntype: organization\n",
        "content/actors/us.yaml": "name: United States\ntype: state\naliases: [U.S.]\n",
        "content/briefings/a.md": briefing(body=(
            "NATO Secretary General Mark Rutte met Foreign Minister Cho Tae-yul in Seoul. "
            "The U.S. Army and Mark Rutte’s staff attended. On Monday, President Lee Jae-myung spoke.")),
    })
    found = names(site)
    assert found["Mark Rutte"] == 2
    assert found["Cho Tae-yul"] == 1 and found["Lee Jae-myung"] == 1
    assert found["U.S. Army"] == 1 and found["Seoul"] == 1
    assert "NATO" not in found and "Secretary General" not in found and "On Monday" not in found
    assert "On" not in found and "The" not in found


def test_only_a_detail_build_keeps_block_text(make_site: SiteFactory) -> None:
    site = make_site({"content/briefings/a.md": briefing(body="Mark Rutte spoke.")})
    config = load_site_config(site, BuildOptions())
    built = Build(config, drafts=True).link()
    with pytest.raises(LookupError):
        built.bodies["a"].detail()
    analysed = Build(config, drafts=True, detail=True).link()
    assert [b.text for b in analysed.bodies["a"].blocks] == ["Mark Rutte spoke."]
    assert analysed.bodies["a"].html == built.bodies["a"].html


def test_example_desk_finds_names_from_the_seed_without_actor_files() -> None:
    found = names(REPO)
    for name in ("Syria", "Lugansk", "Donetsk", "U.S. Army"):
        assert name in found, name
    assert not {"Kim Jong Un", "North Korea", "Wagner Group", "John Kirby"} & set(found)


def test_command_prints_most_frequent_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actors", "suggest", str(REPO), "--limit", "5"]) == 0
    out = capsys.readouterr().out.splitlines()
    counts = [int(line.split()[0]) for line in out if not line.startswith(" " * 7)]
    assert len(counts) == 5 and counts == sorted(counts, reverse=True)
