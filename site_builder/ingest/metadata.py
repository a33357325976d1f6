"""Read article metadata from lines of scraped text: dates, bylines, agency lines and datelines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from site_builder.core.ingest_rules import Rules

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_ORD = r"(?:st|nd|rd|th)?"
# Each form of a full date (with a year); tried in order, the leftmost match in a line wins.
_DATES = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"),
    re.compile(r"\b(?P<y>\d{4})[./](?P<m>\d{1,2})[./](?P<d>\d{1,2})\b\.?"),
    re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\b"),
    re.compile(rf"\b(?P<mon>{MONTH})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{MONTH}),?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
)
_ZONES = ("KST|JST|MSK|GMT|UTC|BST|CET|CEST|EET|EEST|EST|EDT|CST|CDT|PST|PDT|MST|MDT|HKT|SGT|IST|AEST|AEDT"
          "|WIB|PHT|ICT|KYIV|Z")
# What else a metadata line may hold besides dates and labels; removed before checking that nothing is left.
_NOISE = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?|\b\d{1,2}\s*[ap]\.?m\b\.?|\b(?:noon|midnight)\b"
    rf"|(?<![\w])(?:{_ZONES})\b(?:[+-]\d{{1,2}}(?::?\d{{2}})?)?|(?<![\w])[+-]\d{{2}}:?\d{{2}}\b"
    r"|\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?"
    r"|\b\d+\s*(?:min|mins|minutes?)\s*(?:read|listen)\b"
    r"|\b(?:\d+|an?)\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b"
    r"|\((?:[\w ]{1,20} )?time\)|\b(?:at|on|and)\b|[|·•,;:()\[\]/–—-]+",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*[|·•]\s*")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$")

# Words that may follow "By <name>," in a byline: titles and desks, not sentences.
_ROLE_WORDS = frozenset({
    "staff", "writer", "writers", "reporter", "reporters", "correspondent", "correspondents", "editor", "editors",
    "desk", "team", "bureau", "chief", "senior", "contributor", "contributing", "special", "foreign", "news",
    "political", "defense", "defence", "diplomatic", "north", "korea", "asia", "world", "national", "and", "in",
    "the", "for", "with", "wire", "services", "service", "agencies", "agency", "newsroom", "report", "online",
})
_ROLE_TITLES = frozenset({"correspondent", "reporter", "writer", "editor", "columnist", "contributor", "chief"})
_NAME_PARTICLES = frozenset({"de", "van", "von", "der", "den", "da", "du", "la", "le", "al", "bin", "ibn", "el", "y"})
_BYLINE = re.compile(r"^(?:by|written by|words by|story by|posted by|report by|reported by)\s+(?P<rest>.+)$",
                     re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’-]*|[A-Z]\.)$")


@dataclass(frozen=True)
class MetaLine:
    """What a metadata line said; `rule` names it for --explain."""

    rule: str  # date | byline | agency-line | empty-label
    date: date | None = None
    is_update: bool = False
    agency: str = ""


@dataclass(frozen=True)
class Dateline:
    """The opening "SEOUL, March 3 (Yonhap) --" of a story, split into its parts."""

    place: str
    agency: str
    date: date | None
    prefix: str  # the text removed from the paragraph
    rest: str  # the paragraph without it


def find_date(text: str) -> tuple[date, int, int] | None:
    """The leftmost full date in a text with its span; impossible dates are ignored."""
    best: tuple[date, int, int] | None = None
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[1]:
                break
            parsed = _to_date(match.groupdict())
            if parsed is not None:
                best = (parsed, match.start(), match.end())
                break
    return best


def _to_date(groups: dict[str, str | None]) -> date | None:
    year = int(groups["y"] or 0)
    if groups.get("mon"):
        month = _MONTHS[(groups["mon"] or "")[:3].lower()]
        day = int(groups["d"] or 0)
    elif groups.get("a"):
        # m/d/yyyy unless the first number cannot be a month: US sites are the ones that write slashes.
        first, second = int(groups["a"] or 0), int(groups["b"] or 0)
        month, day = (second, first) if first > 12 else (first, second)
    else:
        month, day = int(groups["m"] or 0), int(groups["d"] or 0)
    try:
        return date(year, month, day) if 1900 <= year <= 2200 else None
    except ValueError:
        return None


def read_meta_line(line: str, rules: Rules) -> MetaLine | None:
    """A line made only of labels, dates, times, bylines and agency names; None for anything else.

    The line is split at separators ("Published: ... | Updated: ..."), and each piece must be fully
    explained; a single unexplained word means the line is text, so headlines that contain a date
    ("Talks set for March 3, 2024") stay. Only beside a date piece may short unexplained pieces
    stand: print page heads read "THE KOREA LEDGER | TUESDAY, MAY 9, 2023 | A3".
    """
    dates: list[tuple[date, bool]] = []
    unexplained: list[str] = []
    agency = ""
    found = {"label": False, "date": False, "byline": False, "agency": False}
    for piece in _SEPARATORS.split(line.strip()):
        if not piece:
            continue
        piece_dates, rest = _dates_in(piece, rules)
        rest, label = _strip_labels(rest, rules)
        dates += piece_dates
        found["date"] |= bool(piece_dates)
        found["label"] |= bool(label)
        leftover = _NOISE.sub(" ", rest)
        for label_word in rules.labels:  # labels after the date: "March 17, 2023 9:14 GMT Updated 2 hours ago"
            leftover = re.sub(rf"(?<!\w){re.escape(label_word)}\b", " ", leftover, flags=re.IGNORECASE)
        if not leftover.strip(" ."):
            continue
        rest = rest.strip(" ,;|")
        if (named := rules.agency(re.sub(r"^(?:by|via|—|--?|–)\s*", "", rest, flags=re.IGNORECASE))) is not None:
            agency = agency or named
            found["agency"] = True
            continue
        byline = read_byline(rest, rules, labelled=bool(label))
        if byline is None and piece_dates:
            return None  # words around a date in the same piece: "7 September to 1 October 2023"
        if byline is None:
            unexplained.append(rest)
            continue
        found["byline"] = True
        agency = agency or byline
    if unexplained and not (found["date"] and all(_short_piece(p) for p in unexplained) and "|" in line):
        return None
    if found["date"]:
        published = [d for d, update in dates if not update]
        chosen = published[0] if published else dates[0][0]
        return MetaLine("date", chosen, is_update=not published, agency=agency)
    if found["byline"]:
        return MetaLine("byline", agency=agency)
    if found["agency"]:
        return MetaLine("agency-line", agency=agency)
    if found["label"]:
        return MetaLine("empty-label")
    return None


def _dates_in(piece: str, rules: Rules) -> tuple[list[tuple[date, bool]], str]:
    """The full dates in one piece of a metadata line, and the piece with them blanked out.

    A date is an update when the nearest label before it is one of `update_labels`, so
    "Released: … Changed: …" and "Changed: … Released: …" both give the release as published; a
    date before any label ("January 30, 2023 7:41 AM GMT+9 Updated 2 years ago") is published.
    """
    labels = [(m.end(), m.group().casefold() in rules.update_labels)
              for m in _label_pattern(rules.labels).finditer(piece)]
    dates: list[tuple[date, bool]] = []
    rest = piece
    while (hit := find_date(rest)) is not None:
        before = [update for end, update in labels if end <= hit[1]]
        dates.append((hit[0], bool(before) and before[-1]))
        rest = rest[: hit[1]] + " " * (hit[2] - hit[1]) + rest[hit[2] :]  # same length: later spans stay put
    return dates, re.sub(r" {2,}", " ", rest)


@cache
def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the metadata labels as a whole word, longest first ("Last updated" before "Updated")."""
    alternation = "|".join(re.escape(label) for label in sorted(labels, key=lambda s: (-len(s), s)))
    return re.compile(rf"(?<!\w)(?:{alternation or '(?!)'})\b", re.IGNORECASE)


