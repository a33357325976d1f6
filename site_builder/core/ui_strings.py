"""The theme's own words in the site's language: tables of UI strings, a site's overrides, and dates.

A table is `site_builder/themes/strings/<language>.yaml`: flat keys (`nav.briefings`) to a text, or to
`{one: ..., other: ...}` where a count picks the form (`one` for exactly 1, `other` for any other
count; a language without plural forms writes a single text). A text names its values as `{name}`;
nothing else in it is special. English is complete and the reference: every other table has exactly
its keys, and a site's `strings:` in config.yaml overrides single entries over the table of its
`language:`. Templates reach the table through `t()` (see `UiStrings.markup`); Python code that makes
visible text (page titles, navigation, labels) through `UiStrings.plain`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import Markup, escape

from site_builder.core.errors import did_you_mean
from site_builder.core.yaml_files import parse_yaml

STRINGS_DIR = Path(__file__).resolve().parents[1] / "themes" / "strings"
REFERENCE = "en"  # the language every other table is checked against, and the fallback
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
DATE_STYLES = ("long", "short", "month")  # worded styles; `iso` and `rfc3339` are the same in every language
DATE_VALUES = frozenset({"day", "month", "month_short", "month_number", "year"})  # what `date.<style>` is given


@dataclass(frozen=True)
class Plural:
    """A text with a form for a count of one and a form for every other count."""

    one: str
    other: str

    def pick(self, count: object) -> str:
        """The form for `count`."""
        return self.one if count == 1 else self.other


Entry = str | Plural


def placeholders(entry: Entry) -> frozenset[str]:
    """The names of the values an entry asks for, over all its forms."""
    texts = (entry.one, entry.other) if isinstance(entry, Plural) else (entry,)
    return frozenset(name for text in texts for name in PLACEHOLDER.findall(text))


def given_values(key: str) -> frozenset[str]:
    """The values a key is given wherever it is used: those its English text shows, and for a date style every
    date value. A translation or an override may show any of them, and no other."""
    extra = DATE_VALUES if key in {f"date.{style}" for style in DATE_STYLES} else frozenset()
    return placeholders(read_table(REFERENCE)[key]) | extra


def entry_of(value: Any) -> Entry | None:
    """A table or config value as an entry: a text, or a mapping of exactly `one` and `other` texts; else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and sorted(value) == ["one", "other"]:
        one, other = value["one"], value["other"]
        if isinstance(one, str) and isinstance(other, str):
            return Plural(one, other)
    return None


def available_languages() -> list[str]:
    """The languages that have a table."""
    return sorted(p.stem for p in STRINGS_DIR.glob("*.yaml"))


def table_language(language: str) -> str | None:
    """The table for a `language:` value: its own (`ko`), else its primary subtag's (`ko-KR`), else None."""
    known = available_languages()
    for candidate in (language.lower(), language.lower().split("-")[0]):
        if candidate in known:
            return candidate
    return None


@functools.cache
def read_table(language: str) -> Mapping[str, Entry]:
    """The shipped table of one language, in file order; raises ValueError naming a malformed entry."""
    name = f"{language}.yaml"
    node = parse_yaml((STRINGS_DIR / name).read_text(encoding="utf-8"), name)
    table: dict[str, Entry] = {}
    for key, value in node.plain().items():
        entry = entry_of(value)
        if entry is None:
            raise ValueError(f"{name}: {key!r} must be a text or a mapping of 'one' and 'other' texts")
        table[key] = entry
    return MappingProxyType(table)


