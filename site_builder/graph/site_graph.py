"""The site graph: resolved references, slug collisions, who is in which briefing, topics, neighbours."""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from site_builder.actors.quotes import Quote, resolve_quotes
from site_builder.bodies.packed import RenderedBody
from site_builder.core.errors import Diagnostics, SourceLocation, did_you_mean
from site_builder.core.models import Actor, Briefing, Content, Page, Topic
from site_builder.graph.derived_values import ComputeEach, DerivedValues
from site_builder.graph.related import Related, RelatedInput, related_lists, related_signature, updated_lists

# Site paths owned by generated sections; a standalone page may not take them.
RESERVED_SLUGS = frozenset({"briefings", "actors", "topics", "archive", "search", "judgments", "standards", "css", "js",
                            "static"})


class Tally(Sequence[tuple[str, int]]):
    """(id, count) pairs, held as a tuple of ids and an array of counts.

    A big desk has a great many co-mention pairs. As 2-tuples they would take far more memory, and
    each forked page worker would copy the memory pages of those it reads. Reads as the tuple of
    pairs it stands for, and equals it.
    """

    __slots__ = ("_counts", "_ids")

    def __init__(self, pairs: Iterable[tuple[str, int]] = ()) -> None:
        listed = list(pairs)
        self._ids = tuple(i for i, _ in listed)
        self._counts = array("q", (n for _, n in listed))

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return Tally(zip(self._ids[index], self._counts[index], strict=True))
        return self._ids[index], self._counts[index]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return zip(self._ids, self._counts, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Tally):
            return self._ids == other._ids and self._counts == other._counts
        return isinstance(other, tuple) and tuple(self) == other

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return Tally, (tuple(self),)

    def __repr__(self) -> str:
        return f"Tally({tuple(self)!r})"


@dataclass(frozen=True)
class SiteGraph:
    """Every relation between briefings, actors and topics, computed once before rendering."""

    briefings: tuple[Briefing, ...]  # newest first
    actors: Mapping[str, Actor]
    topics: Mapping[str, Topic]
    pages: tuple[Page, ...]
    bodies: Mapping[str, RenderedBody]  # by briefing slug
    page_bodies: Mapping[str, RenderedBody]  # by page slug
    briefing_actors: Mapping[str, tuple[str, ...]]  # slug -> actor ids (mentioned or listed), by first mention
    actor_briefings: Mapping[str, tuple[str, ...]]  # actor id -> slugs, newest first
    topic_briefings: Mapping[str, tuple[str, ...]]  # topic slug -> slugs, newest first
    related: Mapping[str, tuple[Related, ...]]
    by_slug: Mapping[str, Briefing]
    incoming: Mapping[str, tuple[tuple[str, str], ...]]  # actor id -> (other actor id, kind) pointing at it
    co_mentions: Mapping[str, Tally]  # actor id -> (other id, shared briefings), top first
    quotes: Mapping[str, tuple[tuple[str, Quote], ...]]  # actor id -> (briefing slug, quote), newest first
    actor_topics: Mapping[str, tuple[tuple[str, int], ...]]  # actor id -> (topic slug, briefings), top first
    actor_mentions: Mapping[str, int]  # actor id -> mentions in all bodies

    def mention_counts(self, slug: str) -> Counter[str]:
        """Mentions of each actor in one briefing's body, in order of first mention.

        Made from the body on each call: keeping them for every briefing of a big desk would take much
        memory.
        """
        return self.bodies[slug].mention_counts()

    def last_updated(self) -> datetime | None:
        """The newest date any briefing was published or updated: an empty feed is dated by it."""
        return max((b.updated or b.date for b in self.briefings), default=None)

    def total_mentions(self, actor_id: str) -> int:
        """How often an actor is mentioned in all bodies."""
        return self.actor_mentions.get(actor_id, 0)


def check_references(content: Content, diagnostics: Diagnostics, known: set[str]) -> None:
    """Every actor id written anywhere must name an actor file; unknown ones get the closest ids.

    `known` comes from the actor file names, so an actor file that failed to parse does not also
    make every reference to it an error.
    """

    def check(actor_id: str, path: str, line: int, what: str) -> None:
        if actor_id and actor_id not in known:
            diagnostics.error(SourceLocation(path, line), f"unknown actor {actor_id!r} in {what}",
                              did_you_mean(actor_id, known) or "add an actor file content/actors/<id>.yaml")

    for briefing in content.briefings:
        for actor_id, line in zip(briefing.actors, briefing.actor_lines, strict=False):
            check(actor_id, briefing.path, line, "'actors'")
    for actor in content.actors:
        check(actor.country, actor.path, actor.country_line, "'country'")
        for role in actor.roles:
            check(role.of, actor.path, role.of_line, "'roles'")
        for relation in actor.relations:
            check(relation.actor, actor.path, relation.line, "'relations'")


