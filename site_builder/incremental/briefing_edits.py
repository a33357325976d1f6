"""Which kind of edit to briefings a rebuild follows: what changed, whether only text, whether the graph is patched."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import TypeVar

from site_builder.bodies.packed import RenderedBody
from site_builder.content.loader import Model
from site_builder.core.models import Briefing, Page
from site_builder.graph.site_graph import SiteGraph, briefing_actor_list

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




