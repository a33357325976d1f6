"""Which pages an edit to briefings can change, so a rebuild plans only those.

A text edit (`edit_scope`) keeps every briefing's date, topics and actors. A body shows on its
briefing page, in feeds with full content, and on the profiles of the actors it involves: the
excerpts on the timeline page that lists it, the quotes and mention count on the first page.
Mention counts also show on the home page, the actors index and the pages of the briefing's
topics. A card (title, summary, dateline, agency) shows wherever the briefing is listed: its
neighbours' and related briefings' pages, the list pages and feeds that hold it. With dates,
topics and actors unchanged, no briefing moves in or out of any list, so nothing else can change.

Any other edit of briefings (`move_scope`), a new, deleted or renamed file or a draft flag
included, may move briefings in lists, add them to topics and actors or take them out: the two
graphs are compared list by list and tally by tally."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from site_builder.core.config import Config
from site_builder.core.models import Briefing
from site_builder.core.urls import actor_path, archive_year_path, briefing_path, list_page_path, page_count, topic_path
from site_builder.graph.related import Related
from site_builder.graph.site_graph import SiteGraph
from site_builder.render.page_plan import Numbers, Scope


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
    topics_index: bool = False
    archive_index: bool = False
    sitemap: bool = False
    gone: set[str] = field(default_factory=set)

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
        self.feeds(slug, bodies=True)
        for actor_id in graph.briefing_actors[slug]:
            self._add(self.profiles, actor_id, self._page(actor_id, slug))
            if old[actor_id] != new[actor_id] or before.quotes.get(actor_id) != graph.quotes.get(actor_id):
                self._add(self.profiles, actor_id, 1)

    def card(self, slug: str) -> None:
        """Pages that list a briefing: they show its card."""
        graph, config = self.graph, self.config
        index = next(i for i, b in enumerate(graph.briefings) if b.slug == slug)
        neighbours = graph.briefings[max(index - 1, 0):index + 2]
        self.briefings.update(b.slug for b in neighbours)
        # One flat walk over every related list (not a generator per list): it runs on every edit of a card.
        self.briefings.update(other for other, related in graph.related.items() for r in related if r.slug == slug)
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

    def feeds(self, slug: str, bodies: bool = False) -> None:
        """Feeds whose entries include the briefing; with `bodies`, only those that carry its body (the site
        feed always does; actor and topic feeds with `feeds.full_content`)."""
        graph, head = self.graph, self.config.feeds.entries
        self.site_feed = self.site_feed or any(b.slug == slug for b in graph.briefings[:head])
        if bodies and not self.config.feeds.full_content:
            return
        self.topic_feeds.update(t for t in graph.by_slug[slug].topics if slug in graph.topic_briefings[t][:head])
        self.actor_feeds.update(a for a in graph.briefing_actors[slug] if slug in graph.actor_briefings[a][:head])

    def scope(self) -> Scope:
        def numbers(pages: dict[str, set[int] | None]) -> dict[str, Numbers]:
            return {k: None if v is None else frozenset(v) for k, v in sorted(pages.items())}

        return Scope(frozenset(self.briefings), numbers(self.profiles), frozenset(self.actor_feeds),
                     numbers(self.topics), frozenset(self.topic_feeds), frozenset(self.lists),
                     frozenset(self.years), self.home, self.actors_index, self.site_feed, self.topics_index,
                     self.archive_index, self.sitemap, frozenset(self.gone))

    def moved_briefings(self, before: SiteGraph, edited: frozenset[str], latest_moved: bool) -> None:
        """Briefing pages that are new, or whose neighbours or related briefings changed or show an edited card;
        pages of briefings that went; lists; site feed."""
        graph, config = self.graph, self.config
        old, new = before.briefings, graph.briefings
        old_at = {b.slug: i for i, b in enumerate(old)}
        for i, b in enumerate(new):
            shown = _around(new, i)
            related = graph.related[b.slug]
            at = old_at.get(b.slug)
            if (at is None or b.slug in edited or shown != _around(old, at) or not edited.isdisjoint(shown)
                    or _reasons(related) != _reasons(before.related[b.slug]) or any(r.slug in edited for r in related)):
                self.briefings.add(b.slug)
        self.gone.update(briefing_path(slug) for slug in before.by_slug.keys() - graph.by_slug.keys())
        old_order, new_order = tuple(b.slug for b in old), tuple(b.slug for b in new)
        per = config.pagination.per_page
        if len(old_order) == len(new_order):
            self.lists.update(_rows_changed(old_order, new_order, per, edited))
        else:  # every page shows the count
            self.lists.update(range(1, page_count(len(new_order), per) + 1))
            self._gone("briefings/", len(old_order), len(new_order), per)
        self.site_feed = _feed_changed(old_order, new_order, config.feeds.entries, edited, latest_moved)

    def moved_actors(self, before: SiteGraph, edited: frozenset[str], latest_moved: bool) -> None:
        """Profile pages and feeds: whole profiles when their count of briefings changed, else the pages whose
        rows changed, and the first page when a tally or quote of its infobox did."""
        graph, per = self.graph, self.config.pagination.timeline
        for actor_id in graph.actors:
            old, new = before.actor_briefings.get(actor_id, ()), graph.actor_briefings.get(actor_id, ())
            if len(old) != len(new):
                self._add(self.profiles, actor_id, None)
                self._gone(actor_path(actor_id), len(old), len(new), per)
            else:
                for number in _rows_changed(old, new, per, edited):
                    self._add(self.profiles, actor_id, number)
                quotes = graph.quotes.get(actor_id, ())
                if (quotes != before.quotes.get(actor_id, ()) or any(slug in edited for slug, _ in quotes)
                        or before.total_mentions(actor_id) != graph.total_mentions(actor_id)
                        or before.co_mentions.get(actor_id) != graph.co_mentions.get(actor_id)
                        or before.actor_topics.get(actor_id) != graph.actor_topics.get(actor_id)):
                    self._add(self.profiles, actor_id, 1)
            if _feed_changed(old, new, self.config.feeds.entries, edited, latest_moved):
                self.actor_feeds.add(actor_id)

    def moved_topics(self, before: SiteGraph, edited: frozenset[str], latest_moved: bool) -> None:
        """Every page of a topic an edited briefing is or was in: each shows the actors of all its briefings."""
        graph, per = self.graph, self.config.pagination.per_page
        for slug in graph.topics:
            old, new = before.topic_briefings.get(slug, ()), graph.topic_briefings.get(slug, ())
            if old != new or not edited.isdisjoint(new):
                self._add(self.topics, slug, None)
                self._gone(topic_path(slug), len(old), len(new), per)
            if _feed_changed(old, new, self.config.feeds.entries, edited, latest_moved):
                self.topic_feeds.add(slug)
        for slug in before.topics.keys() - graph.topics.keys():  # no topic file, and no briefing names it now
            base = topic_path(slug)
            pages = page_count(len(before.topic_briefings.get(slug, ())), per)
            self.gone.update({base + "feed.xml", *(list_page_path(base, n) for n in range(1, pages + 1))})

    def moved_archive(self, before: SiteGraph, edited: frozenset[str]) -> None:
        """Year pages that list an edited briefing or whose month counts changed, every year page when a year
        came or went (each links the others); the index, which shows every count, when a count changed."""
        old, new = _months(before), _months(self.graph)
        if old != new:
            self.archive_index = True
            old_years, new_years = {y for y, _ in old}, {y for y, _ in new}
            if old_years != new_years:
                self.years.update(new_years)
                self.gone.update(archive_year_path(year) for year in old_years - new_years)
            else:
                self.years.update(year for year, month in old.keys() | new.keys()
                                  if old[year, month] != new[year, month])
        for graph in (before, self.graph):
            self.years.update(graph.by_slug[slug].date.year for slug in edited if slug in graph.by_slug)

    def _gone(self, base: str, old_items: int, new_items: int, per_page: int) -> None:
        """The pages of a list beyond its new length."""
        self.gone.update(list_page_path(base, n)
                         for n in range(page_count(new_items, per_page) + 1, page_count(old_items, per_page) + 1))


def _around(briefings: Sequence[Briefing], index: int) -> tuple[str | None, str | None]:
    """The briefings either side of one in the newest-first list: its page links to them."""
    newer = briefings[index - 1].slug if index > 0 else None
    older = briefings[index + 1].slug if index + 1 < len(briefings) else None
    return newer, older


def _reasons(related: Sequence[Related]) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """What a briefing page shows of its related briefings: which, in order, and why. Not the scores: a
    briefing that comes or goes changes the weight of every actor, and so nearly every score."""
    return [(r.slug, r.shared_actors, r.shared_topics) for r in related]


def _rows_changed(old: tuple[str, ...], new: tuple[str, ...], per_page: int, edited: frozenset[str]) -> set[int]:
    """Numbers of the pages of a list whose rows differ or show an edited briefing."""
    return {start // per_page + 1 for start in range(0, max(len(old), len(new)), per_page)
            if old[start:start + per_page] != new[start:start + per_page]
            or not edited.isdisjoint(new[start:start + per_page])}


def _feed_changed(old: tuple[str, ...], new: tuple[str, ...], entries: int, edited: frozenset[str],
                  latest_moved: bool) -> bool:
    """Whether a feed's entries differ or show an edited briefing; an empty feed is dated by the newest briefing."""
    head = new[:entries]
    return head != old[:entries] or not edited.isdisjoint(head) or (not head and latest_moved)


