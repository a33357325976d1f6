"""Turn graph entities into the view objects templates see; every list is built here, in one order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from markupsafe import Markup

from site_builder.actors.excerpts import Excerpt
from site_builder.core.config import Config
from site_builder.core.models import Actor, Briefing, Role
from site_builder.core.ui_strings import UiStrings
from site_builder.core.urls import absolute_url, actor_path, briefing_path, topic_path
from site_builder.graph.site_graph import SiteGraph
from site_builder.render.judgment_presenter import JudgmentPresenter
from site_builder.render.network_layout import ego_network, whole_network
from site_builder.render.views import (
    ActorCount,
    ActorRef,
    ActorView,
    BriefingCard,
    BriefingView,
    CoMention,
    FeedEntry,
    LinkView,
    NetworkView,
    Pagination,
    QuoteView,
    RelatedCard,
    RelationView,
    RoleView,
    TimelineEntry,
    TopicCard,
    TopicCount,
    TopicRef,
)

# Kinds of relations and of links the UI strings word (`relation.<kind>`, `relation.<kind>.inverse`,
# `link.<kind>`): "sister-of" on Kim Yo Jong reads "Sibling of" on Kim Jong Un. Other kinds read as written.
RELATION_KINDS = ("sister-of", "brother-of", "sibling-of", "spouse-of", "parent-of", "child-of", "member-of",
                  "leader-of", "founder-of", "subordinate-of", "ally-of", "part-of", "rival-of", "successor-of",
                  "predecessor-of", "owner-of", "based-in")
LINK_KINDS = ("wikipedia", "wikidata", "website", "twitter")
CARD_ACTORS = 6
QUOTES = 12


def as_written(kind: str) -> str:
    """A kind the UI strings do not word, as the file wrote it: 'mentor-of' → 'Mentor of'."""
    return kind.replace("-", " ").capitalize()


def relation_label(kind: str, words: UiStrings) -> str:
    """How a relation reads on the actor that declares it: 'sister-of' → 'Sister of'."""
    return words.plain(f"relation.{kind}") if kind in RELATION_KINDS else as_written(kind)


def inverse_label(kind: str, words: UiStrings) -> str:
    """How a relation reads on the other actor's profile: 'sister-of' → 'Sibling of', 'mentor-of' →
    'Mentor of (inverse)', 'knows' → 'Knows'."""
    if kind in RELATION_KINDS:
        return words.plain(f"relation.{kind}.inverse")
    return words.plain("relation.inverse", label=as_written(kind)) if kind.endswith("-of") else as_written(kind)


@dataclass
class Presenter:
    """Builds and memoises view objects for one build; cards are shared by every list that shows them."""

    config: Config
    graph: SiteGraph
    # Cards of the last build still right for this graph: an edit that changed only some briefings
    # keeps every other card the same object, so its digest and its rows need not be made again.
    carried: Mapping[str, BriefingCard] = field(default_factory=dict)
    clock: datetime | None = None  # the build's clock: a shown briefing embargoed past it says so
    _cards: dict[str, BriefingCard] = field(default_factory=dict)
    _feed_entries: dict[tuple[str, bool], FeedEntry] = field(default_factory=dict)
    _refs: dict[tuple[str, str], ActorRef] = field(default_factory=dict)
    _topic_refs: dict[str, TopicRef] = field(default_factory=dict)
    _judgments: JudgmentPresenter | None = None

    @property
    def judgments(self) -> JudgmentPresenter:
        """The views of judgments, graded sources and standards."""
        if self._judgments is None:
            self._judgments = JudgmentPresenter(self.config, self.graph, self.clock)
        return self._judgments

    def feed_entry(self, slug: str, full: bool) -> FeedEntry:
        """A briefing as a feed entry, with its body when `full`; made once however many feeds carry it."""
        found = self._feed_entries.get((slug, full))
        if found is None:
            b = self.graph.by_slug[slug]
            link = absolute_url(self.config.base_url, briefing_path(slug))
            body = self.graph.bodies[slug] if full else None
            found = self._feed_entries[(slug, full)] = FeedEntry(
                link, b.title, link, b.date, b.updated or b.date, b.summary, body,
                tuple(self.graph.topics[t].title for t in b.topics))
        return found

    def actor_ref(self, actor_id: str, role: str = "") -> ActorRef:
        """A link to an actor; shared by every view that shows it."""
        found = self._refs.get((actor_id, role))
        if found is None:
            actor = self.graph.actors[actor_id]
            kind = self.config.actor_type(actor.type)
            found = ActorRef(actor.id, actor.name, actor.type, kind.label, actor_path(actor.id), role)
            self._refs[(actor_id, role)] = found
        return found

    def topic_ref(self, slug: str) -> TopicRef:
        """A link to a topic; shared like actor links (every card carries its topics)."""
        found = self._topic_refs.get(slug)
        if found is None:
            found = self._topic_refs[slug] = TopicRef(slug, self.graph.topics[slug].title, topic_path(slug))
        return found

    def card(self, slug: str) -> BriefingCard:
        """A briefing as a list row."""
        cached = self._cards.get(slug)
        if cached is None:
            cached = self._cards[slug] = self.carried.get(slug) or self._new_card(slug)
        return cached

    def _new_card(self, slug: str) -> BriefingCard:
        b = self.graph.by_slug[slug]
        return BriefingCard(
            slug=b.slug, title=b.title, url=briefing_path(b.slug), date=b.date, summary=b.summary,
            dateline=b.dateline, agency=b.agency,
            topics=tuple(self.topic_ref(t) for t in b.topics),
            actors=tuple(self.actor_ref(a) for a in self.graph.briefing_actors[slug][:CARD_ACTORS]),
        )

    def made_cards(self) -> dict[str, BriefingCard]:
        """Every card this build made or carried, by slug."""
        return {**self.carried, **self._cards}

    def cards(self, slugs: tuple[str, ...] | list[str]) -> tuple[BriefingCard, ...]:
        """Several cards in the given order."""
        return tuple(self.card(s) for s in slugs)

    def briefing(self, b: Briefing, index: int) -> BriefingView:
        """The full view of one briefing; `index` is its place in the newest-first list."""
        graph = self.graph
        older = graph.briefings[index + 1].slug if index + 1 < len(graph.briefings) else None
        newer = graph.briefings[index - 1].slug if index > 0 else None
        sources = self.judgments.sources(b)
        return BriefingView(
            card=self.card(b.slug),
            updated=b.updated,
            key_points=b.key_points,
            body_html=Markup(graph.bodies[b.slug].html),
            sources=sources,
            actors=tuple(self.actor_ref(a, role_at(graph.actors[a], b.date)) for a in graph.briefing_actors[b.slug]),
            previous=self.card(older) if older else None,
            next=self.card(newer) if newer else None,
            related=tuple(RelatedCard(self.card(r.slug), self.related_reason(r.shared_actors, r.shared_topics))
                          for r in graph.related[b.slug]),
            tradecraft=self.judgments.tradecraft(b, sources),
        )

    def related_reason(self, actors: tuple[str, ...], topics: tuple[str, ...]) -> str:
        """'Also about Wagner Group and Kim Yo Jong' from the most telling shared actors, else topics."""
        names = [self.graph.actors[a].name for a in actors[:2]]
        if not names:
            names = [self.graph.topics[t].title for t in topics[:2]]
        if not names:
            return ""
        words = self.config.strings
        joined = names[0] if len(names) == 1 else words.plain("list.pair", first=names[0], second=names[1])
        return words.plain("briefing.related_reason", names=joined)

    def actor(self, actor: Actor, pagination: Pagination, slugs: tuple[str, ...]) -> ActorView:
        """A profile page; `slugs` are the briefings of this page of the timeline.

        The infobox, quotes and neighbourhood are filled on the first page only; later pages are the
        timeline. Repeated on every page, they would add to the rendering time of each, and an edit that
        moved a tally (topics, co-mentions, mentions) would render every page of each actor again.
        """
        timeline = tuple(TimelineEntry(self.card(slug), self.excerpts(actor.id, slug)) for slug in slugs)
        view = ActorView(ref=self.actor_ref(actor.id), aliases=actor.aliases, summary=actor.summary,
                         timeline=timeline, pagination=pagination,
                         briefing_count=len(self.graph.actor_briefings.get(actor.id, ())),
                         feed_url=actor_path(actor.id) + "feed.xml")
        return self._infobox(actor, view) if pagination.number == 1 else view

    def _infobox(self, actor: Actor, view: ActorView) -> ActorView:
        """The first page of a profile: the view with everything besides the timeline."""
        graph = self.graph
        return replace(
            view,
            country=self.actor_ref(actor.country) if actor.country else None,
            roles=tuple(RoleView(r.title, self.actor_ref(r.of) if r.of else None, r.start, r.end)
                        for r in actor.roles),
            relations=self.relations(actor),
            links=tuple(LinkView(self.config.strings.plain(f"link.{k}") if k in LINK_KINDS else as_written(k), u)
                        for k, u in actor.links.items()),
            image=actor.image,
            mentions=graph.total_mentions(actor.id),
            quotes=tuple(QuoteView(q.text, self.card(slug)) for slug, q in graph.quotes.get(actor.id, ())[:QUOTES]),
            co_mentioned=tuple(CoMention(self.actor_ref(a), n) for a, n in graph.co_mentions.get(actor.id, ())[:12]),
            topics=tuple(TopicCount(self.topic_ref(t), n) for t, n in graph.actor_topics.get(actor.id, ())),
            network=ego_network(actor.id, graph.co_mentions.get(actor.id, ()), self.actor_ref, self.config.strings),
        )

    def excerpts(self, actor_id: str, slug: str) -> tuple[Excerpt, ...]:
        """The first sentences of a briefing that mention an actor, each once."""
        return self.graph.bodies[slug].excerpts(actor_id)

    def network(self) -> NetworkView | None:
        """The whole co-mention network for the actors index."""
        weights = {a: len(s) for a, s in self.graph.actor_briefings.items()}
        return whole_network(weights, self.graph.co_mentions, self.actor_ref, self.config.strings)

    def relations(self, actor: Actor) -> tuple[RelationView, ...]:
        """Relations written on this actor plus those other actors declare towards it.

        When both sides declare the relation (sister-of / brother-of), this actor's own wording wins.
        """
        words = self.config.strings
        out = [RelationView(relation_label(r.kind, words), self.actor_ref(r.actor)) for r in actor.relations]
        declared = {r.actor for r in actor.relations}
        out += [RelationView(inverse_label(kind, words), self.actor_ref(other_id))
                for other_id, kind in self.graph.incoming.get(actor.id, ()) if other_id not in declared]
        return tuple(dict.fromkeys(out))

    def actor_counts(self, slugs: tuple[str, ...] | None = None, limit: int | None = None) -> tuple[ActorCount, ...]:
        """Actors ranked by briefings then mentions, over some briefings (all when None)."""
        graph = self.graph
        in_briefings: Mapping[str, int]
        mentions: Mapping[str, int]
        if slugs is None:  # the graph has the totals: no walk over every briefing
            in_briefings = {a: len(s) for a, s in graph.actor_briefings.items()}
            mentions = graph.actor_mentions
        else:
            involved: Counter[str] = Counter()
            counted: Counter[str] = Counter()
            for slug in slugs:
                involved.update(graph.briefing_actors[slug])
                counted.update(graph.mention_counts(slug))
            in_briefings, mentions = involved, counted
        ranked = sorted(in_briefings, key=lambda a: (-in_briefings[a], -mentions.get(a, 0), graph.actors[a].name, a))
        return tuple(ActorCount(self.actor_ref(a), in_briefings[a], mentions.get(a, 0), graph.actors[a].aliases)
                     for a in ranked[:limit])

    def topic_card(self, slug: str) -> TopicCard:
        """A topic with its size and latest date."""
        slugs = self.graph.topic_briefings.get(slug, ())
        latest: datetime | None = self.graph.by_slug[slugs[0]].date if slugs else None
        return TopicCard(self.topic_ref(slug), self.graph.topics[slug].summary, len(slugs), latest,
                         topic_path(slug) + "feed.xml")


def role_at(actor: Actor, when: datetime) -> str:
    """The role an actor held on a date, from its roles' from/to (years or dates)."""
    day = when.date().isoformat()
    for role in actor.roles:
        if _within(day, role):
            return role.title
    return ""


def _within(day: str, role: Role) -> bool:
    start = role.start or "0000"
    end = role.end or "9999"
    # Compare as text: "2012" <= "2023-01-29" works because a year sorts before its own dates.
    return start[: len(day)] <= day and day[: len(end)] <= end

