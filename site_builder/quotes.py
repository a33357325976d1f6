"""Quotations attributed to actors: a quote next to "said <actor>", "<actor> said", "according to <actor>"."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass

from .markdown import RenderedMention, TextBlock

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


def find_quotes(blocks: Sequence[TextBlock], mentions: Sequence[RenderedMention],
                persons: Set[str]) -> list[Quote]:
    """Attribute quotations in a body to the actors named next to them.

    Conservative on purpose: a quote is attributed only when the speaker is named in one of the
    patterns reporters use, or by "he/she said" to the last person named before the quote in the
    same or the previous paragraph.
    """
    by_block: dict[int, list[RenderedMention]] = {}
    for mention in mentions:
        by_block.setdefault(mention.block, []).append(mention)
    found: list[Quote] = []
    last_person: str | None = None
    for index, block in enumerate(blocks):
        spans = sorted(by_block.get(index, []), key=lambda m: m.start)
        for match in _QUOTE.finditer(block.text):
            text = (match.group(1) or match.group(2) or "").strip()
            if len(text.split()) < MIN_WORDS:
                continue
            speaker = _speaker(block.text, match.start(), match.end(), spans)
            if speaker is None and _PRONOUN.match(block.text[match.end():]):
                named = [m.actor_id for m in spans if m.end <= match.start() and m.actor_id in persons]
                speaker = named[-1] if named else last_person
            if speaker is not None:
                found.append(Quote(speaker, text.rstrip(",").strip(), block.line))
        people = [m.actor_id for m in spans if m.actor_id in persons]
        last_person = people[-1] if people else None
    return found


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