def _months(graph: SiteGraph) -> Counter[tuple[int, int]]:
    return Counter((b.date.year, b.date.month) for b in graph.briefings)


def edit_scope(config: Config, before: SiteGraph, after: SiteGraph, slugs: Iterable[str]) -> Scope:
    """The pages to plan after the briefings `slugs` changed in body or card text only."""
    collect = _Collect(config, after)
    for slug in slugs:
        collect.body(before, slug)
        if card_fields(before.by_slug[slug]) != card_fields(after.by_slug[slug]):
            collect.card(slug)
    return collect.scope()


def move_scope(config: Config, before: SiteGraph, after: SiteGraph, slugs: Iterable[str]) -> Scope:
    """The pages to plan after the briefings `slugs` changed in anything, came or went (the slugs of both
    sides: a renamed briefing is one that went and one that came).

    A page is planned when anything it shows differs between the graphs or it shows an edited
    briefing. A list that grew or shrank is planned whole, since each page shows the count, and
    its pages beyond the new length are `gone`, as are the pages of briefings that went. The home
    page and the actor and topic indexes, one page each, are always planned; so is the sitemap.
    """
    edited = frozenset(slug for slug in slugs if slug in after.by_slug)
    latest_moved = before.last_updated() != after.last_updated()
    collect = _Collect(config, after)
    collect.home = collect.actors_index = collect.topics_index = collect.sitemap = True
    collect.moved_briefings(before, edited, latest_moved)
    collect.moved_actors(before, edited, latest_moved)
    collect.moved_topics(before, edited, latest_moved)
    collect.moved_archive(before, edited)
    return collect.scope()
