"""Which actor an ambiguous alias or a context alias names, by what the body named before it.

News text names a person in full once, then by surname, and a state once, then as "the North".
One resolver reads one body in order (docs/architecture.md, Mention rules, M9 and M13):

- an ambiguous alias ("Kim", claimed by several actors) names the claimant that the body named
  most recently before it by a name or plain alias; with none named, the one claimant the
  briefing lists in `actors:`, if exactly one; else nobody;
- a context alias ("the North") names, of the actors that declare it, the one named most recently
  before it; before any of them is named it is plain text. A description (a context alias several
  actors declare, "the country") names nobody when the claimant named last was named as a place
  ("officials in Seoul") and another one was named otherwise more recently than that: recency and
  salience disagree;
- a qualified context alias ("the regime in Pyongyang") names the actor of its qualifier.

Only plain names and aliases name an actor: a resolved mention does not. A shared form that begins
a longer name ("Kim Il Sung", "Park Chung-hee") names someone outside the registry: a later "Kim"
named after it goes to nobody. So does a possessive name no form claims ("Japan’s") for a later
description such as "the country". Headings name actors too, though they get no links. Each mention
is resolved once, as it is found: one pass over the matches.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple

from site_builder.actors.matcher import AMBIGUOUS, DESCRIPTION, OUTSIDE, PLAIN, QUALIFIED, UNCLAIMED, Mention


class Resolution(NamedTuple):
    """Whose a mention is (None: nobody), and for a resolved one how, in words for a hover title."""

    actor_id: str | None
    how: str = ""


class Resolver:
    """Resolves the mentions of one body in reading order; make one per body."""

    def __init__(self, names: Mapping[str, str], listed: Collection[str] = ()) -> None:
        """`names` gives each actor's name; `listed` are the ids in the briefing's `actors:`."""
        self._names = names
        self._listed = listed
        self._named: dict[str, tuple[int, str]] = {}  # actor -> (order of its latest naming, where)
        self._named_not_as_place: dict[str, tuple[int, str]] = {}  # the same, leaving out namings as a place
        self._outside: dict[tuple[str, ...], int] = {}  # claimants of a shared form -> its latest outside naming
        self._unclaimed = 0  # order of the latest possessive name that no form claims ("Japan’s")
        self._order = 0

    def named(self, actor_id: str, where: str, place: bool = False) -> None:
        """Record that the body named this actor by a plain name form, at `where` ("paragraph 2");
        `place`: right after "in", as where something happens."""
        self._order += 1
        self._named[actor_id] = (self._order, where)
        if not place:
            self._named_not_as_place[actor_id] = (self._order, where)

    def resolve(self, mention: Mention, where: str) -> Resolution:
        """The actor of a mention found at `where`; a plain one is also recorded as named, and one that
        names someone outside the registry is recorded as that."""
        kind = mention.kind
        if kind == PLAIN:
            if mention.actor_id is not None:
                self.named(mention.actor_id, where, mention.place)
            return Resolution(mention.actor_id)
        if kind == QUALIFIED and mention.actor_id is not None:
            return self._explained(mention, mention.actor_id, "named right after it")
        if kind in (OUTSIDE, UNCLAIMED):
            self._order += 1
            if kind == OUTSIDE:
                self._outside[mention.claimants] = self._order
            else:
                self._unclaimed = self._order
            return Resolution(None)
        latest = _latest(mention.claimants, self._named)
        outside = self._outside.get(mention.claimants, 0)
        if kind == DESCRIPTION:
            outside = max(outside, self._unclaimed)
        if latest is None:
            if kind == AMBIGUOUS and not outside:
                listed = [actor_id for actor_id in mention.claimants if actor_id in self._listed]
                if len(listed) == 1:
                    return self._explained(mention, listed[0], "listed in the briefing's actors")
            return Resolution(None)
        actor_id, (order, named_where) = latest
        if order < outside:
            return Resolution(None)  # the last one of that name or kind was someone outside the registry
        if kind == DESCRIPTION:
            salient = _latest(mention.claimants, self._named_not_as_place)
            if salient is not None and salient[0] != actor_id:
                return Resolution(None)  # the last named was only a place: "officials in Seoul said the country"
        return self._explained(mention, actor_id, f"named in {named_where}")

    def _explained(self, mention: Mention, actor_id: str, how: str) -> Resolution:
        name = self._names.get(actor_id, actor_id)
        return Resolution(actor_id, f"{' '.join(mention.text.split())} → {name}, {how}")


def _latest(claimants: Iterable[str], named: Mapping[str, tuple[int, str]]) -> tuple[str, tuple[int, str]] | None:
    """The claimant named most recently in `named`, with its (order, where); None if none was named."""
    latest = None
    for actor_id in claimants:
        found = named.get(actor_id)
        if found is not None and (latest is None or found[0] > latest[1][0]):
            latest = (actor_id, found)
    return latest
