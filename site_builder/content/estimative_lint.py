"""The estimative-language lint: likelihood said in the words of the scale in use, and apart from confidence.

Three findings, each at `path:line:col`, in judgment texts and in the analyst's own prose of each
body (quotations, block quotes, code and link targets are someone else's words, and are skipped):

1. an estimative term that the scale in use does not define ("probably", "might", "perhaps", or
   another scale's "highly likely");
2. a judgment text that states a likelihood other than its `likelihood` key;
3. a sentence that carries both a likelihood term and a confidence term.

The word lists are data (rules/estimative.yaml), extended by config.yaml's `tradecraft.words`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from site_builder.core.errors import Diagnostic, SourceLocation
from site_builder.core.models import Briefing, Judgment
from site_builder.core.tradecraft import SCALES, Scale, TradecraftConfig
from site_builder.core.yaml_files import parse_yaml

WORDS_FILE = "rules/estimative.yaml"

# Spans of a body that are not the analyst's words, blanked before matching (offsets kept).
_NOT_PROSE = re.compile(
    r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[^\n]*$"  # fenced code
    r"|^[ \t]{0,3}>[^\n]*$"  # block quotes
    r"|<!--.*?-->"  # comments
    r"|`[^`\n]*`"  # inline code
    r"|\]\([^)\n]*\)"  # link targets
    r"|“[^”]*”"  # quotations
    r'|"(?:[^"\n]|\n(?![ \t]*\n))*"',
    re.MULTILINE | re.DOTALL,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"')\]]*\s+|\n[ \t]*\n")


@dataclass(frozen=True)
class Vocabulary:
    """The terms the lint looks for, compiled for one scale and one site's word lists."""

    scale: Scale
    terms: dict[str, str]  # term of the scale in use -> its band key
    foreign: frozenset[str]  # estimative terms the scale in use does not define
    confidence: frozenset[str]
    pattern: re.Pattern[str]  # every term, longest first, as whole words


def scale_terms(scale: Scale) -> dict[str, str]:
    """A scale's own terms: each label ("Likely or probably" gives two), and "almost certainly" for "almost certain"."""
    out: dict[str, str] = {}
    for band in scale.bands:
        for term in band.label.lower().split(" or "):
            out[term.strip()] = band.key
            if term.endswith("certain"):
                out[term.strip() + "ly"] = band.key
    return out


def shipped_words() -> dict[str, tuple[str, ...]]:
    """The word lists that ship with site_builder (rules/estimative.yaml)."""
    text = resources.files("site_builder").joinpath(WORDS_FILE).read_text(encoding="utf-8")
    node = parse_yaml(text, WORDS_FILE)
    return {name: tuple(str(v.value).lower() for v in sub.value or ()) for name, sub in node.value.items()}


def vocabulary(tradecraft: TradecraftConfig) -> Vocabulary:
    """The lint's terms for a site: its scale's, the shipped lists and the site's additions."""
    words = {name: set(values) for name, values in shipped_words().items()}
    for name, values in tradecraft.words:
        words.setdefault(name, set()).update(values)
    terms = scale_terms(tradecraft.scale)
    others = {t for s in SCALES.values() for t in scale_terms(s)}
    foreign = frozenset((words.get("hedges", set()) | others) - terms.keys() - words.get("accepted", set()))
    confidence = frozenset(words.get("confidence", set()))
    every = sorted({*terms, *foreign, *confidence}, key=lambda t: (-len(t), t))
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in every) + r")(?![\w-])", re.IGNORECASE)
    return Vocabulary(tradecraft.scale, terms, foreign, confidence, pattern)


def lint_briefings(briefings: Iterable[Briefing], vocab: Vocabulary, severity: str) -> list[Diagnostic]:
    """Every finding of these briefings, as diagnostics of `severity` (warning or error), in file order."""
    found: list[Diagnostic] = []
    for b in briefings:
        for j in b.judgments:
            found += [Diagnostic(SourceLocation(b.path, j.text_line, j.text_column + offset), message, hint, severity)
                      for offset, message, hint in _judgment_findings(j, vocab)]
        body = _prose(b.body)
        starts = _line_starts(body)
        for offset, message, hint in _text_findings(body, vocab):
            line = _line_of(starts, offset)
            found.append(Diagnostic(SourceLocation(b.path, b.body_line + line, offset - starts[line] + 1), message,
                                    hint, severity))
    return found


def _judgment_findings(j: Judgment, vocab: Vocabulary) -> Iterator[tuple[int, str, str]]:
    yield from _text_findings(j.text, vocab)
    band = vocab.scale.band(j.likelihood)
    for match in vocab.pattern.finditer(j.text):
        term = match.group(0).lower()
        key = vocab.terms.get(term)
        if key is not None and band is not None and key != j.likelihood:
            yield (match.start(), f"judgment {j.id!r} says {term!r} but its likelihood is {j.likelihood!r} "
                   f"({band.label})", "make the text and the likelihood agree, or leave the likelihood out of the text")


def _text_findings(text: str, vocab: Vocabulary) -> Iterator[tuple[int, str, str]]:
    """Terms off the scale, and sentences that mix likelihood and confidence, by offset in `text`."""
    labels = ", ".join(b.label.lower() for b in vocab.scale.bands)
    for start, end in _sentences(text):
        likelihood: tuple[int, str] | None = None  # the first likelihood term: offset, term
        confidence: str | None = None
        for match in vocab.pattern.finditer(text, start, end):
            term = match.group(0).lower()
            if term in vocab.confidence:
                confidence = confidence or term
                continue
            likelihood = likelihood or (match.start(), term)
            if term in vocab.foreign:
                yield (match.start(), f"estimative term {term!r} is not on the {vocab.scale.name} scale",
                       f"use the scale's words ({labels}), or add it to tradecraft.words.accepted in config.yaml")
        if likelihood is not None and confidence is not None:
            yield (likelihood[0],
                   f"sentence states likelihood ({likelihood[1]!r}) and confidence ({confidence!r}) together",
                   "say how likely in one sentence and how confident in another")


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _prose(body: str) -> str:
    """The body with everything that is not the analyst's own prose blanked, lines and offsets kept."""
    return _NOT_PROSE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    """The 0-based line holding `offset`."""
    return bisect_right(starts, offset) - 1
