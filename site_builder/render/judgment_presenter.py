"""Turn judgments, graded sources and the judgment record into the views of `judgment_views.py`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from site_builder.content.loader import is_embargoed
from site_builder.core.config import Config
from site_builder.core.models import Briefing
from site_builder.core.tradecraft import CONFIDENCE_LEVELS, CREDIBILITY, RELIABILITY, SCALES
from site_builder.core.urls import absolute_url, briefing_path, judgment_path
from site_builder.graph.judgments import Assessment, JudgmentRecord, judgment_record
from site_builder.graph.site_graph import SiteGraph
from site_builder.render.judgment_chart import step_chart
from site_builder.render.judgment_views import (
    BasisLink,
    CurrentAssessment,
    DroppedJudgment,
    HistoryRow,
    JudgmentPageView,
    JudgmentView,
    LikelihoodView,
    PreviousAssessment,
    SourceView,
    StandardsView,
    Tradecraft,
)
from site_builder.render.views import FeedEntry


@dataclass
class JudgmentPresenter:
    """Views of one build's judgments; `clock` says which shown briefings are still under embargo."""

    config: Config
    graph: SiteGraph
    clock: datetime | None = None
    _record: JudgmentRecord | None = field(default=None, repr=False)

    @property
    def record(self) -> JudgmentRecord:
        """Every judgment's history, made on first use."""
        if self._record is None:
            self._record = judgment_record(self.graph.briefings, self.config.tradecraft.scale)
        return self._record

    def likelihood(self, key: str) -> LikelihoodView:
        """A scale key as the scale's words and range."""
        band = self.config.tradecraft.scale.band(key)
        return LikelihoodView(key, self.label(key), band.range_text) if band else LikelihoodView(key, key, "")

    def label(self, key: str) -> str:
        """The words of a scale key: the site's language's for a built-in scale (`scale.<name>.<key>`), the
        config's labels for a custom one."""
        scale = self.config.tradecraft.scale
        if scale.name in SCALES:
            return self.config.strings.plain(f"scale.{scale.name}.{key}")
        band = scale.band(key)
        return band.label if band is not None else key

    def sources(self, b: Briefing) -> tuple[SourceView, ...]:
        """A briefing's sources, numbered, with their grades in words."""
        return tuple(
            SourceView(s.title, s.url, s.publisher, s.date, f"source-{s.id or n}", n, s.reliability, s.credibility,
                       self.grade_meaning(s.reliability, s.credibility), s.archived)
            for n, s in enumerate(b.sources, start=1))

    def grade_meaning(self, reliability: str, credibility: int | None) -> str:
        """'usually reliable, probably true' for B2, in the site's words; either half may be missing."""
        words = self.config.strings
        parts = ([words.plain(f"grade.reliability.{reliability}")] if reliability else []) + (
            [words.plain(f"grade.credibility.{credibility}")] if credibility is not None else [])
        return words.plain("grade.pair", reliability=parts[0], credibility=parts[1]) if len(parts) == 2 else \
            "".join(parts)

    def tradecraft(self, b: Briefing, sources: tuple[SourceView, ...]) -> Tradecraft:
        """Everything analytic a briefing page shows besides its article."""
        anchors = {s.id: view for s, view in zip(b.sources, sources, strict=True) if s.id}
        judgments = tuple(
            JudgmentView(j.id, j.text, self.likelihood(j.likelihood), j.confidence,
                         tuple(BasisLink(anchors[i].anchor, anchors[i].number, anchors[i].title) for i in j.basis
                               if i in anchors),
                         change.kind, self._previous(change.previous), judgment_path(j.id))
            for j in b.judgments for change in (self.record.change(b.slug, j.id),))
        dropped = tuple(
            DroppedJudgment(a.judgment.id, a.judgment.text, self.likelihood(a.judgment.likelihood), a.date,
                            briefing_path(a.slug), a.title, judgment_path(a.judgment.id))
            for a in self.record.dropped.get(b.slug, ()))
        return Tradecraft(judgments, dropped, b.revisions, b.publish_at if is_embargoed(b, self.clock) else None)

    def _previous(self, a: Assessment | None) -> PreviousAssessment | None:
        if a is None:
            return None
        return PreviousAssessment(self.likelihood(a.judgment.likelihood), a.judgment.confidence, a.date,
                                  briefing_path(a.slug), a.slug, a.title)

    def current(self, judgment_id: str) -> CurrentAssessment:
        """A judgment's latest assessment."""
        history = self.record.history[judgment_id]
        last = history[-1]
        return CurrentAssessment(judgment_id, last.judgment.text, self.likelihood(last.judgment.likelihood),
                                 last.judgment.confidence, self.record.change(last.slug, judgment_id).kind,
                                 last.date, briefing_path(last.slug), last.title, judgment_path(judgment_id),
                                 len(history))

    def currents(self, slugs: Iterable[str] | None = None) -> tuple[CurrentAssessment, ...]:
        """The latest assessments of the judgments these briefings carry (every judgment when None),
        most recently assessed first."""
        record = self.record
        ids = (record.history.keys() if slugs is None
               else {j.id for slug in slugs for j in self.graph.by_slug[slug].judgments})
        return tuple(self.current(i) for i in record.most_recent_first(ids))

    def page(self, judgment_id: str) -> JudgmentPageView:
        """A judgment's own page."""
        history = self.record.history[judgment_id]
        rows = tuple(HistoryRow(a.date, self.likelihood(a.judgment.likelihood), a.judgment.confidence,
                                self.record.change(a.slug, judgment_id).kind, a.judgment.text,
                                briefing_path(a.slug), a.title) for a in history)
        chart = step_chart(self.config.tradecraft.scale, history, self.label)
        return JudgmentPageView(self.current(judgment_id), chart, rows)

    def change_entries(self, limit: int) -> tuple[FeedEntry, ...]:
        """Feed entries of the newest `limit` assessments that were new or moved, newest first."""
        record, base = self.record, self.config.base_url
        changes = ((a, record.change(a.slug, judgment_id)) for judgment_id, history in record.history.items()
                   for a in history)
        moved = sorted(((a, change) for a, change in changes if change.kind != "unchanged"),
                       key=lambda pair: (-pair[0].date.timestamp(), pair[0].slug, pair[0].judgment.id))
        words, entries = self.config.strings, []
        for a, change in moved[:limit]:
            j, before = a.judgment, change.previous
            link = absolute_url(base, briefing_path(a.slug)) + f"#j-{j.id}"
            now = {"likelihood": self.likelihood(j.likelihood).text, "briefing": a.title,
                   "confidence": words.plain(f"confidence.{j.confidence}").lower()}
            summary = (words.plain("judgments.feed.summary", **now) if before is None else words.plain(
                "judgments.feed.summary_was", **now, previous=self.likelihood(before.judgment.likelihood).text,
                previous_confidence=words.plain(f"confidence.{before.judgment.confidence}").lower()))
            title = words.plain("judgments.feed.entry", change=words.plain(f"change_badge.{change.kind}"), text=j.text)
            entries.append(FeedEntry(link, title, link, a.date, a.date, summary, None, ()))
        return tuple(entries)

    def standards(self) -> StandardsView:
        """The standards page: the scale in use and the grading systems."""
        scale = self.config.tradecraft.scale
        return StandardsView(scale.name, tuple(self.likelihood(b.key) for b in scale.bands),
                             tuple(reversed(CONFIDENCE_LEVELS)), tuple(RELIABILITY), tuple(str(c) for c in CREDIBILITY))
