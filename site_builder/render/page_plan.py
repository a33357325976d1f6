"""Plan every output page as a pure PageSpec: where it goes, which template, what it shows, what it depends on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from markupsafe import Markup

from site_builder.core.config import Config
from site_builder.core.models import Actor, Briefing
from site_builder.core.urls import (
    absolute_url,
    actor_path,
    archive_year_path,
    briefing_path,
    judgment_path,
    list_page_path,
    page_count,
    page_path,
    topic_path,
)
from site_builder.graph.site_graph import SiteGraph
from site_builder.render.presenter import Presenter
from site_builder.render.views import (
    ActorCount,
    ActorGroup,
    FeedView,
    MonthGroup,
    NavItem,
    PageMeta,
    PageView,
    Pagination,
    SitemapEntry,
    SiteView,
    YearGroup,
)

# Above this many briefings the archive index lists months only; each year page lists its briefings.
ARCHIVE_INDEX_LIMIT = 200
ACTIVE_DAYS = 30

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
    topics_index: bool = False
    archive_index: bool = False  # the archive index, also when it lists months only
    sitemap: bool = False  # last-modified dates may have changed, or pages came or went
    gone: frozenset[str] = frozenset()  # site paths of pages the edit removed


@dataclass(frozen=True)
class PageSpec:
    """One output file: rendered from `template` with `context`, or written from `body` as is.

    The views of a briefing, profile or feed page are made by `make` when the page is rendered, not
    when it is planned: so the worker processes that render pages each make their own share, and
    a build never holds the views of every page at once.
    """

    url: str  # site path
    template: str
    section: str
    title: str
    description: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    body: str | None = None  # for generated files that need no template
    in_sitemap: bool = True
    lastmod: str = ""
    make: Callable[[], dict[str, Any]] | None = None  # the context, made on demand

    def values(self) -> dict[str, Any]:
        """The template context of this page."""
        return self.make() if self.make is not None else self.context


# The navigation, in order; labels `nav.<key>`. Judgments show on desks that have them, search when it is on.
SECTIONS = ("briefings", "actors", "topics", "archive", "judgments", "search")


def site_view(config: Config, graph: SiteGraph) -> SiteView:
    """Values every page shares."""
    words = config.strings
    nav = tuple(NavItem(key, words.plain(f"nav.{key}"), f"{key}/") for key in SECTIONS
                if (key != "search" or config.search.enabled) and (key != "judgments" or has_judgments(graph)))
    pages = tuple(NavItem("pages", p.title, page_path(p.slug)) for p in graph.pages)
    return SiteView(config.title, config.description, config.language, config.base_url, nav, "feed.xml", pages,
                    config.footer, config.search.placeholder)


def numbered(config: Config, title: str, pagination: Pagination) -> str:
    """The title of a page of a paginated list: the list's own on page 1, with its number on later pages."""
    return title if pagination.number == 1 else config.strings.plain("page.numbered", title=title,
                                                                        number=pagination.number)


def page_meta(spec: PageSpec, config: Config) -> PageMeta:
    """The `page` value of a template."""
    return PageMeta(spec.url, spec.section, spec.title, spec.description or config.description,
                    absolute_url(config.base_url, spec.url))


def plan_pages(config: Config, graph: SiteGraph, build_time: datetime, scope: Scope | None = None,
               presenter: Presenter | None = None) -> Iterator[PageSpec]:
    """Every page of the site in a fixed order, or with a scope only the pages in it.

    The presenter makes the views; pass one to see the cards it made once the pages are rendered.
    """
    p = presenter or Presenter(config, graph)
    if scope is not None:
        yield from _scoped(config, graph, p, build_time, scope)
        return
    yield from _home(config, graph, p)
    yield from _briefings(config, graph, p)
    yield from _actors(config, graph, p, build_time)
    yield from _topics(config, graph, p, build_time)
    yield from _archive(config, graph, p)
    yield from _analysis(config, graph, p, build_time)
    for page in graph.pages:
        body = Markup(graph.page_bodies[page.slug].html)
        yield PageSpec(page_path(page.slug), "page.html", "pages", page.title, page.summary,
                       {"content_page": PageView(page.title, page.summary, body)})
    if config.search.enabled:
        yield PageSpec("search/", "search.html", "search", config.strings.plain("nav.search"))
    yield PageSpec("404.html", "404.html", "error", config.strings.plain("not_found.title"), in_sitemap=False)
    yield _site_feed(config, graph, p, build_time)


