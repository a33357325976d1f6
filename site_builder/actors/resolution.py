"""Which actor an ambiguous alias or a context alias names, by what the body named before it.

News text names a person in full once, then by surname, and a state once, then as "the North".
One resolver reads one body in order (docs/architecture.md, Mention rules, M9 and M13):

- an ambiguous alias ("Kim", claimed by several actors) names the claimant that the body named
  most recently before it by a name or plain alias; with none named, the one claimant the
  briefing lists in `actors:`, if exactly one; else nobody;
- a context alias ("the North") names, of the actors that declare it, the one named most recently
  before it; before any of them is named it is plain text.

Only plain names and aliases name an actor: a resolved mention does not. A shared form that begins
a longer name ("Kim Il Sung", "Park Chung-hee") names someone outside the registry: a later "Kim"
named after it goes to nobody. Headings name actors too, though they get no links. Each mention is
resolved once, as it is found: one pass over the matches.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import NamedTuple

from site_builder.actors.matcher import AMBIGUOUS, OUTSIDE, PLAIN, Mention


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
        self._outside: dict[tuple[str, ...], int] = {}  # claimants of a shared form -> its latest outside naming
        self._order = 0

    def named(self, actor_id: str, where: str) -> None:
        """Record that the body named this actor by a plain name form, at `where` ("paragraph 2")."""
        self._order += 1
        self._named[actor_id] = (self._order, where)

    def resolve(self, mention: Mention, where: str) -> Resolution:
        """The actor of a mention found at `where`; a plain one is also recorded as named."""
        if mention.kind == PLAIN:
            if mention.actor_id is not None:
                self.named(mention.actor_id, where)
            return Resolution(mention.actor_id)
        if mention.kind == OUTSIDE:
            self._order += 1
            self._outside[mention.claimants] = self._order
            return Resolution(None)
        latest = None
        for actor_id in mention.claimants:
            found = self._named.get(actor_id)
            if found is not None and (latest is None or found[0] > latest[1][0]):
                latest = (actor_id, found)
        outside = self._outside.get(mention.claimants, 0)
        if (latest is not None and latest[1][0] < outside) or (latest is None and outside):
            return Resolution(None)  # the last one of that name was someone outside the registry
        if latest is not None:
            return self._explained(mention, latest[0], f"named in {latest[1][1]}")
        if mention.kind == AMBIGUOUS:
            listed = [actor_id for actor_id in mention.claimants if actor_id in self._listed]
            if len(listed) == 1:
                return self._explained(mention, listed[0], "listed in the briefing's actors")
        return Resolution(None)

    def _explained(self, mention: Mention, actor_id: str, how: str) -> Resolution:
        name = self._names.get(actor_id, actor_id)
        return Resolution(actor_id, f"{' '.join(mention.text.split())} → {name}, {how}")
