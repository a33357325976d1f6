"""Quotations attributed to actors: a quote next to "said <actor>", "<actor> said", "according to <actor>"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from typing import NamedTuple

from site_builder.actors.mentions import RenderedMention, TextBlock

_VERBS = (r"(?:said|says|added|adds|wrote|writes|stated|states|declared|warned|insisted|noted|argued|claimed|"
          r"acknowledged|asserted|announced|"
          r"told\s+[^,.;:“”\"]{1,40}?|continued|explained|replied|tweeted|posted)")
_QUOTE = re.compile(r"“([^“”]+)”|\"([^\"]+)\"")
# Between a closing quote and the speaker: ', said national security spokesman ' or ', according to '.
_AFTER_VERB_FIRST = re.compile(rf"^[,.]?\s*(?:{_VERBS}|according\s+to)\s+(?:[^,.;:“”\"]{{0,60}}?\s)?$")
# Between a closing quote and the speaker when the verb follows the name: ', ' ... 'Kirby said'.
_AFTER_NAME_FIRST = re.compile(r"^[,.]?\s*$")
_VERB_AFTER_NAME = re.compile(rf"^\s*(?:,[^,“”\"]{{0,80}},\s*)?{_VERBS}\b")
# Between the speaker and an opening quote: ' said: ', ' said in a statement carried by KCNA, '.
_BEFORE_QUOTE = re.compile(rf"^\s*(?:,[^,“”\"]{{0,80}},\s*)?{_VERBS}(?:\s+[^“”\"]{{0,60}}?)?[:,]?\s*$")
_PRONOUN = re.compile(rf"^[,.]?\s*(?:he|she)\s+{_VERBS}\b", re.IGNORECASE)
MIN_WORDS = 4  # shorter quoted phrases are mostly scare quotes ("transnational criminal organization")


@dataclass(frozen=True)
class Quote:
    """A quotation and who said it, with the line it is on."""

    actor_id: str
    text: str
    line: int


class QuoteCandidate(NamedTuple):
    """A quotation found in a body, before it is known which actors are persons.

    Bodies are rendered (and cached) without knowing actor types, so the only attribution that
    depends on them, "he/she said", keeps its candidates: the actors named before the quote in its
    paragraph, nearest first, then those of the paragraph before. The first person among them speaks.
    """

    text: str
    line: int
    speaker: str | None  # named next to the quote in a reporter's pattern
    fallbacks: tuple[str, ...] = ()  # for "he/she said"


def find_quotes(blocks: Sequence[TextBlock], mentions: Sequence[RenderedMention],
                persons: Set[str]) -> list[Quote]:
    """Attribute quotations in a body to the actors named next to them.

    Conservative on purpose: a quote is attributed only when the speaker is named in one of the
    patterns reporters use, or by "he/she said" to the last person named before the quote in the
    same or the previous paragraph.
    """
    return resolve_quotes(quote_candidates(blocks, mentions), persons)


def resolve_quotes(candidates: Iterable[QuoteCandidate], persons: Set[str]) -> list[Quote]:
    """The quotes among `candidates` that have a speaker once it is known who is a person."""
    found: list[Quote] = []
    for candidate in candidates:
        speaker = candidate.speaker or next((a for a in candidate.fallbacks if a in persons), None)
        if speaker is not None:
            found.append(Quote(speaker, candidate.text, candidate.line))
    return found


def quote_candidates(blocks: Sequence[TextBlock], mentions: Sequence[RenderedMention]) -> tuple[QuoteCandidate, ...]:
    """Every quotation of a body that names its speaker or says "he/she said"; see `find_quotes`."""
    by_block: dict[int, list[RenderedMention]] = {}
    for mention in mentions:
        by_block.setdefault(mention.block, []).append(mention)
    found: list[QuoteCandidate] = []
    previous: list[str] = []  # actors of the paragraph before, nearest last
    for index, block in enumerate(blocks):
        spans = sorted(by_block.get(index, []), key=lambda m: m.start)
        for match in _QUOTE.finditer(block.text):
            text = (match.group(1) or match.group(2) or "").strip()
            if len(text.split()) < MIN_WORDS:
                continue
            speaker = _speaker(block.text, match.start(), match.end(), spans)
            fallbacks: tuple[str, ...] = ()
            if speaker is None:
                if not _PRONOUN.match(block.text[match.end():]):
                    continue
                named = [m.actor_id for m in spans if m.end <= match.start()]
                fallbacks = tuple(dict.fromkeys(reversed(named))) + tuple(dict.fromkeys(reversed(previous)))
                if not fallbacks:
                    continue
            found.append(QuoteCandidate(text.rstrip(",").strip(), block.line, speaker, fallbacks))
        previous = [m.actor_id for m in spans]
    return tuple(found)


def _speaker(text: str, quote_start: int, quote_end: int, spans: list[RenderedMention]) -> str | None:
    after = [m for m in spans if m.start >= quote_end]
    if after:
        first = after[0]
        between = text[quote_end:first.start]
        if _AFTER_VERB_FIRST.match(between):
            return first.actor_id
        if _AFTER_NAME_FIRST.match(between) and _VERB_AFTER_NAME.match(text[first.end:]):
            return first.actor_id
    before = [m for m in spans if m.end <= quote_start]
    if before:
        last = before[-1]
        if _BEFORE_QUOTE.match(text[last.end:quote_start]):
            return last.actor_id
    return None
