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


PLAIN, AMBIGUOUS = "plain", "ambiguous"  # the kinds of a match
CONTEXT = "context"  # a context alias that one actor declares ("the North")
DESCRIPTION = "description"  # a context alias that several actors declare ("the country"): it describes a kind (M13)
QUALIFIED = "qualified"  # a context alias whose qualifier names one of its declarers ("the regime in Pyongyang")
OUTSIDE = "outside"  # a shared form that begins a longer name ("Kim Il Sung"): someone outside the registry
UNCLAIMED = "unclaimed"  # a capitalised possessive that no form claims ("Japan’s"): someone outside the registry
# Marks between the end of one sentence and the first word of the next (folded: ’ is ').
_CLOSING, _OPENING = "\"')]\u201d", "\"'([\u201c\u2018"
# What may qualify a context alias: "of" or "in", then a capitalised word ("the regime in Moscow").
_QUALIFIER = re.compile(r" +(in|of) +(?=[^\W\d_])")
# Capitalised words that take 's for "is", "has" or "us", not as a possessive: never a name.
_CONTRACTED = frozenset("It He She That This There Here What Who Where When Why How Let".split())
_LETTERS = re.compile(r"[^\W\d_]+")


class Mention(NamedTuple):
    """One match: where it is in the text, what was written, and whose it is.

    `actor_id` is the owner of a plain name form, or the actor that qualifies a QUALIFIED context alias;
    None for the other kinds: an ambiguous alias or a context alias names one of its `claimants`, chosen
    by what the body named before it, and OUTSIDE and UNCLAIMED name someone outside the registry.
    A named tuple: a body has many of these, and a tuple is made in C.
    """

    start: int
    end: int
    text: str
    actor_id: str | None
    kind: str = PLAIN
    claimants: tuple[str, ...] = ()
    place: bool = False  # a plain form right after "in" ("officials in Seoul"): a place, not a topic (M13)


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
        self._descriptions = frozenset(key for key, ids in self.registry.context.items() if len(ids) > 1)
        self._borrowed = _borrowed_forms(self.owners, self.registry.names)
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
        start of a sentence; ending in a capitalised word, followed by another capitalised word; qualified
        by a name that is not one of its declarers ("the regime in Moscow"). So is a borrowed name form
        inside a longer name (M14: "Seoul National University"). A shorter form inside a form left out may
        still match. An alias claimed by several actors followed by a capitalised word (M9) comes as
        OUTSIDE; when descriptions are registered, a capitalised possessive that no mention covers comes
        as UNCLAIMED ("Japan’s"). Both name someone outside the registry, for the resolver.
        """
        if self.pattern is None:
            return
        folded = fold(text)
        # Few texts hold many possessives: listed at once, they cost less than a second scan alongside.
        possessives = list(_possessives(folded)) if self._descriptions and "'s" in folded else []
        pending = covered = 0
        match = self.pattern.search(folded)
        while match is not None:
            mention, match = self._mention_at(text, folded, match)
            if mention is None:
                continue
            while pending < len(possessives) and possessives[pending][0] < mention.start:
                begin, end = possessives[pending]
                if begin >= covered:
                    yield Mention(begin, end, text[begin:end], None, UNCLAIMED)
                pending += 1
            covered = max(covered, mention.end)
            yield mention
        for begin, end in possessives[pending:]:
            if begin >= covered:
                yield Mention(begin, end, text[begin:end], None, UNCLAIMED)

    def _mention_at(self, text: str, folded: str, match: re.Match[str]) -> tuple[Mention | None, re.Match[str] | None]:
        """The mention a match of the pattern makes (None where the form is not taken there), and the next match."""
        assert self.pattern is not None
        search = self.pattern.search
        key = _SPACES.sub(" ", match.group())
        start, end = match.start(), match.end()
        if key not in self.owners:  # a context alias
            mention = self._context_mention(text, folded, key, start, end)
            if mention is None:  # not taken: a shorter form may start inside it ("North Korean" in "the North Korean")
                return None, search(folded, start + 1)
            return mention, search(folded, end)
        owner = self.owners[key]
        claimants = self.registry.claimants.get(key, ())
        if claimants and _continues_a_name(folded, key, end):
            # "Kim Il Sung": names none of the claimants, and counts as naming someone; a shorter form may follow
            return Mention(start, end, text[start:end], None, OUTSIDE, claimants), search(folded, start + 1)
        if owner is None:
            return Mention(start, end, text[start:end], None, AMBIGUOUS, claimants), search(folded, end)
        if key in self._borrowed and _inside_a_longer_name(folded, key, start, end):
            return None, search(folded, start + 1)  # "Seoul National University", "USS George Washington"
        place = bool(self._descriptions) and _after_in(folded, start)  # places matter for descriptions only
        end, following = self._merged(folded, owner, start, end)
        return Mention(start, end, text[start:end], owner, PLAIN, claimants, place), following

    def _context_mention(self, text: str, folded: str, key: str, start: int, end: int) -> Mention | None:
        """The mention of a context alias found at start:end, or None where it is not taken (Mention rules, M13)."""
        canonical = self._context[key]
        if key != canonical and not _opens_sentence(folded, start):
            return None  # capitalised away from the start of a sentence
        if _continues_a_name(folded, key, end):
            return None  # "the North Korean leader"
        declarers = self.registry.context[canonical]
        qualifier = _QUALIFIER.match(folded, end)
        if qualifier is not None and folded[qualifier.end()].isupper():
            assert self.pattern is not None
            named = self.pattern.match(folded, qualifier.end())
            owner = self.owners.get(_SPACES.sub(" ", named.group())) if named is not None else None
            # "of" always qualifies ("the North of England"); "in" only a common noun, by a name form: "the regime
            # in Moscow" is Russia's, while "talks with the North in Seoul" and "the regime in March" say where or when.
            if qualifier.group(1) == "of" or (owner is not None and not _has_capital(canonical)):
                if owner is None or owner not in declarers:
                    return None  # the qualifier, not the antecedent, says whose it is
                return Mention(start, end, text[start:end], owner, QUALIFIED, declarers)
        kind = DESCRIPTION if canonical in self._descriptions else CONTEXT
        return Mention(start, end, text[start:end], None, kind, declarers)

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


def _continues_a_name(folded: str, key: str, end: int) -> bool:
    """Whether a name form ending in a capitalised word is followed by another: then it is part of a longer
    name ("the North Korean leader", "Kim Il Sung Square")."""
    return (key.rsplit(" ", 1)[-1][:1].isupper() and folded[end : end + 1] == " "
            and folded[end + 1 : end + 2].isupper())


def _follows_a_name(folded: str, start: int) -> bool:
    """Whether a capitalised word, other than the first of a sentence or a possessive, stands one space before
    `start`: then the form there ends a longer name ("USS George Washington")."""
    if start < 2 or folded[start - 1] != " " or not folded[start - 2].isalpha():
        return False
    begin = folded.rfind(" ", 0, start - 1) + 1
    while folded[begin] in _OPENING:
        begin += 1
    word = folded[begin : start - 1]
    return word[:1].isupper() and not word.endswith("'s") and not _opens_sentence(folded, begin)


def _inside_a_longer_name(folded: str, key: str, start: int, end: int) -> bool:
    """Whether the form at start:end is joined by a space to a capitalised word before or after it (M14)."""
    return _continues_a_name(folded, key, end) or _follows_a_name(folded, start)


def _opens_sentence(folded: str, pos: int) -> bool:
    """Whether `pos` starts a sentence: at the start of the text, or after `.`, `!` or `?` and any closing
    quotation marks or brackets, then white space and opening quotation marks or brackets."""
    i = pos
    while i and (folded[i - 1].isspace() or folded[i - 1] in _OPENING):
        i -= 1
    while i and folded[i - 1] in _CLOSING:
        i -= 1
    return i == 0 or folded[i - 1] in ".!?"


def _after_in(folded: str, start: int) -> bool:
    """Whether "in" and a space stand just before `start` ("officials in Seoul", "In Moscow, ..."): a place."""
    return (start >= 3 and folded[start - 3 : start] in ("in ", "In ")
            and (start == 3 or not folded[start - 4].isalnum()))


def _possessives(folded: str) -> Iterator[tuple[int, int]]:
    """Where each capitalised word with a possessive 's is ("Japan's": the word without the 's).

    Found by looking for 's, then back over the word: few texts hold many, so this is cheaper than a
    regular expression tried at every letter. Words that take 's for "is" ("It's") are left out.
    """
    at = folded.find("'s")
    while at != -1:
        after = at + 2
        if after == len(folded) or not folded[after].isalnum():
            begin = at
            while begin and folded[begin - 1].isalnum():
                begin -= 1
            if (begin < at and folded[begin].isupper() and (begin == 0 or folded[begin - 1] not in "'.-")
                    and folded[begin:at] not in _CONTRACTED):
                yield begin, at
        at = folded.find("'s", after)


def _borrowed_forms(owners: Mapping[str, str | None], names: Mapping[str, str]) -> frozenset[str]:
    """The plain forms that are borrowed (Mention rules, M14): one capitalised word, not all in capitals, that
    does not share its first four letters with a capitalised word of the actor's name. "Seoul" for South Korea
    and "the Kremlin" for Russia are borrowed; "Russian" for Russia, "Kim" for Kim Jong Un, "U.S." and
    "North Atlantic Treaty Organization" (two or more capitalised words: a full name of its own) are not."""
    stems = {actor: {word[:4] for word in _capitalised_words(name)} for actor, name in names.items()}
    borrowed = set()
    for key, owner in owners.items():
        if owner is None or owner not in stems:
            continue
        words = _capitalised_words(key)
        if len(words) == 1 and not words[0].isupper() and words[0][:4] not in stems[owner]:
            borrowed.add(key)
    return frozenset(borrowed)


def _has_capital(key: str) -> bool:
    return any(char.isupper() for char in key)


def _capitalised_words(text: str) -> list[str]:
    return [word for word in _LETTERS.findall(text) if word[0].isupper()]


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
