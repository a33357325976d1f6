"""The analytic standards a desk writes to: likelihood scales, confidence levels, source grades, and config's
`tradecraft:` section.

A likelihood scale is an ordered list of bands, each a key (`very-likely`), the words readers see
("Very likely") and a range of percentages. Two scales are built in: ICD 203 (the US intelligence
community's) and the UK PHIA probability yardstick. A site may define its own in config. Confidence
is stated apart from likelihood, on three levels. Sources are graded on the NATO (Admiralty) system:
reliability A-F of the source, credibility 1-6 of the information.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from site_builder.core.schema import Fields


@dataclass(frozen=True)
class Band:
    """One step of a likelihood scale: `low`-`high` percent."""

    key: str
    label: str
    low: int
    high: int

    @property
    def range_text(self) -> str:
        """The range as readers see it: '80–95 %', '≤ 5 %', '≥ 95 %'."""
        if self.low <= 0:
            return f"≤ {self.high} %"
        if self.high >= 100:
            return f"≥ {self.low} %"
        return f"{self.low}–{self.high} %"


@dataclass(frozen=True)
class Scale:
    """An ordered likelihood scale, least likely first."""

    name: str  # icd-203, phia or custom; the theme's words name it (standards.scale.<name>)
    bands: tuple[Band, ...]

    def band(self, key: str) -> Band | None:
        """The band of a key, or None."""
        for band in self.bands:
            if band.key == key:
                return band
        return None

    def rank(self, key: str) -> int:
        """The place of a key on the scale, 0 for the least likely; -1 when the key is not on it."""
        for index, band in enumerate(self.bands):
            if band.key == key:
                return index
        return -1

    def keys(self) -> tuple[str, ...]:
        """Every key, least likely first."""
        return tuple(b.key for b in self.bands)


ICD_203 = Scale("icd-203", (
    Band("almost-no-chance", "Almost no chance", 1, 5),
    Band("very-unlikely", "Very unlikely", 5, 20),
    Band("unlikely", "Unlikely", 20, 45),
    Band("roughly-even-chance", "Roughly even chance", 45, 55),
    Band("likely", "Likely", 55, 80),
    Band("very-likely", "Very likely", 80, 95),
    Band("almost-certain", "Almost certain", 95, 99),
))
PHIA = Scale("phia", (
    Band("remote-chance", "Remote chance", 0, 5),
    Band("highly-unlikely", "Highly unlikely", 10, 20),
    Band("unlikely", "Unlikely", 25, 35),
    Band("realistic-possibility", "Realistic possibility", 40, 50),
    Band("likely", "Likely or probably", 55, 75),
    Band("highly-likely", "Highly likely", 80, 90),
    Band("almost-certain", "Almost certain", 95, 100),
))
SCALES = {s.name: s for s in (ICD_203, PHIA)}

CONFIDENCE_LEVELS = ("low", "moderate", "high")  # in rising order
RELIABILITY = ("A", "B", "C", "D", "E", "F")  # of the source: completely reliable .. cannot be judged
CREDIBILITY = (1, 2, 3, 4, 5, 6)  # of the information: confirmed .. cannot be judged
LINT_MODES = ("warn", "error", "off")
# The estimative-language lint's word lists (rules/estimative.yaml), which `tradecraft.words` extends:
# `hedges`, words of likelihood on no scale; `accepted`, words the site's scale allows beyond its labels;
# `confidence`, words that state confidence.
WORD_LISTS = ("hedges", "accepted", "confidence")
_RANGE = re.compile(r"^\s*(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*%?\s*$")


@dataclass(frozen=True)
class TradecraftConfig:
    """config.yaml's `tradecraft:` section: the scale, the lint's mode and the site's extra lint words."""

    scale: Scale = ICD_203
    lint: str = "warn"  # warn | error | off
    # Extra word lists for the estimative-language lint, by list name (see rules/estimative.yaml).
    words: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)


def parse_tradecraft(f: Fields | None) -> TradecraftConfig:
    """Validate the `tradecraft:` mapping, recording every problem with its line."""
    if f is None:
        return TradecraftConfig()
    scale_node = f.get("scale")
    scale = ICD_203
    if scale_node is not None and isinstance(scale_node.value, list):
        scale = _custom_scale(f)
    elif scale_node is not None and scale_node.value is not None:
        name = f.choice("scale", "icd-203", SCALES)
        scale = SCALES[name]
    lint_node = f.get("lint")
    # YAML reads a bare `off` as false: take it as the word the user wrote.
    lint = "off" if lint_node is not None and lint_node.value is False else f.choice("lint", "warn", LINT_MODES)
    words = _words(f.mapping_of("words"))
    f.reject_unknown(())
    return TradecraftConfig(scale, lint, words)


def _custom_scale(f: Fields) -> Scale:
    """`scale` written as a list of {key, label, range}; ranges rise and do not overlap."""
    bands: list[Band] = []
    for _, sub in f.mappings("scale", "scale band", "each band of 'tradecraft.scale' must be a mapping with "
                             "'key', 'label' and 'range'", "e.g. {key: likely, label: Likely, range: 55-80}",
                             prefix="tradecraft.scale."):
        key = sub.text("key", required=True)
        label = sub.text("label", required=True)
        bounds = _range(sub)
        sub.reject_unknown(())
        if not key or bounds is None:
            continue
        if any(b.key == key for b in bands):
            sub.error(sub.get("key"), f"scale key {key!r} is used twice", "give each band its own key")
            continue
        if bands and bounds[0] < bands[-1].high:
            sub.error(sub.get("range"), f"range {bounds[0]}-{bounds[1]} % of {key!r} overlaps or comes before "
                      f"{bands[-1].key!r} ({bands[-1].low}-{bands[-1].high} %)",
                      "list the bands from least to most likely, each starting where the last ends or above")
            continue
        bands.append(Band(key, label, *bounds))
    if not bands:
        f.error(f.get("scale"), "'tradecraft.scale' has no valid band",
                "use icd-203 or phia, or list {key, label, range} bands")
        return ICD_203
    return Scale("custom", tuple(bands))


def _range(sub: Fields) -> tuple[int, int] | None:
    node = sub.get("range")
    if node is None or node.value is None:
        sub.error(None, "scale band is missing required field 'tradecraft.scale.range'", "e.g. 'range: 55-80'")
        return None
    value = node.value
    found = ((int(value[0].value), int(value[1].value))
             if isinstance(value, list) and len(value) == 2 and all(isinstance(v.value, int) for v in value)
             else None)
    if found is None and isinstance(value, str) and (m := _RANGE.match(value)):
        found = int(m.group(1)), int(m.group(2))
    if found is None or not 0 <= found[0] <= found[1] <= 100:
        sub.error(node, f"'tradecraft.scale.range' must be two percentages, low to high, not {node.plain()!r}",
                  "e.g. 'range: 55-80' or 'range: [55, 80]'")
        return None
    return found


def _words(f: Fields | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if f is None:
        return ()
    out = [(name, tuple(v.lower() for v, _ in f.texts(name))) for name in WORD_LISTS if f.get(name) is not None]
    f.reject_unknown(())
    return tuple(out)

