"""Related briefings: which other briefings a briefing's page lists, and the reasons it shows.

Scores come from shared actors weighted by rarity (idf), shared topics and closeness in time. A
list is kept with a bound above the score of every candidate it left out, so that a briefing added
or removed elsewhere, which moves every weight a little, updates the lists it does not touch without
scoring them again (`updated_lists`).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from site_builder.core.models import Briefing

TOPIC_WEIGHT = 1.0  # a shared topic counts like an actor in a third of the briefings
LIMIT = 5  # related briefings per briefing
CHECK_EVERY = 256  # briefings between two looks at whether the build was stopped
# Added to a bound each time it is carried, and asked of the margin it must leave: above the rounding
# of scores (nine places) and the error of adding a few logarithms, far below any gap between scores.
SLACK = 1e-6

RelatedInput = tuple[str, datetime, tuple[str, ...], tuple[str, ...]]  # slug, date, actors, topics
Inputs = Mapping[str, tuple[datetime, tuple[str, ...], tuple[str, ...]]]  # the same, by slug
Members = tuple[dict[str, set[str]], dict[str, set[str]]]  # the briefings of each actor, of each topic


@dataclass(frozen=True, slots=True)
class Related:
    """A related briefing, its score and the reason shown to readers (slots: a big desk holds very many)."""

    slug: str
    score: float
    shared_actors: tuple[str, ...]
    shared_topics: tuple[str, ...]

    def __reduce__(self) -> tuple[Any, ...]:
        # The cache keeps every briefing's list; the default for a slots dataclass builds a dict of each.
        return Related, (self.slug, self.score, self.shared_actors, self.shared_topics)


@dataclass(frozen=True)
class RelatedLists:
    """Every briefing's related list, and for each a score no candidate it left out reaches."""

    lists: dict[str, tuple[Related, ...]]
    bounds: dict[str, float]  # slug -> at least the best score of a candidate left out; -inf: none was


def related_signature(briefings: Iterable[Briefing],
                      briefing_actors: Mapping[str, tuple[str, ...]]) -> tuple[RelatedInput, ...]:
    """Everything related briefings are worked out from, briefing by briefing."""
    return tuple((b.slug, b.date, briefing_actors[b.slug], b.topics) for b in briefings)


def related_lists(briefings: tuple[Briefing, ...], briefing_actors: Mapping[str, tuple[str, ...]],
                  only: Collection[str] | None = None, check: Callable[[], None] = lambda: None) -> RelatedLists:
    """Score pairs by shared actors weighted by rarity (idf), shared topics and closeness in time.

    An actor's weight is log(N/df): zero for an actor in every briefing. Scores are accumulated
    through the briefings each actor and topic appears in, so the cost follows the graph, not
    N²; actors and topics in more than `candidate_cap` briefings are left out, since their
    weight is small and their lists are long. Reasons are worked out for the winners only.
    With `only`, just the lists of those slugs. `check` is called every few hundred briefings, so a
    stopped build (core/cancel.py) stops here too.
    """
    total = len(briefings)
    by_actor: dict[str, list[int]] = defaultdict(list)
    by_topic: dict[str, list[int]] = defaultdict(list)
    for index, b in enumerate(briefings):
        for actor_id in briefing_actors[b.slug]:
            by_actor[actor_id].append(index)
        for topic in b.topics:
            by_topic[topic].append(index)
    cap = candidate_cap(total)
    idf = {a: math.log(total / len(ix)) for a, ix in by_actor.items()}
    stamps = [b.date.timestamp() for b in briefings]
    slugs = [b.slug for b in briefings]
    lists: dict[str, tuple[Related, ...]] = {}
    bounds: dict[str, float] = {}
    for index, b in enumerate(briefings):
        if only is not None and b.slug not in only:
            continue
        if index % CHECK_EVERY == 0:
            check()
        # A plain dict and its bound get: faster than a defaultdict's += in this inner loop.
        scores: dict[int, float] = {}
        get = scores.get
        for actor_id in briefing_actors[b.slug]:
            members = by_actor[actor_id]
            if len(members) <= cap and idf[actor_id] > 0:
                weight = idf[actor_id]
                for other in members:
                    scores[other] = get(other, 0.0) + weight
        for topic in b.topics:
            members = by_topic[topic]
            if len(members) <= cap:
                for other in members:
                    scores[other] = get(other, 0.0) + TOPIC_WEIGHT
        scores.pop(index, None)
        top, bounds[b.slug] = best(scores, stamps[index], stamps, slugs, LIMIT)
        lists[b.slug] = tuple(
            Related(slugs[other], -negative, *_reasons(briefing_actors[b.slug], briefing_actors[slugs[other]],
                                                       b.topics, briefings[other].topics, idf))
            for negative, _, other in top
        )
    return RelatedLists(lists, bounds)