def _short_piece(piece: str) -> bool:
    """A page-head piece beside a date: a few words or a page number, never a sentence."""
    return len(piece.split()) <= 4 and not ends_sentence(piece)


def _strip_labels(piece: str, rules: Rules) -> tuple[str, str]:
    """Remove metadata labels ("Updated:", "Posted on") wherever they stand; return the first one."""
    first = ""
    for label in rules.labels:
        pattern = re.compile(rf"(?<![\w]){re.escape(label)}\b\s*(?::|\bon\b|\bat\b)?", re.IGNORECASE)
        match = pattern.search(piece)
        if match is None:
            continue
        colon_or_start = ":" in match.group() or match.start() == 0 or not piece[: match.start()].strip(" |")
        if not colon_or_start:
            continue
        first = first or label
        piece = pattern.sub(" ", piece)
    return piece.strip(), first


def read_byline(text: str, rules: Rules, labelled: bool = False) -> str | None:
    """"" for a byline without an agency, the agency's name for one with it, None for anything else.

    A byline is "By" (or a label such as "Editor:") and capitalised names, then optionally roles
    after a comma or bar ("By Lee Ji-won, Staff Reporter"). "By Friday, the ministry had..." has
    lowercase words that no byline has, so it stays text.
    """
    text = text.strip()
    if _SENTENCE_END.search(text) and not re.search(r"\b[A-Z]\.$", text):
        return None
    match = _BYLINE.match(text)
    body = match.group("rest") if match else text
    parts = [p for p in re.split(r"\s*(?:,|\band\b|&|/|\|| - | – | — |\bin\b)\s*", body) if p]
    if not parts or len(body.split()) > 14:
        return None
    if match and re.fullmatch(r"[\w.-]{2,30}", body):
        return ""  # a CMS user name: "Posted by admin"
    agency = ""
    roles_only = True
    for part in parts:
        named = rules.agency(part) or rules.agency(" ".join(w for w in part.split() if w.casefold() not in _ROLE_WORDS))
        if named:
            agency = agency or named
            roles_only = False
            continue
        words = part.split()
        if all(w.casefold() in _ROLE_WORDS for w in words):
            continue
        roles_only = False
        if not all(_NAME_WORD.match(w) or w in _NAME_PARTICLES for w in words) or len(words) > 5:
            return None
    titled = len(parts) == 1 and len(parts[0].split()) <= 4 and parts[0].split()[-1].casefold() in _ROLE_TITLES
    if match is None and not roles_only and not labelled and not titled:
        return None  # without "By" or a label ("Editor:") only roles ("Moscow Correspondent") make a byline
    return agency


