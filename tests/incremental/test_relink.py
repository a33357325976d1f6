"""A graph patched after edits to briefings equals the graph linked from scratch, field by field and in order."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_scope import COUNT, EDITS, apply_edits, edited, first_docs, path_of, start

from site_builder.build import site_build
from site_builder.build.options import BuildOptions, load_site_config
from site_builder.build.site_build import Build
from site_builder.graph.site_graph import SiteGraph
from site_builder.incremental.memo import BuildMemo

LOOKED_UP = ("bodies", "page_bodies")  # read by slug only, never in order: they keep the order bodies were made in


def assert_same(patched: SiteGraph, linked: SiteGraph) -> None:
    """Equal values, and mappings in the same key order: pages, lists and the sitemap follow that order."""
    for field in dataclasses.fields(SiteGraph):
        ours, theirs = getattr(patched, field.name), getattr(linked, field.name)
        assert ours == theirs, field.name
        if isinstance(ours, Mapping) and field.name not in LOOKED_UP:
            assert list(ours) == list(theirs), field.name


def linked_memo(build: Build, graph: SiteGraph | None = None) -> BuildMemo:
    """The memo a build leaves after linking, with its graph as rendering would record it."""
    build.memo.graph = graph or build.link()
    return build.memo


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(EDITS, min_size=1, max_size=3), min_size=1, max_size=5), st.booleans())
@example([[("rename", 0, 0), ("delete", 0, 0)]], False)  # renamed-00.md came and went: it changed nothing
def test_patched_graphs_equal_linked_ones(rounds: list[list[tuple[str, int, int]]], drafts: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        docs = first_docs()
        site = start(Path(tmp) / "site", docs)
        # A topic with a file of its own, whose title orders actor tallies differently from its slug; the
        # others exist while a briefing names them.
        (site / "content/topics").mkdir()
        (site / "content/topics/nuclear.yaml").write_text("title: Arms control\n", encoding="utf-8")
        config = load_site_config(site, BuildOptions())
        memo = linked_memo(Build(config, drafts=drafts))
        where: list[str | None] = [path_of(n) for n in range(COUNT)]
        for edits in rounds:
            build = Build(config, drafts=drafts, memo=memo, changed=apply_edits(site, where, docs, edits))
            patched = build.link()
            assert build.memo.edited is not None  # only briefings changed: patched, never linked again
            linked = Build(config, drafts=drafts).link()
            assert_same(patched, linked)
            memo = linked_memo(build, patched)


def test_a_change_to_an_actor_links_everything_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = first_docs()
    site = start(tmp_path / "site", docs)
    config = load_site_config(site, BuildOptions())
    memo = linked_memo(Build(config))
    calls: list[object] = []
    original = site_build.build_graph

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(site_build, "build_graph", counted)
    (site / "content/actors/un.yaml").write_text("name: United Nations\ntype: organization\naliases: [U.N.]\n",
                                                 encoding="utf-8")
    (site / path_of(2)).write_text(edited(docs[2], "date", 3).text(), encoding="utf-8")
    build = Build(config, memo=memo, changed=["content/actors/un.yaml", path_of(2)])
    build.link()
    assert build.memo.edited is None and len(calls) == 1
