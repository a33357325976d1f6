"""The example desk: it builds, shows every kind of page and cross-link, and matches the golden tree.

Set UPDATE_GOLDEN=1 to rewrite tests/golden/ after an intended change, then review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import read_tree

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions
from site_builder.build.options import load_site_config as config_of
from site_builder.build.site_build import Build

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
SEED = "briefings/north-korea-denies-arms-dealing-with-russia/index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example")
    Builder(REPO, BuildOptions(out_dir=out, cache=False)).build()
    return out


def generated(tree: dict[str, bytes]) -> dict[str, bytes]:
    """Everything except static assets copied verbatim from the theme and site, and the search index.

    The index is Pagefind's binary bundle (its own scripts and WebAssembly included); tests/search/test_pagefind.py
    checks what is in it and that it is reproducible.
    """
    return {k: v for k, v in tree.items() if not k.startswith(("css/", "js/", "img/", "pagefind/"))}


def test_matches_golden_tree(built: Path) -> None:
    actual = generated(read_tree(built))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = read_tree(GOLDEN)
    assert sorted(actual) == sorted(expected)
    changed = [rel for rel in sorted(actual) if actual[rel] != expected[rel]]
    assert changed == [], "output differs from tests/golden (UPDATE_GOLDEN=1 to accept)"


def test_desk_is_real_and_complete() -> None:
    rendered = Build(config_of(REPO, BuildOptions())).render_site()
    graph = rendered.graph
    assert len(graph.briefings) >= 7
    assert len(graph.actors) >= 15 and len(graph.topics) >= 3
    types = {a.type for a in graph.actors.values()}
    assert {"person", "state", "organization", "armed-group"} <= types
    assert any(a.aliases for a in graph.actors.values()) and any(a.roles for a in graph.actors.values())
    assert any(a.relations for a in graph.actors.values())
    assert len({b.date.date() for b in graph.briefings}) >= 7  # different dates: timelines mean something
    assert all(graph.related[b.slug] for b in graph.briefings)  # every briefing has related briefings


def test_seed_briefing_is_cleaned(built: Path) -> None:
    source = (REPO / "content/briefings/2023-01-29-north-korea-denies-arms-dealing-with-russia.md").read_text()
    front, body = source.split("\n---\n", 1)
    assert "dateline: Seoul" in front and "agency: AFP" in front
    for furniture in ("World News", "Released:", "Changed:", "Seoul (AFP)", "Related Articles", "Leave a Reply",
                      "Required fields", "Back to top"):
        assert furniture not in body
    assert "tarnish [North Korea’s] image" in body
    html = (built / SEED).read_text()
    assert re.search(r"<h1[^>]*>North Korea denies arms dealing with Russia</h1>", html)


def test_cross_links_exist(built: Path) -> None:
    seed = (built / SEED).read_text()
    for actor in ("north-korea", "wagner-group", "kim-yo-jong", "john-kirby", "jens-stoltenberg"):
        assert f'data-actor="{actor}"' in seed
    profile = (built / "actors/kim-yo-jong/index.html").read_text()
    assert "north-korea-denies-arms-dealing-with-russia/" in profile
    assert "kim-jong-un/" in profile  # relation
    for page in ("topics/wagner-group/index.html", "archive/2023/index.html", "index.html", "briefings/index.html"):
        assert "north-korea-denies-arms-dealing-with-russia/" in (built / page).read_text(), page


def test_internal_links_resolve(built: Path) -> None:
    """Every relative href and src in every page points at a file of the build."""
    broken = []
    for page in sorted(built.rglob("*.html")):
        if page.name == "404.html":
            continue
        for target in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text()):
            if re.match(r"^[a-z]+:", target):
                continue
            resolved = (page.parent / target).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{page.relative_to(built)} -> {target}")
    assert broken == []