def has_judgments(graph: SiteGraph) -> bool:
    """Whether any briefing of the site carries key judgments."""
    return any(b.judgments for b in graph.briefings)


def grades_sources(b: Briefing) -> bool:
    """Whether a briefing grades any of its sources (which the standards page explains)."""
    return any(s.reliability or s.credibility is not None for s in b.sources)


def _analysis(config: Config, graph: SiteGraph, p: Presenter, build_time: datetime) -> Iterator[PageSpec]:
    """The analytic pages: the judgments index, each judgment's history, their feed, and the standards page
    (also for a desk that grades sources without judgments)."""
    record = p.judgments.record
    if record.history:
        current = p.judgments.currents()
        words = config.strings
        yield PageSpec("judgments/", "judgments.html", "judgments", words.plain("judgments.title"),
                       words.plain("judgments.description"), {"judgments": current},
                       lastmod=max(c.date for c in current).date().isoformat())
        for judgment_id in record.history:
            last = record.current(judgment_id)
            yield PageSpec(judgment_path(judgment_id), "judgment.html", "judgments", last.judgment.text, "",
                           lastmod=last.date.date().isoformat(), make=partial(_judgment_context, p, judgment_id))
        yield PageSpec("judgments.xml", "feed.xml", "feed", words.plain("judgments.title"), in_sitemap=False,
                       make=partial(_judgment_feed, config, p, build_time))
    if record.history or any(grades_sources(b) for b in graph.briefings):
        yield PageSpec("standards/", "standards.html", "standards", config.strings.plain("standards.title"),
                       config.strings.plain("standards.description"),
                       {"standards": p.judgments.standards()})


def _judgment_context(p: Presenter, judgment_id: str) -> dict[str, Any]:
    return {"judgment": p.judgments.page(judgment_id)}


def _judgment_feed(config: Config, p: Presenter, build_time: datetime) -> dict[str, Any]:
    """judgments.xml: each new or changed assessment, newest first (every judgment's first is new)."""
    base = config.base_url
    entries = p.judgments.change_entries(config.feeds.entries)
    url = absolute_url(base, "judgments.xml")
    updated = entries[0].updated if entries else build_time
    words = config.strings
    feed = FeedView(url, words.plain("feed.title", name=words.plain("judgments.title"), site=config.title),
                    words.plain("judgments.feed.subtitle"), url, absolute_url(base, "judgments/"), updated, entries)
    return {"feed": feed}


def _site_feed(config: Config, graph: SiteGraph, p: Presenter, build_time: datetime) -> PageSpec:
    everything = tuple(b.slug for b in graph.briefings)
    return _feed(config, graph, p, "feed.xml", config.title, config.description, "", everything, build_time, True)


def _lastmod(graph: SiteGraph, slugs: tuple[str, ...]) -> str:
    dates = [graph.by_slug[s].updated or graph.by_slug[s].date for s in slugs[:50]]
    return max(dates).date().isoformat() if dates else ""


def _paginate(base: str, total_items: int, per_page: int) -> list[Pagination]:
    pages = page_count(total_items, per_page)
    urls = tuple(list_page_path(base, n) for n in range(1, pages + 1))
    return [Pagination(n, pages, urls[n - 2] if n > 1 else "", urls[n] if n < pages else "", urls)
            for n in range(1, pages + 1)]


