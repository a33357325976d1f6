"""Clean scraped article text into title, metadata and body paragraphs with rules a desk can read.

No library handles plain text, and HTML extractors leave datelines and furniture in, so both
paths end here. Every dropped line is recorded with the rule that dropped it (`--explain`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from site_builder.core.ingest_rules import Rules
from site_builder.ingest.metadata import agency_place_line, ends_sentence, read_meta_line, split_dateline

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f]")
_WRAP_SLACK = 15  # a hard-wrapped text has many lines within this many characters of its widest one
_PRINT_WIDTH = 50  # hard-wrapped narrower than this: newspaper columns, where words are hyphenated

# Spacing repairs, applied to every kept paragraph in this order: (name, pattern, replacement).
# Scrapers lose the spaces around inline elements ("tarnish[North Korea’s]image") and sometimes
# add them before punctuation ("said ,"). Curly quotes and dashes are kept as written.
REPAIRS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("space-before-bracket", re.compile(r"(?<=[^\W_])(?=[\[(](?![sS]\)))"), " "),
    ("space-after-bracket", re.compile(r"(?<=[\])])(?=[^\W\d_])"), " "),
    ("space-inside-bracket", re.compile(r"(?<=[\[(]) +| +(?=[\])])"), ""),
    ("space-before-punctuation", re.compile(r"(?<=[^\W_]|[\"”’)\]]) +(?=[,.;:!?](?:\s|$))"), ""),
    ("space-after-comma", re.compile(r"(?<=[a-z][,;])(?=[A-Za-z“‘])"), " "),
    ("space-after-sentence", re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])"), " "),
    ("space-after-quote", re.compile(r"(?<=[a-z][.,!?][”’])(?=[A-Za-z])"), " "),
)
# Characters that would turn plain text into markdown structure; escaped so the page shows them.
_MD_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s)|=+$|(\d{1,9})([.)])(?=\s))")
_MD_INLINE = re.compile(r"([\\`*<]|(?<![^\W_])_|_(?![^\W_])|\[(?=[^\]]*\]\()|!\[)")


@dataclass(frozen=True)
class Unit:
    """One paragraph candidate: its text and the input line it starts on."""

    line: int
    text: str


@dataclass(frozen=True)
class Dropped:
    """A line that is not article text, with the rule that said so."""

    line: int
    rule: str
    text: str


@dataclass(frozen=True)
class Hints:
    """What an HTML extractor already found; the text rules fill in the rest."""

    title: str = ""
    date: date | None = None
    section: str = ""


@dataclass(frozen=True)
class Article:
    """A cleaned article: metadata, markdown paragraphs and an account of everything removed."""

    title: str
    date: date | None
    dateline: str
    agency: str
    section: str
    paragraphs: tuple[str, ...]
    dropped: tuple[Dropped, ...] = ()
    fired: Counter[str] = field(default_factory=Counter)  # rule name -> times it changed something

    @property
    def body(self) -> str:
        """The markdown body: paragraphs separated by blank lines, ending with a newline."""
        return "\n\n".join(self.paragraphs) + "\n" if self.paragraphs else ""


@dataclass
class _Findings:
    """Metadata collected while walking the lines; the first good value of each kind wins."""

    section: str = ""
    published: date | None = None
    updated: date | None = None
    agency: str = ""
    place: str = ""
    dropped: list[Dropped] = field(default_factory=list)
    fired: Counter[str] = field(default_factory=Counter)

    def drop(self, unit: Unit, rule: str) -> None:
        self.dropped.append(Dropped(unit.line, rule, unit.text))
        self.fired[rule] += 1


def normalise(text: str) -> list[str]:
    """NFC text, one space for every run of white space, invisible characters removed, lines trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _INVISIBLE.sub("", text)
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