def updated_lists(briefings: tuple[Briefing, ...], briefing_actors: Mapping[str, tuple[str, ...]],
                  signature: tuple[RelatedInput, ...], old_signature: tuple[RelatedInput, ...],
                  old: RelatedLists) -> RelatedLists:
    """Related briefings after edits, from the last ones: only the lists an edit can change are scored.

    An edited briefing S can change the list of a briefing X only through an actor or topic of S
    (before or after the edit) that X has too, if it counts towards relatedness before or after: it
    puts S among X's candidates, or moves its score, date or reasons. An actor that S gained or lost
    also changes its weight, which orders the shared actors in the reasons of any list holding it:
    the lists of its briefings are scored, as are those of a topic that crossed the cap. Any other
    list reached only sees S's own score move, and has S's entry exchanged (`_Rescore.exchange`).

    A briefing added or removed changes N, and so every weight log(N/df), by log(N'/N) for an actor
    whose briefings are the same. A list none of whose actors and topics changed briefings has the
    same candidates with every shared actor moved by that much: its members are scored again from
    their shared actors (a few additions), and the list stands if they still clear the bound of the
    candidates left out, moved by as much as a score can move (see `_Rescore.carry`). Otherwise, and for
    lists that share an actor or topic with a briefing added, removed or edited, the list is scored.
    """
    before = {slug: (date, actors, topics) for slug, date, actors, topics in old_signature}
    after = {slug: (date, actors, topics) for slug, date, actors, topics in signature}
    total, cap = len(after), candidate_cap(len(after))
    if not before:
        return related_lists(briefings, briefing_actors)
    members = [_members(before), _members(after)]  # (actors, topics) key -> slugs, before and after
    changed = [slug for slug in before.keys() | after.keys() if before.get(slug) != after.get(slug)]
    rescore = _Rescore(after, members[1], {a: math.log(total / len(s)) for a, s in members[1][0].items()},
                       {slug: date.timestamp() for slug, (date, _, _) in after.items()}, cap,
                       math.log(total / len(before)))
    kept: dict[str, tuple[tuple[Related, ...], float]] = {}
    if before.keys() == after.keys():
        affected = _weights_moved(changed, before, after, members, cap)
        for slug in _reached(changed, before, after, members, cap, total) - affected:
            found = rescore.exchange(slug, old.lists[slug], old.bounds[slug], changed)
            if found is None:
                affected.add(slug)
            else:
                kept[slug] = found
    else:
        affected = _reached_past_a_count(changed, before, after, members)
        for slug in after.keys() - affected:
            found = rescore.carry(slug, old.lists[slug], old.bounds[slug])
            if found is None:
                affected.add(slug)
            else:
                kept[slug] = found
    fresh = related_lists(briefings, briefing_actors, only=affected)
    for slug in after.keys() - affected - kept.keys():  # lists no edit reaches stand as they were
        kept[slug] = old.lists[slug], old.bounds[slug]
    lists = {b.slug: kept[b.slug][0] if b.slug in kept else fresh.lists[b.slug] for b in briefings}
    return RelatedLists(lists, {b.slug: kept[b.slug][1] if b.slug in kept else fresh.bounds[b.slug]
                                for b in briefings})


def _edited_keys(changed: Iterable[str], before: Inputs, after: Inputs,
                 members: list[Members]) -> Iterator[tuple[int, set[str], set[str]]]:
    """(kind, briefings before, briefings after) of each actor (kind 0) and topic (kind 1) that an edited
    briefing has on either side of the edit."""
    for slug in changed:
        sides = [side[1:] for side in (before.get(slug), after.get(slug)) if side is not None]
        for kind in (0, 1):
            for key in {key for side in sides for key in side[kind]}:
                yield kind, members[0][kind].get(key, set()), members[1][kind].get(key, set())


def _reached(changed: Collection[str], before: Inputs, after: Inputs, members: list[Members], cap: int,
             total: int) -> set[str]:
    """The lists edits that keep every briefing can change (see `updated_lists`)."""
    affected = set(changed)
    for kind, old_members, new_members in _edited_keys(changed, before, after, members):
        counts = any(len(m) <= cap and (kind or len(m) < total) for m in (old_members, new_members) if m)
        if counts or (kind == 0 and old_members != new_members):
            affected |= old_members | new_members
    return affected