def _home(config: Config, graph: SiteGraph, p: Presenter) -> Iterator[PageSpec]:
    slugs = tuple(b.slug for b in graph.briefings)
    # "Most active" is measured over the last 30 days of content, not of the clock, so builds are repeatable.
    since = graph.briefings[0].date - timedelta(days=ACTIVE_DAYS) if graph.briefings else None
    recent = tuple(b.slug for b in graph.briefings if since is not None and b.date >= since)
    yield PageSpec("", "home.html", "home", "", config.description, {
        "latest": p.cards(slugs[: config.pagination.home]),
        "top_actors": p.actor_counts(recent, limit=10),
        "active_since": since,
        "topics": tuple(p.topic_card(t) for t in graph.topics),
    }, lastmod=_lastmod(graph, slugs))


def _scoped(config: Config, graph: SiteGraph, p: Presenter, build_time: datetime,
            scope: Scope) -> Iterator[PageSpec]:
    if scope.home:
        yield from _home(config, graph, p)
    for index, b in enumerate(graph.briefings):
        if b.slug in scope.briefings:
            yield _briefing(b, index, p)
    if scope.lists:
        yield from _briefing_lists(config, graph, p, scope.lists)
    if scope.actors_index:
        yield _actors_index(config, graph, p)
    for actor_id, numbers in scope.profiles.items():
        yield from _profile(config, graph, p, graph.actors[actor_id], numbers)
    for actor_id in sorted(scope.actor_feeds):
        yield _actor_feed(config, graph, p, graph.actors[actor_id], build_time)
    if scope.topics_index:
        yield _topics_index(config, graph, p)
    for slug, numbers in scope.topics.items():
        yield from _topic_pages(config, graph, p, slug, numbers)
    for slug in sorted(scope.topic_feeds):
        yield _topic_feed(config, graph, p, slug, build_time)
    if scope.years or scope.archive_index:
        yield from _archive(config, graph, p, scope.years, scope.archive_index)
    if scope.site_feed:
        yield _site_feed(config, graph, p, build_time)


def _briefing(b: Briefing, index: int, p: Presenter) -> PageSpec:
    return PageSpec(briefing_path(b.slug), "briefing.html", "briefings", b.title, b.summary,
                    lastmod=(b.updated or b.date).date().isoformat(), make=partial(_briefing_context, p, b, index))


def _briefing_context(p: Presenter, b: Briefing, index: int) -> dict[str, Any]:
    return {"briefing": p.briefing(b, index)}


def _briefings(config: Config, graph: SiteGraph, p: Presenter) -> Iterator[PageSpec]:
    for index, b in enumerate(graph.briefings):
        yield _briefing(b, index, p)
    yield from _briefing_lists(config, graph, p)


def _briefing_lists(config: Config, graph: SiteGraph, p: Presenter,
                    numbers: frozenset[int] | None = None) -> Iterator[PageSpec]:
    slugs = tuple(b.slug for b in graph.briefings)
    per = config.pagination.per_page
    for pagination in _paginate("briefings/", len(slugs), per):
        if numbers is not None and pagination.number not in numbers:
            continue
        start = (pagination.number - 1) * per
        title = numbered(config, config.strings.plain("nav.briefings"), pagination)
        yield PageSpec(pagination.page_urls[pagination.number - 1], "briefings.html", "briefings", title, "",
                       {"briefings": p.cards(slugs[start:start + per]), "pagination": pagination,
                        "total": len(slugs)}, lastmod=_lastmod(graph, slugs[start:start + per]))


def _actors(config: Config, graph: SiteGraph, p: Presenter, build_time: datetime) -> Iterator[PageSpec]:
    yield _actors_index(config, graph, p)
    for actor in graph.actors.values():
        yield from _profile(config, graph, p, actor)
        yield _actor_feed(config, graph, p, actor, build_time)


def _actors_index(config: Config, graph: SiteGraph, p: Presenter) -> PageSpec:
    counts = {c.actor.id: c for c in p.actor_counts()}
    groups = []
    for kind in config.actor_types:
        members = [a for a in graph.actors.values() if a.type == kind.id]
        if not members:
            continue
        rows = tuple(counts.get(a.id) or _zero(p, a.id) for a in sorted(members, key=lambda a: a.name))
        groups.append(ActorGroup(kind.id, kind.plural, rows))
    words = config.strings
    return PageSpec("actors/", "actors.html", "actors", words.plain("nav.actors"), words.plain("actors.description"),
                    {"groups": tuple(groups), "total": len(graph.actors), "network": p.network()})