def units_of(lines: list[str], unwrap: bool, keep_hyphen_after: frozenset[str] = frozenset()) -> list[Unit]:
    """Paragraph candidates: blank-line blocks split into lines, hard-wrapped lines joined again.

    A text is hard-wrapped when the lines inside its blocks never exceed ~100 characters, many reach
    the widest and most end mid-sentence: then a line continues into the next whenever the next
    line's first word would not have fitted on it.
    In any text a line without a final stop continues into a line that starts in lowercase.
    """
    # Lines followed by another line of the same block are where a wrapper would have broken.
    inner = [line for line, following in itertools.pairwise(lines) if line and following]
    width = max((len(line) for line in inner), default=0)
    wrapped = (unwrap and width <= 100 and sum(len(line) >= width - _WRAP_SLACK for line in inner) >= 3
               and 2 * sum(not ends_sentence(line) for line in inner) > len(inner))  # wrapping breaks sentences
    units: list[Unit] = []
    previous = ""
    for number, line in enumerate(lines, start=1):
        if not line:
            previous = ""
            continue
        if previous and _continues(previous, line, width if wrapped else 0, unwrap):
            joined = _join(units[-1].text, line, wrapped and width <= _PRINT_WIDTH, keep_hyphen_after)
            units[-1] = Unit(units[-1].line, joined)
        else:
            units.append(Unit(number, line))
        previous = line
    return units


def _join(text: str, line: str, print_columns: bool, keep_hyphen_after: frozenset[str]) -> str:
    """Join a continuation line; a line-end hyphen is kept unless print hyphenation split a word."""
    if not text.endswith("-") or not line[:1].islower():
        return text + " " + line
    fragment = re.search(r"([^\W\d_]+)-$", text)
    if print_columns and fragment and fragment.group(1).islower() and fragment.group(1) not in keep_hyphen_after:
        return text[:-1] + line
    return text + line


def _continues(previous: str, line: str, width: int, unwrap: bool) -> bool:
    first_word = line.split(" ", 1)[0]
    if width and len(previous) + 1 + len(first_word) > width:
        return True
    return unwrap and _may_continue(previous) and line[:1].islower()


def _may_continue(previous: str) -> bool:
    """A line may continue into the next when it does not end like a sentence or a label."""
    return not ends_sentence(previous) and not previous.endswith(":")


def clean_text(text: str, rules: Rules, hints: Hints | None = None, unwrap: bool = True) -> Article:
    """Split raw article text into metadata and body; `unwrap=False` when lines are paragraphs already."""
    hints = hints or Hints()
    units = units_of(normalise(text), unwrap, rules.keep_hyphen_after)
    found = _Findings()
    start, title = _header(units, rules, hints, found)
    body = _body(units, start, title, rules, found)
    body = _dateline(body, rules, found)
    body = _trailing(body, rules, found)
    paragraphs = tuple(escape_markdown(_repair(u.text, found)) for u in body)
    return Article(
        title=title,
        date=hints.date or found.published or found.updated,
        dateline=found.place,
        agency=found.agency,
        section=found.section or hints.section,
        paragraphs=tuple(p for p in paragraphs if p),
        dropped=tuple(sorted(found.dropped, key=lambda d: d.line)),
        fired=found.fired,
    )


def _metadata(unit: Unit, rules: Rules, found: _Findings) -> bool:
    """Drop a metadata line (date, byline, agency, empty label, section) and keep what it says."""
    section = rules.section(unit.text)
    if section is not None:
        found.section = found.section or section
        found.drop(unit, "section")
        return True
    meta = read_meta_line(unit.text, rules)
    if meta is not None:
        if meta.date is not None and meta.is_update:
            found.updated = found.updated or meta.date
        elif meta.date is not None:
            found.published = found.published or meta.date
        found.agency = found.agency or meta.agency
        found.drop(unit, meta.rule)
        return True
    pair = agency_place_line(unit.text, rules)
    if pair is not None:
        found.agency = found.agency or pair[0]
        found.place = found.place or pair[1]
        found.drop(unit, "agency-dateline")
        return True
    return False