@dataclass(frozen=True)
class UiStrings:
    """The words of one site: its language's table with the site's overrides over it.

    `language` names the table used (`en` when the site's language has none).
    """

    language: str = REFERENCE
    entries: Mapping[str, Entry] = field(default_factory=lambda: read_table(REFERENCE))
    # Each text split once at its `{name}`s, escaped or not: a page asks for dozens of entries.
    _parts: dict[tuple[str, bool], tuple[str, ...]] = field(default_factory=dict, init=False, repr=False,
                                                            compare=False)

    @classmethod
    def of(cls, language: str, overrides: Mapping[str, Entry] | None = None) -> UiStrings:
        """The words for a `language:` value (English when it has no table) with overrides of single keys."""
        table = table_language(language) or REFERENCE
        entries = {**read_table(REFERENCE), **read_table(table), **(overrides or {})}
        return cls(table, MappingProxyType(entries))

    def entry(self, key: str) -> Entry:
        """The entry of a key; ValueError with the closest keys for one that does not exist."""
        try:
            return self.entries[key]
        except KeyError:
            raise ValueError(f"unknown UI string {key!r} ({did_you_mean(key, self.entries)})") from None

    def plain(self, key: str, **values: object) -> str:
        """The text of a key with its `{name}` values filled in, as plain text (templates escape it)."""
        return self._fill(key, values, markup=False)

    def markup(self, key: str, **values: object) -> Markup:
        """`t(key, **values)` in templates: the text escaped, each value escaped unless it is already markup.

        A `count` value picks the plural form. An unknown key, or a `{name}` without its value, is an
        error that the template's file and line are reported with.
        """
        return Markup(self._fill(key, values, markup=True))

    def script(self, *keys: str) -> dict[str, str | dict[str, str]]:
        """Entries for a page's script as they are, unfilled: each argument is a key, or a prefix ending in
        `.` that selects every key below it. Plural entries become `{"one": ..., "other": ...}`."""
        chosen = [k for k in self.entries if any(k == w or (w.endswith(".") and k.startswith(w)) for w in keys)]
        return {k: _as_json(self.entries[k]) for k in chosen}

    def date(self, value: date | datetime | None, style: str = "long") -> str:
        """A date in one of the styles `long`, `short`, `month` (worded by `date.<style>` and `month.<n>`),
        `iso` or `rfc3339`; never through the system locale, so every machine writes the same."""
        if value is None:
            return ""
        if style == "rfc3339":
            if isinstance(value, datetime):
                return value.isoformat(timespec="seconds")
            return value.isoformat() + "T00:00:00Z"
        if style == "iso":
            return value.isoformat()[:10]
        if style == "clock":  # "06:00 UTC+09:00": the time of day in the zone it was written in
            return clock_time(value)
        if style not in DATE_STYLES:
            raise ValueError(f"unknown date style {style!r}; use long, short, iso, month, clock or rfc3339")
        return self.plain(f"date.{style}", day=value.day, month=self.plain(f"month.{value.month}"),
                          month_short=self.plain(f"month.short.{value.month}"), month_number=value.month,
                          year=value.year)

    def _fill(self, key: str, values: Mapping[str, object], markup: bool) -> str:
        entry = self.entry(key)
        if isinstance(entry, Plural) and "count" not in values:
            raise ValueError(f"UI string {key!r} has a form per count: give it count=")
        text = entry.pick(values["count"]) if isinstance(entry, Plural) else entry
        parts = self._parts.get((text, markup))
        if parts is None:  # literal text at even places, names at odd ones
            split = PLACEHOLDER.split(text)
            parts = self._parts[(text, markup)] = tuple(
                str(escape(part)) if markup and i % 2 == 0 else part for i, part in enumerate(split))
        if len(parts) == 1:
            return parts[0]
        out = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                out.append(part)
            elif part in values:
                out.append(str(escape(values[part])) if markup else str(values[part]))
            else:
                raise ValueError(f"UI string {key!r} shows {{{part}}}: give it {part}=")
        return "".join(out)


def clock_time(value: date | datetime) -> str:
    """The time of day with its offset from UTC, the same in every language: '06:00 UTC+09:00'."""
    if not isinstance(value, datetime):
        return ""
    offset = value.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset else 0
    zone = f"UTC{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}" if minutes else "UTC"
    return f"{value:%H:%M} {zone}"


def _as_json(entry: Entry) -> str | dict[str, str]:
    return {"one": entry.one, "other": entry.other} if isinstance(entry, Plural) else entry
