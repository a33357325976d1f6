"""Which pages an edit can change, when it keeps every briefing's date, topics and actors.

A body shows on its briefing page, in feeds with full content, and on the profiles of the actors
it involves: the excerpts on the timeline page that lists it, the quotes on the first page, the
mention count on every page. Mention counts also show on the home page, the actors index and the
pages of the briefing's topics. A card (title, summary, dateline, agency) shows wherever the
briefing is listed: its neighbours' and related briefings' pages, the list pages and feeds that
hold it. With dates, topics and actors unchanged, no briefing moves in or out of any list, so
nothing else can change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .config import Config
from .graph import SiteGraph
from .models import Briefing

Numbers = frozenset[int] | None  # page numbers of a paginated list; None: every page


@dataclass(frozen=True)
class Scope:
    """The pages to plan again; the rest stand as the last build left them."""

    briefings: frozenset[str] = frozenset()
    profiles: Mapping[str, Numbers] = field(default_factory=dict)  # actor id -> its profile pages
    actor_feeds: frozenset[str] = frozenset()
    topics: Mapping[str, Numbers] = field(default_factory=dict)  # topic slug -> its pages
    topic_feeds: frozenset[str] = frozenset()
    lists: frozenset[int] = frozenset()  # pages of the list of all briefings
    years: frozenset[int] = frozenset()  # archive years (and the archive index, when it lists briefings)
    home: bool = False
    actors_index: bool = False
    site_feed: bool = False


def card_fields(b: Briefing) -> tuple[str, str, str, str]:
    """What a briefing's card shows besides its date, topics and actors."""
    return b.title, b.summary, b.dateline, b.agency


@dataclass
class _Collect:
    config: Config
    graph: SiteGraph
    briefings: set[str] = field(default_factory=set)
    profiles: dict[str, set[int] | None] = field(default_factory=dict)
    actor_feeds: set[str] = field(default_factory=set)
    topics: dict[str, set[int] | None] = field(default_factory=dict)
    topic_feeds: set[str] = field(default_factory=set)
    lists: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    home: bool = False
    actors_index: bool = False
    site_feed: bool = False

    @staticmethod
    def _add(pages: dict[str, set[int] | None], key: str, number: int | None) -> None:
        """Page `number` of a list, or every page when None."""
        if number is None:
            pages[key] = None
            return
        found = pages.setdefault(key, set())
        if found is not None:
            found.add(number)

    def _page(self, actor_id: str, slug: str) -> int:
        """The page of an actor's timeline that lists the briefing."""
        return self.graph.actor_briefings[actor_id].index(slug) // self.config.pagination.timeline + 1

    def body(self, before: SiteGraph, slug: str) -> None:
        """Pages that show a body: excerpts, quotes, mention counts and full-content feeds."""
        graph = self.graph
        self.briefings.add(slug)
        old, new = before.mention_counts(slug), graph.mention_counts(slug)
        if old != new:
            self.home = self.actors_index = True
            for topic in graph.by_slug[slug].topics:
                self._add(self.topics, topic, None)
        if self.config.feeds.full_content:
            self.feeds(slug)
        for actor_id in graph.briefing_actors[slug]:
            self._add(self.profiles, actor_id, None if old[actor_id] != new[actor_id] else self._page(actor_id, slug))
            if before.quotes.get(actor_id) != graph.quotes.get(actor_id):
                self._add(self.profiles, actor_id, 1)

    def card(self, slug: str) -> None:
        """Pages that list a briefing: they show its card."""
        graph, config = self.graph, self.config
        index = next(i for i, b in enumerate(graph.briefings) if b.slug == slug)
        neighbours = graph.briefings[max(index - 1, 0):index + 2]
        self.briefings.update(b.slug for b in neighbours)
        self.briefings.update(other for other, related in graph.related.items() if any(r.slug == slug for r in related))
        self.home = self.home or index < config.pagination.home
        self.lists.add(index // config.pagination.per_page + 1)
        self.years.add(graph.by_slug[slug].date.year)
        for topic in graph.by_slug[slug].topics:
            self._add(self.topics, topic, graph.topic_briefings[topic].index(slug) // config.pagination.per_page + 1)
        for actor_id in graph.briefing_actors[slug]:
            self._add(self.profiles, actor_id, self._page(actor_id, slug))
            if any(s == slug for s, _ in graph.quotes.get(actor_id, ())):
                self._add(self.profiles, actor_id, 1)
        self.feeds(slug)

    def feeds(self, slug: str) -> None:
        """Feeds whose entries include the briefing."""
        graph, head = self.graph, self.config.feeds.entries
        self.site_feed = self.site_feed or any(b.slug == slug for b in graph.briefings[:head])
        self.topic_feeds.update(t for t in graph.by_slug[slug].topics if slug in graph.topic_briefings[t][:head])
        self.actor_feeds.update(a for a in graph.briefing_actors[slug] if slug in graph.actor_briefings[a][:head])

    def scope(self) -> Scope:
        def numbers(pages: dict[str, set[int] | None]) -> dict[str, Numbers]:
            return {k: None if v is None else frozenset(v) for k, v in sorted(pages.items())}

        return Scope(frozenset(self.briefings), numbers(self.profiles), frozenset(self.actor_feeds),
                     numbers(self.topics), frozenset(self.topic_feeds), frozenset(self.lists),
                     frozenset(self.years), self.home, self.actors_index, self.site_feed)


def edit_scope(config: Config, before: SiteGraph, after: SiteGraph, slugs: Iterable[str]) -> Scope:
    """The pages to plan after the briefings `slugs` changed in body or card text only."""
    collect = _Collect(config, after)
    for slug in slugs:
        collect.body(before, slug)
        if card_fields(before.by_slug[slug]) != card_fields(after.by_slug[slug]):
            collect.card(slug)
    return collect.scope()