def _header(units: list[Unit], rules: Rules, hints: Hints, found: _Findings) -> tuple[int, str]:
    """Walk the lines above the first paragraph of prose; pick the title among the unexplained ones.

    The title is the first candidate of four words or more (site names are shorter), else the
    longest; an HTML extractor's title wins. Other candidates (site names, kickers) are dropped.
    """
    candidates: list[Unit] = []
    index = 0
    for index, unit in enumerate(units):  # noqa: B007 - the index where the body starts is the result
        if hints.title and _same(unit.text, hints.title):
            found.drop(unit, "title")
            continue
        if _metadata(unit, rules, found):
            continue
        rule = rules.furniture(unit.text)
        if rule is not None:
            found.drop(unit, rule.name)
            continue
        if is_body_start(unit.text, rules):
            break
        candidates.append(unit)
    else:
        index = len(units)
    title = rules.title(hints.title) if hints.title else ""
    chosen = None if title else next((u for u in candidates if len(u.text.split()) >= 4),
                                     max(candidates, key=lambda u: len(u.text), default=None))
    for unit in candidates:
        found.drop(unit, "title" if unit is chosen else "header")
    if chosen is not None:
        title = rules.title(chosen.text)
    return index, title


def is_body_start(text: str, rules: Rules) -> bool:
    """Prose or a dateline: where the article proper begins (headlines rarely end with a full stop)."""
    words = len(text.split())
    if split_dateline(text, rules) is not None and words >= 3:
        return True
    if words >= 30:
        return True
    if re.search(r"\.[\"”’')\]]*$", text) and words >= 8:
        return True
    return ends_sentence(text) and words >= 15


def _same(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _body(units: list[Unit], start: int, title: str, rules: Rules, found: _Findings) -> list[Unit]:
    """Drop furniture wherever it stands; a tail trigger late in the text cuts everything after it."""
    total = sum(len(u.text) for u in units) or 1
    seen = sum(len(u.text) for u in units[:start])
    kept: list[Unit] = []
    for position, unit in enumerate(units[start:], start=start):
        late = seen / total >= rules.tail_after
        seen += len(unit.text)
        rule = rules.furniture(unit.text)
        if rule is not None and rule.tail and late:
            found.drop(unit, rule.name)
            for rest in units[position + 1 :]:
                found.dropped.append(Dropped(rest.line, f"tail after {rule.name}", rest.text))
            found.fired["tail-cut"] += 1
            break
        if rule is not None:
            found.drop(unit, rule.name)
            continue
        if title and _same(unit.text, title):
            found.drop(unit, "title")
            continue
        if _metadata(unit, rules, found):
            continue
        kept.append(unit)
    return kept


def _dateline(body: list[Unit], rules: Rules, found: _Findings) -> list[Unit]:
    """Take the dateline off the first paragraph that has one (a standfirst may come first)."""
    for index, unit in enumerate(body[:2]):
        dateline = split_dateline(unit.text, rules)
        if dateline is None:
            continue
        found.place = dateline.place or found.place
        found.agency = dateline.agency or found.agency
        found.published = found.published or dateline.date
        found.dropped.append(Dropped(unit.line, "dateline", dateline.prefix))
        found.fired["dateline"] += 1
        replaced = [Unit(unit.line, dateline.rest)] if dateline.rest else []
        return body[:index] + replaced + body[index + 1 :]
    return body


def _trailing(body: list[Unit], rules: Rules, found: _Findings) -> list[Unit]:
    """Take an agency sign-off ("— AFP") off the last line, then drop headline-like lines left at the end."""
    if body:
        match = re.search(r"\s+(?:--?|–|—)\s*(?P<agency>[\w .-]{2,40}?)\s*$", body[-1].text)
        agency = rules.agency(match.group("agency")) if match else None
        if match and agency:
            found.agency = found.agency or agency
            found.dropped.append(Dropped(body[-1].line, "agency-signoff", match.group().strip()))
            found.fired["agency-signoff"] += 1
            body = [*body[:-1], Unit(body[-1].line, body[-1].text[: match.start()])]
    while body and not ends_sentence(body[-1].text) and len(body[-1].text.split()) < 20:
        found.drop(body[-1], "trailing-fragment")
        body = body[:-1]
    return body


def _repair(text: str, found: _Findings) -> str:
    for name, pattern, replacement in REPAIRS:
        text, count = pattern.subn(replacement, text)
        if count:
            found.fired[name] += count
    return text


def escape_markdown(text: str) -> str:
    """Backslash-escape what markdown would read as structure, so the page shows the text as written."""
    text = _MD_INLINE.sub(r"\\\1", text)
    match = _MD_LINE_START.match(text)
    if match is None:
        return text
    if match.group(2):
        return f"{match.group(2)}\\{match.group(3)}{text[match.end():]}"
    return "\\" + text
