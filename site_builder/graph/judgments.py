"""Key judgments across briefings: each judgment's history, what changed at each assessment, what was dropped.

A judgment id is stable across briefings, so the briefings that carry one id, in date order, are
its history. Each assessment is compared with the one before it (the latest earlier briefing, by
date, then slug, that carries the same id):

- `new`: no earlier assessment;
- `raised` / `lowered`: the likelihood moved up / down the scale (whatever the confidence did);
- `confidence-up` / `confidence-down`: only the confidence moved;
- `unchanged`: neither moved.

A briefing that carries judgments *drops* a judgment when the previous briefing with judgments on
its main topic (the topic it lists first) made that judgment's latest assessment, and this briefing
does not carry it. The main topic keeps threads apart: a briefing on the Wagner Group that also
touches the war in Ukraine does not drop every judgment of the last briefing on the war. And a
judgment assessed again elsewhere since is not dropped twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from site_builder.core.models import Briefing, Judgment
from site_builder.core.tradecraft import CONFIDENCE_LEVELS, Scale

CHANGE_KINDS = ("new", "raised", "lowered", "confidence-up", "confidence-down", "unchanged")


@dataclass(frozen=True)
class Assessment:
    """One judgment as one briefing assessed it."""

    judgment: Judgment
    slug: str  # the briefing's
    title: str
    date: datetime


@dataclass(frozen=True)
class Change:
    """How an assessment moved from the one before it (None for a new judgment)."""

    kind: str  # one of CHANGE_KINDS
    previous: Assessment | None


@dataclass(frozen=True)
class JudgmentRecord:
    """Every judgment of a site: histories by id (oldest first), changes by (briefing slug, id), drops by slug."""

    history: Mapping[str, tuple[Assessment, ...]] = field(default_factory=dict)
    changes: Mapping[tuple[str, str], Change] = field(default_factory=dict)
    dropped: Mapping[str, tuple[Assessment, ...]] = field(default_factory=dict)

    def current(self, judgment_id: str) -> Assessment:
        """The latest assessment of a judgment."""
        return self.history[judgment_id][-1]

    def change(self, slug: str, judgment_id: str) -> Change:
        """How a briefing's assessment of a judgment moved."""
        return self.changes[(slug, judgment_id)]

    def most_recent_first(self, ids: Iterable[str]) -> tuple[str, ...]:
        """These judgment ids, the most recently assessed first (ties by id)."""
        return tuple(sorted(ids, key=lambda i: (-self.current(i).date.timestamp(), i)))


def compare(scale: Scale, before: Judgment, after: Judgment) -> str:
    """The change kind from one assessment of a judgment to the next."""
    moved = scale.rank(after.likelihood) - scale.rank(before.likelihood)
    if moved:
        return "raised" if moved > 0 else "lowered"
    trust = _confidence_rank(after.confidence) - _confidence_rank(before.confidence)
    if trust:
        return "confidence-up" if trust > 0 else "confidence-down"
    return "unchanged"


def _confidence_rank(level: str) -> int:
    return CONFIDENCE_LEVELS.index(level) if level in CONFIDENCE_LEVELS else -1


def judgment_record(briefings: Iterable[Briefing], scale: Scale) -> JudgmentRecord:
    """The judgments of these briefings, in any order."""
    assessing = sorted((b for b in briefings if b.judgments), key=lambda b: (b.date, b.slug))
    history: dict[str, list[Assessment]] = {}
    changes: dict[tuple[str, str], Change] = {}
    dropped: dict[str, tuple[Assessment, ...]] = {}
    last_on_topic: dict[str, Briefing] = {}  # main topic -> the latest briefing so far that carries judgments
    for b in assessing:
        previous_on_topic = last_on_topic.get(b.topics[0]) if b.topics else None
        if previous_on_topic is not None:
            carried = {j.id for j in b.judgments}
            gone = [history[j.id][-1] for j in previous_on_topic.judgments
                    if j.id not in carried and history[j.id][-1].slug == previous_on_topic.slug]
            if gone:
                dropped[b.slug] = tuple(sorted(gone, key=lambda a: a.judgment.id))
        for j in b.judgments:
            earlier = history.setdefault(j.id, [])
            previous = earlier[-1] if earlier else None
            kind = "new" if previous is None else compare(scale, previous.judgment, j)
            changes[(b.slug, j.id)] = Change(kind, previous)
            earlier.append(Assessment(j, b.slug, b.title, b.date))
        if b.topics:
            last_on_topic[b.topics[0]] = b
    return JudgmentRecord({k: tuple(v) for k, v in sorted(history.items())}, changes, dropped)
