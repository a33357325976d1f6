"""Sentence bounds in block text, so a profile can show the sentence in which an actor is mentioned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from site_builder.actors.mentions import RenderedMention, TextBlock

# A sentence ends at . ! or ? (with closing quotes or brackets after it), then white space, then
# something that can start a sentence.
_BOUNDARY = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘(\[]?[^\W\d_]|\d)")
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "sgt", "capt", "cmdr", "adm", "sen", "rep",
    "gov", "pres", "st", "jr", "sr", "no", "nos", "vs", "etc", "approx", "est", "dept", "univ", "inc", "ltd",
    "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig",
    "al", "e.g", "i.e",
})
MAX_EXCERPT = 320
PER_ACTOR = 2  # excerpts a profile shows for each briefing


class Excerpt(NamedTuple):
    """A sentence split around one mention, so templates can highlight it without touching HTML."""

    before: str
    match: str
    after: str

    @property
    def text(self) -> str:
        """The whole sentence."""
        return self.before + self.match + self.after


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the sentences of a block, white space trimmed."""
    bounds = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        following = text[match.end():match.end() + 2].lstrip("\"“‘([")[:1]
        if following.islower() or _is_abbreviation(text, match.start()):
            continue  # "“Is it?” he asked" and "U.S. Army" go on in the same sentence
        bounds.append((start, match.start() + len(match.group().rstrip())))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text.rstrip())))
    return [(s, e) for s, e in bounds if e > s]


def _is_abbreviation(text: str, dot: int) -> bool:
    """'U.S.', 'Gen.', 'Jan.' and single initials end with a dot but do not end a sentence."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(“\"‘":
        word_start -= 1
    word = text[word_start:dot]
    return "." in word or len(word) == 1 or word.lower() in _ABBREVIATIONS


def excerpt(text: str, start: int, end: int, bounds: list[tuple[int, int]] | None = None) -> Excerpt:
    """The sentence around text[start:end], shortened around the match when it is very long.

    `bounds` are the text's sentence bounds when the caller already has them.
    """
    spans = sentence_bounds(text) if bounds is None else bounds
    s, e = next(((s, e) for s, e in spans if s <= start < e), (0, len(text)))
    e = max(e, end)
    before, after = text[s:start], text[end:e]
    room = max(40, (MAX_EXCERPT - (end - start)) // 2)
    if len(before) > room:
        before = "…" + before[-room:].split(" ", 1)[-1]
    if len(after) > room:
        after = after[:room].rsplit(" ", 1)[0] + "…"
    return Excerpt(" ".join(before.split(" ")), text[start:end], after)


def first_excerpts(blocks: Sequence[TextBlock], mentions: Sequence[RenderedMention],
                   limit: int = PER_ACTOR) -> dict[str, tuple[Excerpt, ...]]:
    """For each actor mentioned in a body, the first `limit` different sentences that mention it."""
    found: dict[str, list[Excerpt]] = {}
    bounds: dict[int, list[tuple[int, int]]] = {}  # sentence bounds of a block serve every actor in it
    for mention in mentions:
        out = found.setdefault(mention.actor_id, [])
        if len(out) == limit:
            continue
        text = blocks[mention.block].text
        spans = bounds.get(mention.block)
        if spans is None:
            spans = bounds[mention.block] = sentence_bounds(text)
        new = excerpt(text, mention.start, mention.end, spans)
        if all(new.text != old.text for old in out):
            out.append(new)
    return {actor_id: tuple(out) for actor_id, out in found.items()}
