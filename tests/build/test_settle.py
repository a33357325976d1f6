"""The heap of a builder that rebuilds: collected and frozen after a full build, left alone after a scoped one."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import briefing, write_site

import site_builder.build.builder as build_module
from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions, BuildPolicy
from site_builder.core.processes import settle


class Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    other: object = None


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """Leave the test process's collector as it was found."""
    yield
    gc.unfreeze()


def test_settle_collects_cycles_then_freezes_what_is_left() -> None:
    kept = Node()
    cycle, later = Node(), Node()
    cycle.other, later.other = cycle, later
    gone, frozen = weakref.ref(cycle), weakref.ref(later)
    del cycle
    settle()
    assert gone() is None  # only a collection frees a cycle
    assert all(o is not kept and o is not later for o in gc.get_objects())  # frozen: collections skip them
    del later  # a frozen object in a cycle becomes garbage, as the last build's state does
    gc.collect()
    assert frozen() is not None  # a collection does not see it
    settle()  # the next full build unfreezes before collecting
    assert frozen() is None


def test_a_builder_settles_after_full_builds_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(build_module, "SETTLE_PAGES", 0)
    monkeypatch.setattr(build_module, "settle", lambda: calls.append(1))
    files = {"content/actors/kim.yaml": "name: Kim Yo Jong\ntype: person\n",
             "content/briefings/2023-01-10-a.md": briefing("A", "2023-01-10", "Kim Yo Jong spoke."),
             "content/briefings/2023-01-11-b.md": briefing("B", "2023-01-11", "Nothing new.")}
    site = write_site(tmp_path / "site", files)
    builder = Builder(site)
    builder.build()
    assert len(calls) == 1
    (site / "content/briefings/2023-01-11-b.md").write_text(briefing("B, retitled", "2023-01-11", "Nothing new."))
    builder.rebuild(["content/briefings/2023-01-11-b.md"])
    assert len(calls) == 1  # a scoped rebuild replaces a few objects: reference counting frees them
    (site / "content/actors/kim.yaml").write_text("name: Kim Yo Jong\ntype: person\naliases: [Kim]\n")
    builder.rebuild(["content/actors/kim.yaml"])
    assert len(calls) == 2  # an actor edit plans every page and replaces the graph


def test_small_sites_and_one_shot_builds_do_not_settle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(build_module, "settle", lambda: calls.append(1))
    site = write_site(tmp_path / "site", {"content/briefings/2023-01-10-a.md": briefing("A", "2023-01-10")})
    Builder(site).build()  # far below SETTLE_PAGES: a full collection of its state costs next to nothing
    monkeypatch.setattr(build_module, "SETTLE_PAGES", 0)
    Builder(site, BuildOptions(out_dir=tmp_path / "out"), policy=BuildPolicy(rebuilds=False)).build()  # no rebuild follows
    assert calls == []