def check_slugs(content: Content, diagnostics: Diagnostics) -> None:
    """Two briefings may not share a slug; standalone pages may not take a section's path.

    Every rebuild checks: when the slugs are all distinct, a set says so without sorting the desk.
    """
    seen: dict[str, Briefing] = {}
    slugs = [b.slug for b in content.briefings]
    shared = () if len(set(slugs)) == len(slugs) else content.briefings
    for briefing in sorted(shared, key=lambda b: b.path):
        other = seen.get(briefing.slug)
        if other is not None:
            diagnostics.error(
                SourceLocation(briefing.path, 1),
                f"briefing slug {briefing.slug!r} is also used by {other.path}",
                "give one of them a different file name or a 'slug:' in its front matter",
            )
        else:
            seen[briefing.slug] = briefing
    pages: dict[str, Page] = {}
    for page in content.pages:
        if page.slug in RESERVED_SLUGS:
            diagnostics.error(SourceLocation(page.path, 1), f"page slug {page.slug!r} is reserved for a site section",
                              "rename the file or set another 'slug:'")
        elif page.slug in pages:
            diagnostics.error(SourceLocation(page.path, 1),
                              f"page slug {page.slug!r} is also used by {pages[page.slug].path}")
        pages[page.slug] = page


def topic_title(slug: str) -> str:
    """A readable title for a topic used without a topic file."""
    return slug.replace("-", " ").capitalize()


def build_graph(content: Content, bodies: Mapping[str, RenderedBody],
                page_bodies: Mapping[str, RenderedBody], derived: DerivedValues | None = None,
                check: Callable[[], None] = lambda: None) -> SiteGraph:
    """Link everything; content must already be free of reference and slug errors.

    `derived` carries results of the previous build: related briefings and co-mentions when what
    they are computed from is unchanged. `check` is called between the parts of the work and inside the
    longest, so a stopped build (core/cancel.py) stops here too: it raises to stop.
    """
    memo = derived or ComputeEach()
    briefings = newest_first(content.briefings)
    actors = {a.id: a for a in content.actors}
    briefing_actors: dict[str, tuple[str, ...]] = {}
    actor_mentions: Counter[str] = Counter()
    actor_briefings: dict[str, list[str]] = defaultdict(list)
    topic_briefings: dict[str, list[str]] = defaultdict(list)
    for b in briefings:
        body = bodies[b.slug]
        actor_mentions.update(body.mention_counts())
        ordered = briefing_actor_list(b, body)
        briefing_actors[b.slug] = ordered
        for actor_id in ordered:
            actor_briefings[actor_id].append(b.slug)
        for slug in b.topics:
            topic_briefings[slug].append(b.slug)
    check()
    by_actor = {k: tuple(v) for k, v in sorted(actor_briefings.items())}
    by_slug = {b.slug: b for b in briefings}
    topics = site_topics(content.topics, topic_briefings)
    related, co_mentions = linked(briefings, briefing_actors, content.actors, memo, check)
    check()
    return SiteGraph(
        briefings=briefings,
        actors=dict(sorted(actors.items())),
        topics=topics,
        pages=tuple(sorted(content.pages, key=lambda p: (p.weight, p.title, p.slug))),
        bodies=bodies,
        page_bodies=page_bodies,
        briefing_actors=briefing_actors,
        actor_briefings=by_actor,
        topic_briefings={k: tuple(v) for k, v in sorted(topic_briefings.items())},
        related=related,
        by_slug=by_slug,
        incoming=_incoming(content.actors),
        co_mentions=co_mentions,
        quotes=_quotes(briefings, bodies, {a.id for a in content.actors if a.type == "person"}),
        actor_topics={a: topic_tally(slugs, by_slug, topics) for a, slugs in by_actor.items()},
        actor_mentions=dict(sorted(actor_mentions.items())),
    )


def newest_first(briefings: Iterable[Briefing]) -> tuple[Briefing, ...]:
    """Briefings in the order of every list: newest first, then by slug."""
    return tuple(sorted(briefings, key=lambda b: (-b.date.timestamp(), b.slug)))


def site_topics(files: Iterable[Topic], named: Iterable[str]) -> dict[str, Topic]:
    """The topics of the site by slug: those with a file, and any other that a briefing names."""
    topics = {t.slug: t for t in files}
    for slug in named:
        topics.setdefault(slug, Topic(slug=slug, title=topic_title(slug)))
    return dict(sorted(topics.items()))


def linked(briefings: tuple[Briefing, ...], briefing_actors: Mapping[str, tuple[str, ...]],
           actors: Iterable[Actor], memo: DerivedValues,
           check: Callable[[], None] = lambda: None) -> tuple[dict[str, tuple[Related, ...]], dict[str, Tally]]:
    """Related briefings and co-mentions, from the memo when what they are computed from is unchanged;
    `check` as for build_graph."""
    signature = related_signature(briefings, briefing_actors)
    by_id = {a.id: a for a in actors}
    related = memo.get_equal("related lists", signature,
                             partial(related_lists, briefings, briefing_actors, check=check),
                             partial(updated_lists, briefings, briefing_actors, signature)).lists
    check()
    pairs = (signature, tuple((a.id, a.name) for a in by_id.values()))  # the same tuple: no second copy kept
    co_mentions = memo.get_equal("co-mentions", pairs, partial(_co_mentions, briefings, briefing_actors, by_id),
                                 partial(_co_mentions_update, briefings, briefing_actors, by_id, pairs))
    return related, co_mentions


