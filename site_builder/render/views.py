"""View objects handed to templates: the whole template contract, precomputed so templates stay logic-free."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape

from site_builder.actors.excerpts import Excerpt
from site_builder.bodies.packed import RenderedBody
from site_builder.core.urls import absolute_links
from site_builder.render.judgment_views import SourceView, Tradecraft


@dataclass(frozen=True)
class TopicRef:
    """A link to a topic page."""

    slug: str
    title: str
    url: str  # site path, pass through url()


@dataclass(frozen=True)
class ActorRef:
    """A link to an actor profile, with what a chip or card needs."""

    id: str
    name: str
    type: str  # person, state, organization, armed-group, ...
    type_label: str  # "Person", "State", "Armed group"
    url: str
    role: str = ""  # role held at the time of the briefing, when known


@dataclass(frozen=True)
class BriefingCard:
    """A briefing as a row in a list."""

    slug: str
    title: str
    url: str
    date: datetime
    summary: str
    dateline: str
    agency: str
    topics: tuple[TopicRef, ...]
    actors: tuple[ActorRef, ...]


@dataclass(frozen=True)
class RelatedCard:
    """A related briefing with the reason it is related."""

    card: BriefingCard
    reason: str


@dataclass(frozen=True)
class BriefingView:
    """Everything a briefing page shows."""

    card: BriefingCard
    updated: datetime | None
    key_points: tuple[str, ...]
    body_html: Markup
    sources: tuple[SourceView, ...]
    actors: tuple[ActorRef, ...]  # everyone involved, with role at the time
    previous: BriefingCard | None  # older
    next: BriefingCard | None  # newer
    related: tuple[RelatedCard, ...]
    tradecraft: Tradecraft = field(default_factory=Tradecraft)  # key judgments, dropped judgments, revisions, embargo


@dataclass(frozen=True)
class RoleView:
    """A role on a profile."""

    title: str
    of: ActorRef | None
    start: str
    end: str


@dataclass(frozen=True)
class RelationView:
    """A relation on a profile, already phrased from this actor's side."""

    label: str  # "Sister of", "Sibling of", "Member", "Member of"
    actor: ActorRef


@dataclass(frozen=True)
class LinkView:
    """An external link (Wikipedia, Wikidata, ...)."""

    label: str
    url: str


@dataclass(frozen=True)
class ActorCount:
    """An actor with how often it appears (briefings, mentions)."""

    actor: ActorRef
    briefings: int
    mentions: int
    aliases: tuple[str, ...] = ()  # for client-side filtering by any name


@dataclass(frozen=True)
class TimelineEntry:
    """A briefing on an actor's timeline with the sentences that mention the actor."""

    card: BriefingCard
    excerpts: tuple[Excerpt, ...]  # before / match / after; empty when only listed in front matter


@dataclass(frozen=True)
class QuoteView:
    """A quotation attributed to an actor, with the briefing it is from."""

    text: str
    card: BriefingCard


@dataclass(frozen=True)
class TopicCount:
    """A topic with how many of some briefings carry it."""

    topic: TopicRef
    count: int


@dataclass(frozen=True)
class CoMention:
    """Another actor and how many briefings it shares with this one."""

    actor: ActorRef
    count: int


@dataclass(frozen=True)
class NetworkNode:
    """A node of a drawn network; coordinates are in the SVG's user units."""

    actor: ActorRef
    x: float
    y: float
    r: float
    weight: int  # briefings (whole network) or shared briefings (neighbourhood)
    center: bool
    label_x: float
    label_y: float
    label_anchor: str  # start, middle or end, so labels point away from the centre
    label_angle: float  # degrees; labels on a ring run along the radius so neighbours never overlap


@dataclass(frozen=True)
class NetworkEdge:
    """A line between two nodes; width grows with shared briefings."""

    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float
    count: int
    width: float


@dataclass(frozen=True)
class NetworkView:
    """A co-mention network ready to draw as inline SVG, plus its text alternative."""

    title: str
    description: str
    width: int
    height: int
    nodes: tuple[NetworkNode, ...]
    edges: tuple[NetworkEdge, ...]
    pairs: tuple[tuple[ActorRef, ActorRef, int], ...]  # the same data as a list, strongest first


@dataclass(frozen=True)
class ActorView:
    """Everything an actor profile shows; `timeline` is this page's slice, `pagination` where it stands.

    The fields after `feed_url` (the infobox, quotes and neighbourhood) are filled on the first page
    only, and empty on later pages, which carry the timeline.
    """

    ref: ActorRef
    aliases: tuple[str, ...]
    summary: str
    timeline: tuple[TimelineEntry, ...]  # newest first
    pagination: Pagination
    briefing_count: int
    feed_url: str
    country: ActorRef | None = None
    roles: tuple[RoleView, ...] = ()
    relations: tuple[RelationView, ...] = ()
    links: tuple[LinkView, ...] = ()
    image: str = ""
    mentions: int = 0
    quotes: tuple[QuoteView, ...] = ()
    co_mentioned: tuple[CoMention, ...] = ()
    topics: tuple[TopicCount, ...] = ()
    network: NetworkView | None = None

    @property
    def timeline_years(self) -> tuple[tuple[int, tuple[TimelineEntry, ...]], ...]:
        """This page's timeline by year, newest first: what `timeline|groupby('card.date.year')|reverse`
        with each group sorted by date gives, made here because those filters are slow in a template."""
        years: dict[int, list[TimelineEntry]] = {}
        for entry in self.timeline:
            years.setdefault(entry.card.date.year, []).append(entry)
        return tuple((year, tuple(sorted(years[year], key=_entry_date, reverse=True)))
                     for year in sorted(years, reverse=True))


