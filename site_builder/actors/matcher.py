"""Alias registry and mention matcher: one trie-shaped regular expression over every name and alias.

The matcher finds name forms by docs/architecture.md, Mention rules. A plain name or alias has one
owner; an ambiguous one and a context alias carry their claimants, for `actors.resolution` to choose
from by what the body named before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from site_builder.core.config import MentionsConfig
from site_builder.core.errors import Diagnostics, SourceLocation
from site_builder.core.keys import digest
from site_builder.core.models import Actor

# One character in, one character out, so match positions slice the original text.
_EQUIVALENTS = (
    ("\u00a0", " "), ("\t", " "), ("\n", " "), ("\r", " "), ("\u2007", " "), ("\u202f", " "),
    ("\u2009", " "), ("\u200a", " "), ("\u3000", " "), ("\u2002", " "), ("\u2003", " "),
    ("\u2010", "-"), ("\u2011", "-"),
    ("\u2019", "'"),
)
_SPACES = re.compile(r" +")
# "Letter or digit" in any script: \w without the underscore.
# Checked once the first character of an alias has matched: the character before that one.
_WORD_BEFORE_FIRST = r"(?<![^\W_].)"
_WORD_AFTER = r"(?![^\W_])"


def fold(text: str) -> str:
    """Map equivalent characters to one form without changing the length of the text.

    A replace per character that occurs, not `str.translate`: translate looks every character of the
    text up in a table, while most texts hold few or none of these.
    """
    for old, new in _EQUIVALENTS:
        if old in text:
            text = text.replace(old, new)
    return text


def alias_key(alias: str) -> str:
    """The form an alias is registered under: folded, with white-space runs as one space."""
    return _SPACES.sub(" ", fold(alias).strip())


PLAIN, AMBIGUOUS, CONTEXT = "plain", "ambiguous", "context"  # the kinds of a match
OUTSIDE = "outside"  # a shared form that begins a longer name ("Kim Il Sung"): someone outside the registry
# After a sentence ends: a capitalised context alias ("The North" for "the North") is taken only here.
_SENTENCE_END = re.compile(r"(?:^|[.!?][\"'\u201d\u2019)\]]*)[\s\"'\u201c\u2018(\[]*$")


class Mention(NamedTuple):
    """One match: where it is in the text, what was written, and whose it is.

    `actor_id` is the owner of a plain name form, None for the other kinds: an ambiguous alias or a
    context alias names one of its `claimants`, chosen by what the body named before it.
    A named tuple: a body has many of these, and a tuple is made in C.
    """

    start: int
    end: int
    text: str
    actor_id: str | None
    kind: str = PLAIN
    claimants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registry:
    """Every name form by its key: what a Matcher is built from, also in worker processes."""

    owners: Mapping[str, str | None]  # name or alias -> its actor; None: claimed by several or declared ambiguous
    claimants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # ambiguous alias -> who claims it
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # context alias -> who declares it
    names: Mapping[str, str] = field(default_factory=dict)  # actor id -> name, for saying how a mention resolved


@dataclass(frozen=True)
class AliasOwner:
    """Who claims an alias and where, for ambiguity reports."""

    actor_id: str
    path: str
    line: int


class Matcher:
    """Finds actor mentions in plain text; built once per build from the whole registry."""

    def __init__(self, owners: Mapping[str, str | None], claimants: Mapping[str, tuple[str, ...]] | None = None,
                 context: Mapping[str, tuple[str, ...]] | None = None, names: Mapping[str, str] | None = None) -> None:
        self.registry = Registry(dict(owners), dict(claimants or {}), dict(context or {}), dict(names or {}))
        self.owners = self.registry.owners
        # A context alias that starts with a lowercase letter also matches capitalised, at a sentence start.
        self._context = {key: key for key in self.registry.context if key not in self.owners}
        self._context.update({_capitalised(key): key for key in list(self._context)
                              if key[:1].islower() and _capitalised(key) not in self.owners})
        keys = set(self.owners) | set(self._context)
        self.pattern = _compile(sorted(keys)) if keys else None

    @classmethod
    def from_registry(cls, registry: Registry) -> Matcher:
        """The matcher of a registry, as another process rebuilds it."""
        return cls(registry.owners, registry.claimants, registry.context, registry.names)

    @cached_property
    def registry_digest(self) -> bytes:
        """A digest of the whole registry, made once: a rebuild that changed no actor keeps this matcher."""
        r = self.registry
        return digest(*(f"{alias}\0{owner or ''}" for alias, owner in sorted(r.owners.items())),
                      *(f"a\0{alias}\0{','.join(ids)}" for alias, ids in sorted(r.claimants.items())),
                      *(f"c\0{alias}\0{','.join(ids)}" for alias, ids in sorted(r.context.items())),
                      *(f"n\0{actor}\0{name}" for actor, name in sorted(r.names.items())))

    def find(self, text: str) -> Iterator[Mention]:
        """Every mention in the text, leftmost first, longest at each position, never overlapping.

        Name forms of one actor that overlap or touch make one mention covering them all: "President
        Moon Jae-in", from "President Moon" and "Moon Jae-in" (Mention rules, M5).

        A context alias is left out where it is not taken (Mention rules, M13): capitalised away from the
        start of a sentence, or, ending in a capitalised word, followed by another capitalised word. So is
        an alias claimed by several actors followed by a capitalised word (M9). A shorter form inside a
        form left out may still match.
        """
        if self.pattern is None:
            return
        folded = fold(text)
        search = self.pattern.search
        match = search(folded)
        while match is not None:
            key = _SPACES.sub(" ", match.group())
            start, end = match.start(), match.end()
            claimants = self.registry.claimants.get(key, ())
            if key in self.owners and not (claimants and _continues_a_name(folded, key, end)):
                owner = self.owners[key]
                if owner is not None:
                    end, match = self._merged(folded, owner, start, end)
                    yield Mention(start, end, text[start:end], owner, PLAIN, claimants)
                    continue
                yield Mention(start, end, text[start:end], owner, AMBIGUOUS, claimants)
            elif key in self.owners:  # "Kim Il Sung": names none of the claimants, and counts as naming someone
                yield Mention(start, end, text[start:end], None, OUTSIDE, claimants)
                match = search(folded, start + 1)
                continue
            elif self._context_taken(folded, key, start, end):
                yield Mention(start, end, text[start:end], None, CONTEXT, self.registry.context[self._context[key]])
            else:  # not taken: a shorter name form may start inside it ("North Korean" in "the North Korean")
                match = search(folded, start + 1)
                continue
            match = search(folded, end)

    def _merged(self, folded: str, owner: str, start: int, end: int) -> tuple[int, re.Match[str] | None]:
        """The end of a mention of `owner` at start:end, grown over the forms of that actor that overlap or
        touch it, and the next match after it. Other actors' forms inside it give way, as ever."""
        assert self.pattern is not None
        following = self.pattern.search(folded, start + 1)
        while following is not None and following.start() <= end:
            mine = self.owners.get(_SPACES.sub(" ", following.group())) == owner
            if not mine and following.start() == end:
                break  # another actor's form right after this one: the next mention
            if mine and following.end() > end:
                end = following.end()
            following = self.pattern.search(folded, following.start() + 1)
        if following is not None and following.start() < end:
            following = self.pattern.search(folded, end)
        return end, following

    def _context_taken(self, folded: str, key: str, start: int, end: int) -> bool:
        """Whether a context alias found at start:end is taken there (Mention rules, M13)."""
        if key != self._context[key] and not _SENTENCE_END.search(folded, 0, start):
            return False  # capitalised away from the start of a sentence
        return not _continues_a_name(folded, key, end)