def agency_place_line(line: str, rules: Rules) -> tuple[str, str] | None:
    """ "AFP, SEOUL" or "Reuters, Washington" on its own line: (agency, place), as some papers print it."""
    match = re.fullmatch(r"(?P<agency>[^,]{2,40}),\s*(?P<place>[A-Z][\w.'’ -]{1,40})", line.strip())
    if match is None or not (agency := rules.agency(match.group("agency"))):
        return None
    place = match.group("place").strip()
    if len(place.split()) > 4 or not all(w[0].isupper() or w.casefold() in rules.dateline_small_words
                                         for w in place.split()):
        return None
    return agency, normal_place(place, rules)


_PLACE_WORD = r"[A-ZÀ-ÖØ-Þ][\w.'’-]*"
_DATELINE = re.compile(
    rf"^(?:(?P<place>{_PLACE_WORD}(?:\s+(?:[a-z]{{2,4}}\s+)?{_PLACE_WORD}){{0,3}})"
    rf"(?:,\s*(?!(?i:{MONTH})\s*\d)(?P<region>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}))?"
    rf"(?:,?\s*(?P<date>(?i:{MONTH}\s+\d{{1,2}}{_ORD}|\d{{1,2}}{_ORD}\s+{MONTH})(?:,?\s+(?P<year>\d{{4}}))?))?"
    r"\.?\s*)?"
    r"(?:\((?P<agency>[^()]{1,40})\)|/(?P<slash>[^/\s][^/]{0,30})/\.?)?"
    r"\s*(?P<sep>--|—|–|-|:|\.-)?"
    r"(?:\s+|$)(?P<rest>.*)$",
)


def split_dateline(paragraph: str, rules: Rules) -> Dateline | None:
    """The dateline at the start of a paragraph, or None.

    Agencies count only when whitelisted ("North Korea (DPRK) – ..." is text); a bracket that is not
    a known agency is accepted only after a place in capitals or a date, and then gives no agency.
    Without an agency the place must be in capitals, carry a region or a date, so "Kim Jong Un —
    the leader ..." is not a dateline.
    """
    match = _DATELINE.match(paragraph)
    if match is None or len(paragraph) - len(match.group("rest")) > 80:
        return None
    place, region, when, sep = match.group("place"), match.group("region"), match.group("date"), match.group("sep")
    raw_agency = match.group("agency") or match.group("slash")
    agency = rules.agency(raw_agency) if raw_agency else ""
    caps = bool(place) and place.upper() == place and sum(c.isalpha() for c in place) >= 3
    if raw_agency and not agency and not (place and (caps or when) and sep):
        return None  # "North Korea (DPRK) – ..." is text; "MOSCOW, June 6 (RIA Novosti) -" is a dateline
    rest = match.group("rest")
    if rest and not re.match(r"[\"“‘'(\[]?[A-Z0-9À-ÖØ-Þ]", rest):
        return None
    if not agency:
        if not place or sep not in ("--", "—", "–", "-", ":") or not (caps or region or when):
            return None
        if sep == ":" and not caps:
            return None
    elif not sep and not match.group("slash") and not rest:
        return None
    if not rest and not sep and not agency:
        return None
    day = _dateline_date(when, match.group("year"))
    parts = [normal_place(p, rules) for p in (place, region) if p]
    return Dateline(", ".join(parts), agency or "", day, paragraph[: len(paragraph) - len(rest)].strip(), rest.strip())


def _dateline_date(when: str | None, year: str | None) -> date | None:
    if not when or not year:
        return None
    hit = find_date(f"{when} {year}")
    return hit[0] if hit else None


def normal_place(place: str, rules: Rules) -> str:
    """A place in normal capitalisation: "SEOUL" → "Seoul", "ROSTOV-ON-DON" → "Rostov-on-Don"."""
    if place.upper() != place or sum(c.isalpha() for c in place) < 3:
        return place.strip()
    words = re.split(r"([ -])", place.strip().lower())
    out = []
    for index, word in enumerate(words):
        if index and word in rules.dateline_small_words:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return "".join(out)


def ends_sentence(text: str) -> bool:
    """Whether a line ends like a sentence (closing quotes and brackets allowed after the stop)."""
    return bool(_SENTENCE_END.search(text))