def _profile(config: Config, graph: SiteGraph, p: Presenter, actor: Actor,
             numbers: frozenset[int] | None = None) -> Iterator[PageSpec]:
    """The pages of an actor's profile, or only those numbered in `numbers`."""
    per = config.pagination.timeline
    slugs = graph.actor_briefings.get(actor.id, ())
    for pagination in _paginate(actor_path(actor.id), len(slugs), per):
        if numbers is not None and pagination.number not in numbers:
            continue
        start = (pagination.number - 1) * per
        page_slugs = slugs[start:start + per]
        title = numbered(config, actor.name, pagination)
        yield PageSpec(pagination.page_urls[pagination.number - 1], "actor.html", "actors", title,
                       actor.summary, lastmod=_lastmod(graph, page_slugs),
                       make=partial(_profile_context, p, actor, pagination, page_slugs))


def _profile_context(p: Presenter, actor: Actor, pagination: Pagination, slugs: tuple[str, ...]) -> dict[str, Any]:
    judgments = (p.judgments.currents(p.graph.actor_briefings.get(actor.id, ())) if pagination.number == 1 else ())
    return {"actor": p.actor(actor, pagination, slugs), "judgments": judgments}


def _actor_feed(config: Config, graph: SiteGraph, p: Presenter, actor: Actor, build_time: datetime) -> PageSpec:
    return _feed(config, graph, p, actor_path(actor.id) + "feed.xml",
                 config.strings.plain("feed.title", name=actor.name, site=config.title),
                 actor.summary, actor_path(actor.id), graph.actor_briefings.get(actor.id, ()), build_time,
                 config.feeds.full_content)


def _zero(p: Presenter, actor_id: str) -> ActorCount:
    return ActorCount(p.actor_ref(actor_id), 0, 0, p.graph.actors[actor_id].aliases)


def _topics(config: Config, graph: SiteGraph, p: Presenter, build_time: datetime) -> Iterator[PageSpec]:
    yield _topics_index(config, graph, p)
    for slug in graph.topics:
        yield from _topic_pages(config, graph, p, slug)
        yield _topic_feed(config, graph, p, slug, build_time)


def _topics_index(config: Config, graph: SiteGraph, p: Presenter) -> PageSpec:
    cards = tuple(sorted((p.topic_card(t) for t in graph.topics), key=lambda c: (-c.count, c.ref.title)))
    return PageSpec("topics/", "topics.html", "topics", config.strings.plain("nav.topics"), "", {"topics": cards})


def _topic_pages(config: Config, graph: SiteGraph, p: Presenter, slug: str,
                 numbers: frozenset[int] | None = None) -> Iterator[PageSpec]:
    """The pages of a topic, or only those numbered in `numbers`."""
    topic = graph.topics[slug]
    per = config.pagination.per_page
    slugs = graph.topic_briefings.get(slug, ())
    card = p.topic_card(slug)
    actors = p.actor_counts(slugs, limit=12)
    judgments = p.judgments.currents(slugs)
    for pagination in _paginate(topic_path(slug), len(slugs), per):
        if numbers is not None and pagination.number not in numbers:
            continue
        start = (pagination.number - 1) * per
        title = numbered(config, topic.title, pagination)
        yield PageSpec(pagination.page_urls[pagination.number - 1], "topic.html", "topics", title,
                       topic.summary, {"topic": card, "briefings": p.cards(slugs[start:start + per]),
                                       "pagination": pagination, "actors": actors,
                                       "judgments": judgments if pagination.number == 1 else ()},
                       lastmod=_lastmod(graph, slugs[start:start + per]))


def _topic_feed(config: Config, graph: SiteGraph, p: Presenter, slug: str, build_time: datetime) -> PageSpec:
    topic = graph.topics[slug]
    return _feed(config, graph, p, topic_path(slug) + "feed.xml",
                 config.strings.plain("feed.title", name=topic.title, site=config.title),
                 topic.summary, topic_path(slug), graph.topic_briefings.get(slug, ()), build_time,
                 config.feeds.full_content)


