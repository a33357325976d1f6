"""What a rebuild can take from the last good build: bodies of unchanged files, and the graph after body-only edits."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from typing import TypeVar

from site_builder.actors.matcher import Matcher
from site_builder.bodies.packed import RenderedBody
from site_builder.content.loader import Model
from site_builder.core.config import Config
from site_builder.core.models import Briefing, Content, Page
from site_builder.graph.site_graph import SiteGraph, briefing_actor_list
from site_builder.incremental.bodies import BodyReport, MemoEntry, render_bodies
from site_builder.incremental.store import DiskStore

T = TypeVar("T", Briefing, Page)


def text_edits(edited: Mapping[str, tuple[Briefing | None, Briefing | None]]) -> dict[str, Briefing] | None:
    """The edited briefings by path (see `briefing_edits`), when every edit kept what places a briefing
    in lists; else None.

    Body and text fields (title, summary, key points, sources, dateline, agency) may change; the
    slug, dates, topics, actors and draft state may not, and no file may come or go.
    """
    kept: dict[str, Briefing] = {}
    for rel, (old, new) in edited.items():
        if old is None or new is None or _placing(old) != _placing(new):
            return None
        kept[rel] = new
    return kept


def briefing_edits(before: Mapping[str, Model], after: Mapping[str, Model],
                   changed: Collection[str]) -> dict[str, tuple[Briefing | None, Briefing | None]] | None:
    """The changed briefing files by path, before and after (None where a file was not there), when only
    briefing files changed.

    With actors, topics and pages as they were, the site's links change only through these
    briefings: created, deleted, renamed or edited in anything, a draft flag included. None
    otherwise: a change to anything but a briefing, or a file that came or went unannounced.
    `changed` holds content files only (briefings, actors, topics, pages): one in neither mapping
    came and went between the two builds, and changed nothing.
    """
    if not (before.keys() ^ after.keys()) <= set(changed):
        return None
    edited: dict[str, tuple[Briefing | None, Briefing | None]] = {}
    for rel in changed:
        old, new = before.get(rel), after.get(rel)
        if old is None and new is None:
            continue
        if not isinstance(old, Briefing | None) or not isinstance(new, Briefing | None):
            return None
        edited[rel] = (old, new)
    return edited


def _placing(b: Briefing) -> Briefing:
    """A briefing with its text fields blanked: what is left decides where it is listed and linked."""
    return replace(b, body="", body_line=0, title="", summary="", key_points=(), sources=(), dateline="",
                   agency="", actor_lines=(), extra={})


def relinkable(graph: SiteGraph, edited: Mapping[str, Briefing],
               bodies: Mapping[str, RenderedBody]) -> dict[str, tuple[Briefing, RenderedBody]] | None:
    """Edited briefings of the graph with their new bodies, when each body keeps its actors in order.

    The actor list (mentions by first appearance, then front matter) decides cards, profiles,
    co-mentions and related briefings; with it unchanged the graph can be patched instead of linked.
    Drafts left out of the site are not in the graph and need nothing.
    """
    out: dict[str, tuple[Briefing, RenderedBody]] = {}
    for b in edited.values():
        if b.slug not in bodies:
            if b.slug in graph.by_slug:
                return None
            continue
        body = bodies[b.slug]
        if graph.briefing_actors.get(b.slug) != briefing_actor_list(b, body):
            return None
        out[b.slug] = (b, body)
    return out


Bodies = tuple[dict[str, RenderedBody], dict[str, RenderedBody], dict[str, MemoEntry], BodyReport]


def render_changed_bodies(config: Config, content: Content, matcher: Matcher, memo: Mapping[str, MemoEntry],
                          changed: Collection[str], cache: DiskStore, progress: Callable[[int], None],
                          detail: bool = False, processes: int | None = None) -> Bodies:
    """Like render_bodies, but the body of a file that did not change is taken from the memo as it is.

    The memo must come from a build with the same config and alias registry: then an unchanged file
    has the same text, line and page, hence the same body, and hashing thousands of bodies to find
    that out is most of a small rebuild.
    """
    def split(items: tuple[T, ...]) -> tuple[list[T], list[T]]:
        """The items whose body is kept, and the rest; one pass, as it runs on every save."""
        same: list[T] = []
        other: list[T] = []
        for item in items:
            (same if item.path not in changed and item.path in memo else other).append(item)
        return same, other

    same_briefings, other_briefings = split(content.briefings)
    same_pages, other_pages = split(content.pages)
    rest = replace(content, briefings=tuple(other_briefings), pages=tuple(other_pages))
    bodies, page_bodies, new_memo, report = render_bodies(config, rest, matcher, memo, cache, progress, detail,
                                                          processes)
    bodies.update((b.slug, memo[b.path][1]) for b in same_briefings)
    page_bodies.update((p.slug, memo[p.path][1]) for p in same_pages)
    new_memo.update((b.path, memo[b.path]) for b in same_briefings)
    new_memo.update((p.path, memo[p.path]) for p in same_pages)
    progress(len(same_briefings) + len(same_pages))
    return bodies, page_bodies, new_memo, replace(report, reused=report.reused + len(same_briefings) + len(same_pages))