def _weights_moved(changed: Collection[str], before: Inputs, after: Inputs, members: list[Members],
                   cap: int) -> set[str]:
    """Of the lists edits that keep every briefing reach, those whose other scores may move too.

    An actor that gained or lost briefings changes its weight, and so every score through it; a topic
    that gained or lost briefings across the cap starts or stops counting for all its briefings. Any
    other edit (a date, a topic that counts on both sides or on neither) moves only the scores of
    the edited briefings, which `_Rescore.exchange` puts right in the lists that hold them.
    """
    moved = set(changed)
    for kind, old_members, new_members in _edited_keys(changed, before, after, members):
        if old_members != new_members and (kind == 0 or (len(old_members) <= cap) != (len(new_members) <= cap)):
            moved |= old_members | new_members
    return moved


def _reached_past_a_count(changed: Collection[str], before: Inputs, after: Inputs,
                          members: list[Members]) -> set[str]:
    """The lists edits that add or remove briefings must score again (see `updated_lists`): the rest are carried."""
    affected = set(after.keys() - before.keys())
    cap, old_cap = candidate_cap(len(after)), candidate_cap(len(before))
    for _, old_members, new_members in _edited_keys(changed, before, after, members):
        if len(old_members) <= old_cap or len(new_members) <= cap:  # it counts on one side at least
            affected |= old_members | new_members
    for kind in (0, 1):  # the cap grows with N: an actor or topic at its edge may count on one side only
        for key, slugs in members[1][kind].items():
            if (len(slugs) <= cap) != (len(members[0][kind].get(key, ())) <= old_cap):
                affected |= slugs
    for slugs in members[1][0].values():
        if len(slugs) in (len(before), len(after)):  # in every briefing on one side: its weight is zero there
            affected |= slugs
    return affected


@dataclass(frozen=True)
class _Rescore:
    """Lists worked out from the last ones after edits that leave a list's other scores as they were."""

    after: Inputs
    members: Members
    weights: Mapping[str, float]  # actor id -> log(N/df), after the change
    stamps: Mapping[str, float]  # slug -> date as a timestamp
    cap: int
    shift: float = 0.0  # log(N'/N): how much every weight moved

    def carry(self, slug: str, old: tuple[Related, ...], bound: float) -> tuple[tuple[Related, ...], float] | None:
        """The list of a briefing whose candidates and counted actors and topics are unchanged, and its new bound.

        Its members are scored again, adding in the order `related_lists` adds, so the scores are the
        same floats. A candidate left out shares at most K counted actors (K: this briefing's), so its
        score moved by at most K·shift (time only shrinks a score). None when a member no longer clears
        that bound: the list must be scored.
        """
        score = self._scorer(slug)
        moved = bound + max(0.0, score.counted * self.shift) + SLACK if bound > -math.inf else bound
        rescored = []
        for item in old:
            value = score(item.slug)
            if value is None or (moved > -math.inf and value <= moved + SLACK):
                return None  # (None cannot happen for an unchanged candidate; scored again rather than guessed)
            # An actor too common to count may have changed briefings: its weight orders the reasons all the same.
            shared = item.shared_actors
            if len(shared) > 1:
                shared = _by_weight(shared, self.weights)
            rescored.append(Related(item.slug, value, shared, item.shared_topics))
        rescored.sort(key=lambda r: (-r.score, r.slug))
        return tuple(rescored), moved

    def exchange(self, slug: str, old: tuple[Related, ...], bound: float,
                 edited: Collection[str]) -> tuple[tuple[Related, ...], float] | None:
        """The list of a briefing none of whose weights moved, after edits to other briefings only.

        The edited briefings' dates or topics changed, not any actor's briefings: every other
        candidate keeps its score, so each edited briefing is taken out and put back with its new
        score, and the best stay. A candidate that drops out raises the bound. None when the list
        must be scored: it is short while candidates were left out, or its last member does not
        clear the bound.
        """
        score = self._scorer(slug)
        _, mine, my_topics = self.after[slug]
        items = [item for item in old if item.slug not in edited]
        for other in edited:
            value = score(other)
            if value is not None:
                _, theirs, their_topics = self.after[other]
                items.append(Related(other, value, *_reasons(mine, theirs, my_topics, their_topics, self.weights)))
        items.sort(key=lambda r: (-r.score, r.slug))
        if len(items) > LIMIT:
            bound = max(bound, items[LIMIT].score)
            items = items[:LIMIT]
        if bound > -math.inf and (len(items) < LIMIT or items[-1].score <= bound + SLACK):
            return None
        return tuple(items), bound

    def _scorer(self, slug: str) -> _Scorer:
        _, actor_ids, topics = self.after[slug]
        actors, topic_members = self.members
        return _Scorer([(actors[a], self.weights[a]) for a in actor_ids
                        if len(actors[a]) <= self.cap and self.weights[a] > 0],
                       [topic_members[t] for t in topics if len(topic_members[t]) <= self.cap],
                       self.stamps[slug], self.stamps)