def _entry_date(entry: TimelineEntry) -> datetime:
    return entry.card.date


@dataclass(frozen=True)
class ActorGroup:
    """Actors of one type on the actors index."""

    type: str
    label: str  # plural, "People", "States"
    actors: tuple[ActorCount, ...]


@dataclass(frozen=True)
class TopicCard:
    """A topic with its size."""

    ref: TopicRef
    summary: str
    count: int
    latest: datetime | None
    feed_url: str


@dataclass(frozen=True)
class Pagination:
    """Where a paginated list page stands."""

    number: int  # 1-based
    total: int
    previous_url: str  # site path or "" on the first page
    next_url: str  # site path or "" on the last page
    page_urls: tuple[str, ...]  # site path of every page, index 0 is page 1

    @property
    def window(self) -> tuple[PageLink, ...]:
        """The pages a pagination bar links: the first, the last and two either side of this one, with a
        gap (number 0) where pages are left out.

        Only those pages are looked at: a bar that walks `page_urls` on each page would make every list
        page cost time in proportion to the number of pages. Made when a page is rendered, not kept: a
        large desk plans many paginated pages at once.
        """
        links: list[PageLink] = []
        last = len(self.page_urls)
        for n in sorted({1, last, *range(max(1, self.number - 2), min(last, self.number + 2) + 1)}):
            if links and n > links[-1].number + 1:
                links.append(PageLink(0, ""))
            links.append(PageLink(n, self.page_urls[n - 1]))
        return tuple(links)


@dataclass(frozen=True, slots=True)
class PageLink:
    """A page in a pagination bar, or a gap where pages are left out (number 0, no url)."""

    number: int
    url: str


@dataclass(frozen=True)
class MonthGroup:
    """Briefings of one month in the archive."""

    key: str  # "2023-01", used as an anchor id
    label: str  # "January 2023"
    count: int
    url: str  # site path of the month on its year page ("archive/2023/#2023-01")
    briefings: tuple[BriefingCard, ...]  # empty on the archive index of a large site


@dataclass(frozen=True)
class YearGroup:
    """One archive year; on a year page the other years come with their `year` and `url` only (count 0, no months)."""

    year: int
    url: str
    count: int
    months: tuple[MonthGroup, ...]


@dataclass(frozen=True)
class PageView:
    """A standalone page (about, methodology)."""

    title: str
    summary: str
    body_html: Markup


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation."""

    key: str  # compared with page.section to mark the current one
    label: str
    url: str


@dataclass(frozen=True)
class SiteView:
    """Site-wide values available on every page."""

    title: str
    description: str
    language: str
    base_url: str  # absolute, ends with "/"
    nav: tuple[NavItem, ...]
    feed_url: str  # site path of the whole-site Atom feed
    pages: tuple[NavItem, ...]  # standalone pages (about, methodology) for the footer
    footer: str = ""  # config's `footer`: the desk's own line in every footer, plain text
    search_placeholder: str = ""  # config's `search.placeholder`: an example query, or none


@dataclass(frozen=True)
class PageMeta:
    """Per-page values every template sees as `page`."""

    url: str  # site path of this page, "" for home, "briefings/x/" for a briefing
    section: str  # home, briefings, actors, topics, archive, pages, error
    title: str  # for <title>, without the site title
    description: str
    canonical: str  # absolute URL


@dataclass(frozen=True)
class FeedEntry:
    """One Atom entry: the same object in every feed that carries the briefing."""

    id: str
    title: str
    url: str  # absolute
    published: datetime
    updated: datetime
    summary: str
    body: RenderedBody | None  # None when feeds carry summaries only
    categories: tuple[str, ...]

    @property
    def content(self) -> Markup:
        """The body with absolute links, as the text of `<content type="html">`: already escaped.

        Made on each use, not kept: a big site's feeds carry most of its bodies, and keeping them would
        hold all of those in the memory of each rendering process.
        """
        return escape(self.content_html)

    @property
    def content_html(self) -> str:
        """The body with absolute links, not escaped: for a feed template that escapes it itself."""
        return absolute_links(self.body.html, self.url) if self.body is not None else ""


@dataclass(frozen=True)
class FeedView:
    """An Atom feed."""

    id: str
    title: str
    subtitle: str
    self_url: str  # absolute
    alternate_url: str  # absolute
    updated: datetime
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class SitemapEntry:
    """One sitemap URL."""

    loc: str
    lastmod: str