def topic_tally(slugs: Iterable[str], by_slug: Mapping[str, Briefing],
                topics: Mapping[str, Topic]) -> tuple[tuple[str, int], ...]:
    """The topics of some briefings (an actor's), most frequent first, then by title."""
    named: list[str] = []  # gathered per briefing, counted once at the end
    for slug in slugs:
        named.extend(by_slug[slug].topics)
    return tuple(sorted(Counter(named).items(), key=lambda kv: (-kv[1], topics[kv[0]].title)))


def briefing_actor_list(b: Briefing, body: RenderedBody) -> tuple[str, ...]:
    """A briefing's actors: those its body mentions, by first mention, then the rest of its front matter list."""
    return tuple(dict.fromkeys(body.actors + b.actors))


def _co_mentions(briefings: tuple[Briefing, ...], briefing_actors: Mapping[str, tuple[str, ...]],
                 actors: Mapping[str, Actor]) -> dict[str, Tally]:
    """How many briefings each pair of actors shares.

    Each actor counts every actor of its briefings, itself included, which Counter does in C, faster
    than counting pair by pair in Python; its count of itself is taken out at the end.
    """
    pairs: dict[str, Counter[str]] = defaultdict(Counter)
    for b in briefings:
        involved = set(briefing_actors[b.slug])
        if len(involved) > 1:
            for actor_id in involved:
                pairs[actor_id].update(involved)
    for actor_id, counts in pairs.items():
        del counts[actor_id]
    return {a: _tally(c.items(), actors) for a, c in sorted(pairs.items())}


def _tally(counts: Iterable[tuple[str, int]], actors: Mapping[str, Actor]) -> Tally:
    """Co-mentioned actors, most shared briefings first, then by name: one order for counts made or updated."""
    return Tally(sorted(counts, key=lambda kv: (-kv[1], actors[kv[0]].name, kv[0])))


CoMentionInput = tuple[tuple[RelatedInput, ...], tuple[tuple[str, str], ...]]  # briefings, actor names


def _co_mentions_update(briefings: tuple[Briefing, ...], briefing_actors: Mapping[str, tuple[str, ...]],
                        actors: Mapping[str, Actor], signature: CoMentionInput, old_signature: CoMentionInput,
                        old: Mapping[str, Tally]) -> dict[str, Tally]:
    """Co-mentions after edits, from the last ones: only the tallies of actors of edited briefings change.

    A briefing that came, went or changed actors takes its pairs out of the counts and puts its new
    ones in; an actor renamed changes the order of every tally that holds it, so that counts all again.
    """
    if signature[1] != old_signature[1]:
        return _co_mentions(briefings, briefing_actors, actors)
    before = {slug: actor_ids for slug, _, actor_ids, _ in old_signature[0]}
    after = {slug: actor_ids for slug, _, actor_ids, _ in signature[0]}
    changes: dict[str, Counter[str]] = defaultdict(Counter)
    for slug in before.keys() | after.keys():
        if before.get(slug) == after.get(slug):
            continue
        for involved, sign in ((set(before.get(slug, ())), -1), (set(after.get(slug, ())), 1)):
            if len(involved) > 1:
                for actor_id in involved:
                    changes[actor_id].update(dict.fromkeys(involved - {actor_id}, sign))
    result = dict(old)
    for actor_id, change in changes.items():
        counts = Counter(dict(result.get(actor_id, ())))
        counts.update(change)
        kept = [(other, n) for other, n in counts.items() if n > 0]
        if kept:
            result[actor_id] = _tally(kept, actors)
        else:
            result.pop(actor_id, None)
    return dict(sorted(result.items()))


def _quotes(briefings: tuple[Briefing, ...], bodies: Mapping[str, RenderedBody],
            persons: set[str]) -> dict[str, tuple[tuple[str, Quote], ...]]:
    found: dict[str, list[tuple[str, Quote]]] = defaultdict(list)
    people = frozenset(persons)
    for b in briefings:
        body = bodies[b.slug]
        for quote in resolve_quotes(body.quotes, people):
            found[quote.actor_id].append((b.slug, quote))
    return {k: tuple(v) for k, v in sorted(found.items())}


def _incoming(actors: tuple[Actor, ...]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Relations seen from their target, so both sides of 'sister-of' can be shown."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for actor in actors:
        for relation in actor.relations:
            if relation.actor != actor.id:
                found[relation.actor].append((actor.id, relation.kind))
    return {k: tuple(sorted(v)) for k, v in sorted(found.items())}
