"""Alias registry and mention matcher: one trie-shaped regular expression over every name and alias."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


class Mention(NamedTuple):
    """One match: where it is in the text, what was written, and whose it is (None when ambiguous).

    A named tuple: a body has many of these, and a tuple is made in C.
    """

    start: int
    end: int
    text: str
    actor_id: str | None


@dataclass(frozen=True)
class AliasOwner:
    """Who claims an alias and where, for ambiguity reports."""

    actor_id: str
    path: str
    line: int


class Matcher:
    """Finds actor mentions in plain text; built once per build from the whole registry."""

    def __init__(self, owners: dict[str, str | None]) -> None:
        self.owners = owners  # alias key -> actor id, None for aliases declared ambiguous
        self.pattern = _compile(sorted(owners)) if owners else None

    @cached_property
    def registry_digest(self) -> bytes:
        """A digest of the alias registry, made once: a rebuild that changed no actor keeps this matcher."""
        return digest(*(f"{alias}\0{owner or ''}" for alias, owner in sorted(self.owners.items())))

    def find(self, text: str) -> Iterator[Mention]:
        """Every mention in the text, leftmost first, longest at each position, never overlapping."""
        if self.pattern is None:
            return
        folded = fold(text)
        for match in self.pattern.finditer(folded):
            key = _SPACES.sub(" ", match.group())
            yield Mention(match.start(), match.end(), text[match.start() : match.end()], self.owners.get(key))


def build_registry(actors: Iterable[Actor], mentions: MentionsConfig, diagnostics: Diagnostics,
                   previous: Matcher | None = None) -> Matcher:
    """Register every name and alias; an alias claimed by two actors is an error unless declared ambiguous.

    `previous` is reused when the registry is unchanged: compiling every alias is the slow part,
    and most rebuilds do not touch an actor.
    """
    owners = alias_owners(actors, mentions, diagnostics)
    if previous is not None and previous.owners == owners:
        return previous
    return Matcher(owners)


def alias_owners(actors: Iterable[Actor], mentions: MentionsConfig, diagnostics: Diagnostics) -> dict[str, str | None]:
    """Alias key → actor id (None for declared-ambiguous aliases), reporting aliases claimed twice."""
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