def _continues_a_name(folded: str, key: str, end: int) -> bool:
    """Whether a name form ending in a capitalised word is followed by another: then it is part of a longer
    name ("the North Korean leader", "Kim Il Sung Square"), and a shared or context form is not taken."""
    return (key.rsplit(" ", 1)[-1][:1].isupper() and folded[end : end + 1] == " "
            and folded[end + 1 : end + 2].isupper())


def _capitalised(key: str) -> str:
    return key[:1].upper() + key[1:]


def build_registry(actors: Iterable[Actor], mentions: MentionsConfig, diagnostics: Diagnostics,
                   previous: Matcher | None = None) -> Matcher:
    """Register every name and alias; an alias claimed by two actors is an error unless declared ambiguous.

    Context aliases are registered beside them; one that equals another actor's name or alias is an
    error, since that name form always wins. `previous` is reused when the registry is unchanged:
    compiling every alias is the slow part, and most rebuilds do not touch an actor.
    """
    actors = list(actors)
    claims = _claims(actors)
    owners = alias_owners(actors, mentions, diagnostics, claims)
    registry = Registry(owners, {key: tuple(o.actor_id for o in claims[key]) for key, owner in owners.items()
                                 if owner is None and len(claims.get(key, ())) > 1},
                        _context_aliases(actors, claims, diagnostics), {a.id: a.name for a in actors})
    if previous is not None and previous.registry == registry:
        return previous
    return Matcher.from_registry(registry)