@dataclass(frozen=True)
class _Scorer:
    """One briefing's score for a candidate, as `related_lists` makes it: the same additions in the same order."""

    actors: list[tuple[set[str], float]]  # the briefings of each counted actor, and its weight
    topics: list[set[str]]  # the briefings of each counted topic
    here: float
    stamps: Mapping[str, float]

    @property
    def counted(self) -> int:
        """How many counted actors the briefing has: a candidate shares at most that many."""
        return len(self.actors)

    def __call__(self, other: str) -> float | None:
        """The score of `other`, or None when it is no candidate (it shares nothing that counts)."""
        raw: float | None = None
        for members, weight in self.actors:
            if other in members:
                raw = weight if raw is None else raw + weight
        for members in self.topics:
            if other in members:
                raw = TOPIC_WEIGHT if raw is None else raw + TOPIC_WEIGHT
        return None if raw is None else _shrunk(raw, self.here, self.stamps[other])


def _shrunk(raw: float, here: float, there: float) -> float:
    """A raw score shrunk by the distance in time between two dates (timestamps), rounded so that ties
    break by slug on every machine: a briefing three months away counts 1/√2 as much."""
    value: float = round(raw / (1.0 + abs(here - there) / 86400 / 90.0) ** 0.5, 9)
    return value


def _reasons(mine: Iterable[str], theirs: Iterable[str], my_topics: Iterable[str], their_topics: Iterable[str],
             weights: Mapping[str, float]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The actors two briefings share, the most telling first, and the topics they share."""
    return _by_weight(set(mine).intersection(theirs), weights), tuple(sorted(set(my_topics).intersection(their_topics)))


def _by_weight(actor_ids: Iterable[str], weights: Mapping[str, float]) -> tuple[str, ...]:
    """Actors by weight, rarest first, then by id: the order of the reasons shown."""
    return tuple(sorted(actor_ids, key=lambda a: (-weights[a], a)))


def _members(signature: Inputs) -> Members:
    """The briefings of each actor and of each topic."""
    actors: dict[str, set[str]] = defaultdict(set)
    topics: dict[str, set[str]] = defaultdict(set)
    for slug, (_, actor_ids, topic_slugs) in signature.items():
        for actor_id in actor_ids:
            actors[actor_id].add(slug)
        for topic in topic_slugs:
            topics[topic].add(slug)
    return actors, topics


def best(scores: Mapping[int, float], here: float, stamps: list[float], slugs: list[str],
         limit: int) -> tuple[list[tuple[float, str, int]], float]:
    """The `limit` best candidates as (-score, slug, index), best first, and a bound at or above the score
    of every candidate left out (-inf when none was); a score is the raw score shrunk by the distance in
    time, rounded so that ties break by slug on every machine.

    Shrinking never raises a score, so candidates are taken by raw score, highest first: once a raw
    score is below the `limit`-th best score found so far, neither it nor any after it can be among
    the best, and that raw score bounds theirs. A candidate scoring below that mark is dropped as soon
    as it is scored.
    """
    if limit < 1:
        return [], max(scores.values()) + 1e-9 if scores else -math.inf  # as below: raw scores, rounded up
    kept: list[tuple[float, str, int]] = []  # candidates that were among the best when scored
    floor: list[float] = []  # the best `limit` scores so far, lowest first
    left_out = -math.inf
    for other, raw in sorted(scores.items(), key=itemgetter(1), reverse=True):
        if len(floor) == limit and raw < floor[0] - 1e-9:  # below any rounding of a tie
            left_out = max(left_out, raw + 1e-9)  # their scores are at most their raw scores, rounded
            break
        value = _shrunk(raw, here, stamps[other])
        if len(floor) < limit:
            heapq.heappush(floor, value)
        elif value < floor[0]:
            if value > left_out:  # a comparison, not max(): this branch runs for most candidates
                left_out = value
            continue
        else:
            heapq.heapreplace(floor, value)
        kept.append((-value, slugs[other], other))
    kept.sort()
    if len(kept) > limit:
        left_out = max(left_out, -kept[limit][0])
    return kept[:limit], left_out


def candidate_cap(total: int) -> int:
    """How many briefings an actor or topic may be in and still count towards relatedness."""
    return max(50, int(4 * math.sqrt(total)))