def _archive(config: Config, graph: SiteGraph, p: Presenter, only: frozenset[int] | None = None,
             index: bool = False) -> Iterator[PageSpec]:
    """The archive index and year pages; with `only`, those years, and the index if it lists briefings or `index`."""
    by_year: dict[int, dict[int, list[str]]] = {}
    for b in graph.briefings:
        by_year.setdefault(b.date.year, {}).setdefault(b.date.month, []).append(b.slug)
    full_index = len(graph.briefings) <= ARCHIVE_INDEX_LIMIT
    words = config.strings

    def year_group(year: int, with_briefings: bool) -> YearGroup:
        months = tuple(
            MonthGroup(f"{year}-{month:02d}", words.date(date(year, month, 1), "month"), len(slugs),
                       f"{archive_year_path(year)}#{year}-{month:02d}",
                       p.cards(slugs) if with_briefings else ())
            for month, slugs in sorted(by_year[year].items(), reverse=True)
        )
        return YearGroup(year, archive_year_path(year), sum(m.count for m in months), months)

    years = sorted(by_year, reverse=True)
    if only is None or full_index or index:
        yield PageSpec("archive/", "archive.html", "archive", words.plain("nav.archive"),
                       words.plain("archive.description"),
                       {"years": tuple(year_group(y, full_index) for y in years), "year": None})
    # A year page links the other years; their months and counts are the index's. Had each year page
    # held them, a briefing added or moved to another month would render every year page again.
    summary = tuple(YearGroup(y, archive_year_path(y), 0, ()) for y in years)
    for year in years if only is None else sorted(only & by_year.keys(), reverse=True):
        yield PageSpec(archive_year_path(year), "archive.html", "archive", words.plain("archive.year_title", year=year),
                       "",
                       {"years": summary, "year": year_group(year, True)})


def _feed(config: Config, graph: SiteGraph, p: Presenter, url: str, title: str, subtitle: str,
          alternate: str, slugs: tuple[str, ...], build_time: datetime, full: bool) -> PageSpec:
    """An Atom feed of these briefings' newest entries; `full`: with whole bodies, else summaries (as Hugo's
    section feeds carry by default)."""
    make = partial(_feed_context, config, graph, p, url, title, subtitle, alternate, slugs, build_time, full)
    return PageSpec(url, "feed.xml", "feed", title, in_sitemap=False, make=make)


def _feed_context(config: Config, graph: SiteGraph, p: Presenter, url: str, title: str, subtitle: str,
                  alternate: str, slugs: tuple[str, ...], build_time: datetime, full: bool) -> dict[str, Any]:
    base = config.base_url
    entries = [p.feed_entry(slug, full) for slug in slugs[: config.feeds.entries]]
    # An empty feed (an actor or topic with no briefing yet) still needs <updated>: the site's newest
    # content date keeps it off the build clock; only a site without any briefing falls back to
    # the build time stamp (SOURCE_DATE_EPOCH). That walk over every briefing is done only for such feeds.
    updated = max(e.updated for e in entries) if entries else graph.last_updated() or build_time
    feed = FeedView(absolute_url(base, url), title, subtitle, absolute_url(base, url),
                    absolute_url(base, alternate), updated, tuple(entries))
    return {"feed": feed}


def sitemap_dates(specs: Iterable[PageSpec]) -> dict[str, str]:
    """Site path -> last-modified date of each page that belongs in the sitemap."""
    return {s.url: s.lastmod for s in specs if s.in_sitemap}


def sitemap_entries(config: Config, dates: Mapping[str, str]) -> tuple[SitemapEntry, ...]:
    """Sitemap rows for the pages of `sitemap_dates`, by path."""
    return tuple(SitemapEntry(absolute_url(config.base_url, url), dates[url]) for url in sorted(dates))


def epoch_time(value: str | None) -> datetime:
    """The build time stamp: SOURCE_DATE_EPOCH when given, so output does not depend on the clock."""
    seconds = int(value) if value and value.strip().isdigit() else 0
    return datetime.fromtimestamp(seconds, tz=UTC)