def _claims(actors: Iterable[Actor]) -> dict[str, list[AliasOwner]]:
    """Every name and alias key with the actors that claim it, in the order of the actors."""
    claims: dict[str, list[AliasOwner]] = {}
    for actor in actors:
        lines = (actor.name_line, *actor.alias_lines)
        for alias, line in zip((actor.name, *actor.aliases), lines, strict=False):
            key = alias_key(alias)
            if not key:
                continue
            owners = claims.setdefault(key, [])
            if all(o.actor_id != actor.id for o in owners):
                owners.append(AliasOwner(actor.id, actor.path, line))
    return claims


def _context_aliases(actors: Iterable[Actor], claims: Mapping[str, list[AliasOwner]],
                     diagnostics: Diagnostics) -> dict[str, tuple[str, ...]]:
    """Context alias key -> the actors that declare it; one that is another actor's name form is an error."""
    context: dict[str, list[str]] = {}
    for actor in actors:
        for alias, line in zip(actor.context_aliases, actor.context_alias_lines, strict=False):
            key = alias_key(alias)
            if not key:
                continue
            others = [o.actor_id for o in claims.get(key, ()) if o.actor_id != actor.id]
            if others:
                diagnostics.error(SourceLocation(actor.path, line),
                                  f"context alias {key!r} is a name or alias of {' and '.join(map(repr, others))}",
                                  "that name form always wins; remove the context alias, or the other actor's alias")
            elif actor.id not in context.setdefault(key, []) and key not in claims:
                context[key].append(actor.id)
    return {key: tuple(ids) for key, ids in sorted(context.items()) if ids}


def alias_owners(actors: Iterable[Actor], mentions: MentionsConfig, diagnostics: Diagnostics,
                 claims: Mapping[str, list[AliasOwner]] | None = None) -> dict[str, str | None]:
    """Alias key → actor id (None for aliases claimed by several or declared ambiguous), reporting aliases
    claimed twice that are not declared."""
    claims = _claims(actors) if claims is None else claims
    declared = {alias_key(a) for a in mentions.ambiguous}
    registry: dict[str, str | None] = {}
    for key, owners in sorted(claims.items()):
        if len(owners) == 1 and key not in declared:
            registry[key] = owners[0].actor_id
            continue
        registry[key] = None
        if len(owners) > 1 and key not in declared:
            ids = " and ".join(repr(o.actor_id) for o in owners)
            last = owners[-1]
            diagnostics.error(
                SourceLocation(last.path, last.line),
                f"alias {key!r} is claimed by both {ids}",
                f"remove it from one actor, or list {key!r} under mentions.ambiguous in config.yaml",
            )
    return registry


def _compile(keys: list[str]) -> re.Pattern[str]:
    """One regular expression shaped like a trie of the aliases.

    A flat alternation of many aliases makes the engine retry every alias at every
    position; a trie shares prefixes so each position costs about one walk down the tree.
    Longer continuations come first so the engine prefers the longest alias, and it backtracks
    to a shorter one when the longer one fails the word-boundary check.

    The pattern starts with the aliases' first characters and checks the word boundary before
    them only after the first one: a pattern that starts with a character set lets the engine skip
    ahead in C to the next place an alias can start, instead of trying the pattern at every position.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    starts = [re.escape(char) + _WORD_BEFORE_FIRST + _trie_regex(trie[char]) for char in sorted(k for k in trie if k)]
    return re.compile("(?:" + "|".join(starts) + ")" + _WORD_AFTER)


def _trie_regex(node: dict) -> str:  # type: ignore[type-arg]
    terminal = "" in node
    branches = []
    for char in sorted(k for k in node if k):
        piece = " +" if char == " " else re.escape(char)
        branches.append(piece + _trie_regex(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if terminal:
        return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
    return body
