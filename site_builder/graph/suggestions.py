"""New-actor suggestions: capitalised names in briefings that no actor's name or alias claims."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from site_builder.actors.excerpts import sentence_bounds
from site_builder.actors.mentions import RenderedMention, TextBlock
from site_builder.graph.site_graph import SiteGraph

# A capitalised word, with inner apostrophes, hyphens and dots (Kwon Jeong-gun, U.S., O’Brien).
_WORD = r"(?:[^\W\d_a-z][\w’'.\-]*[\w.]|[^\W\d_a-z])"
_CONNECTOR = r"(?:of|the|de|del|al|bin|ibn|von|van|der|den|la|le|du|da|di|y)"
_CONNECTORS = frozenset("of the de del al bin ibn von van der den la le du da di y".split())
_RUN = re.compile(rf"(?<![\w’'\-]){_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_WORD})*")
_POSSESSIVE = re.compile(r"[’']s$")

TITLES = frozenset("""
president vice prime minister foreign defence defense interior finance secretary general gen. director deputy
chairman chairwoman chair spokesman spokeswoman spokesperson ambassador envoy senior supreme leader king queen
prince princess pope mr mr. mrs mrs. ms ms. dr dr. lieutenant lt. colonel col. admiral adm. marshal field
commander chief head sergeant captain major senator sen. governor gov. mayor premier chancellor representative
rep. officer official adviser advisor coordinator minister-counsellor first deputy-director director-general
""".split())
COMMON = frozenset("""
a an the this that these those he she it they we i you his her its their our on in at by for from to with as
but and or if when while after before since during earlier later last next other another some any all both each
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december today yesterday tomorrow however meanwhile still also there here what who
why how where according asked under over about against between among into without within
""".split())


@dataclass(frozen=True)
class Suggestion:
    """A name that looks like an actor, how often it appears, and one sentence to judge it by."""

    name: str
    count: int
    example: str
    briefing: str


def suggest(graph: SiteGraph) -> list[Suggestion]:
    """Every unclaimed capitalised name of the corpus, most frequent first."""
    counts: Counter[str] = Counter()
    examples: dict[str, tuple[str, str]] = {}
    for briefing in sorted(graph.briefings, key=lambda b: (b.date, b.slug)):
        for name, sentence in candidates(*graph.bodies[briefing.slug].detail()):
            counts[name] += 1
            examples.setdefault(name, (sentence, briefing.slug))
    ranked = sorted(counts, key=lambda n: (-counts[n], n))
    return [Suggestion(n, counts[n], *examples[n]) for n in ranked]


def candidates(blocks: Sequence[TextBlock], mentions: Sequence[RenderedMention]) -> Iterable[tuple[str, str]]:
    """Names in the blocks of one body, each with its sentence."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for m in mentions:
        spans.setdefault(m.block, []).append((m.start, m.end))
    for index, block in enumerate(blocks):
        masked = spans.get(index, [])
        bounds = sentence_bounds(block.text)
        for run in _RUN.finditer(block.text):
            sentence_start, sentence = _sentence(block.text, bounds, run.start())
            for name, start in _names(block.text, run, masked, {s for s, _ in bounds}):
                single = " " not in name
                if single and (start == sentence_start or name.lower() in COMMON):
                    continue  # a capital at the start of a sentence says nothing
                yield name, sentence


def _sentence(text: str, bounds: list[tuple[int, int]], offset: int) -> tuple[int, str]:
    for start, end in bounds:
        if start <= offset < end:
            return start, text[start:end]
    return 0, text


def _names(text: str, run: re.Match[str], masked: list[tuple[int, int]],
           sentence_starts: set[int]) -> Iterable[tuple[str, int]]:
    """Split a capitalised run at known mentions and titles; what is left are unknown names.

    A known name directly followed by unknown capitalised words ("U.S. Army") is kept whole,
    since together they name something else.
    """
    words = [(m.group(), run.start() + m.start()) for m in re.finditer(r"\S+", run.group())]
    segment: list[tuple[str, int]] = []
    lead: tuple[str, int] | None = None  # a mention right before the segment

    def flush() -> Iterable[tuple[str, int]]:
        trimmed = _trim_titles(segment)
        if trimmed:
            first_start = trimmed[0][1]
            if lead is not None and trimmed[0] is segment[0]:
                trimmed.insert(0, lead)
                first_start = lead[1]
            name = _POSSESSIVE.sub("", " ".join(w for w, _ in trimmed)).strip(".,;:")
            if name and name.lower() not in COMMON:
                yield name, first_start

    for word, start in words:
        if start in sentence_starts and segment:  # a run never crosses into the next sentence
            yield from flush()
            segment, lead = [], None
        if any(s < start + len(word) and start < e for s, e in masked):
            yield from flush()
            segment = []
            lead = (text[start:start + len(word)], start)
            continue
        segment.append((word, start))
    yield from flush()


def _trim_titles(words: list[tuple[str, int]]) -> list[tuple[str, int]]:
    out = list(words)
    edge = TITLES | COMMON | _CONNECTORS
    while out and out[0][0].lower() in edge:
        out.pop(0)
    while out and out[-1][0].lower() in edge:
        out.pop()
    return out


