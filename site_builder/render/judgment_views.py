"""View objects of the analytic product: judgments, graded sources, changes, histories and the standards page.

Part of the template contract, like `views.py`: templates show these values and decide no more than
which words a change kind reads as.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from site_builder.core.models import Revision


@dataclass(frozen=True)
class LikelihoodView:
    """A likelihood as readers see it: the scale's words and range ("Very likely", "80–95 %")."""

    key: str
    label: str
    range: str

    @property
    def text(self) -> str:
        """'Very likely, 80–95 %'."""
        return f"{self.label}, {self.range}"


@dataclass(frozen=True)
class SourceView:
    """A cited source; graded sources carry reliability (A-F) and credibility (1-6) with their meaning."""

    title: str
    url: str
    publisher: str
    date: date | None
    anchor: str  # element id: "source-<id>", or "source-<n>" for a source without an id
    number: int  # 1-based place in the list
    reliability: str = ""
    credibility: int | None = None
    grade_meaning: str = ""  # "usually reliable, probably true"
    archived: str = ""

    @property
    def grade(self) -> str:
        """'B2', 'B', '2', or '' when not graded."""
        return self.reliability + (str(self.credibility) if self.credibility is not None else "")


@dataclass(frozen=True)
class BasisLink:
    """A link from a judgment to a source it rests on."""

    anchor: str
    number: int
    title: str


@dataclass(frozen=True)
class PreviousAssessment:
    """The assessment a change is measured from."""

    likelihood: LikelihoodView
    confidence: str
    date: datetime
    url: str  # site path of that briefing
    slug: str
    title: str


@dataclass(frozen=True)
class JudgmentView:
    """A key judgment on a briefing page, with how it moved since its previous assessment."""

    id: str
    text: str
    likelihood: LikelihoodView
    confidence: str  # low | moderate | high
    basis: tuple[BasisLink, ...]
    change: str  # new | raised | lowered | confidence-up | confidence-down | unchanged
    previous: PreviousAssessment | None
    history_url: str


@dataclass(frozen=True)
class CurrentAssessment:
    """A judgment's latest assessment, as topic, actor and judgment index pages list it."""

    id: str
    text: str
    likelihood: LikelihoodView
    confidence: str
    change: str
    date: datetime
    briefing_url: str
    briefing_title: str
    history_url: str
    assessments: int


@dataclass(frozen=True)
class DroppedJudgment:
    """A judgment the previous briefing on the same topic carried and this one does not."""

    id: str
    text: str
    likelihood: LikelihoodView
    date: datetime
    briefing_url: str
    briefing_title: str
    history_url: str


@dataclass(frozen=True)
class ChartPoint:
    """One assessment on the step chart, in the SVG's user units."""

    x: float
    y: float
    date: datetime
    likelihood: str  # the band's label
    confidence: str  # low | moderate | high


@dataclass(frozen=True)
class ChartTick:
    """A labelled line of the chart's axes."""

    position: float
    label: str


@dataclass(frozen=True)
class StepChart:
    """A judgment's likelihood over time as a step line, drawn at build time as inline SVG."""

    width: int
    height: int
    path: str  # the `d` of the step line
    points: tuple[ChartPoint, ...]
    bands: tuple[ChartTick, ...]  # y of each band of the scale, least likely at the bottom
    left: float
    right: float
    top: float
    bottom: float


@dataclass(frozen=True)
class HistoryRow:
    """One row of a judgment's table of assessments."""

    date: datetime
    likelihood: LikelihoodView
    confidence: str
    change: str
    text: str
    briefing_url: str
    briefing_title: str


@dataclass(frozen=True)
class JudgmentPageView:
    """A judgment's own page: its current assessment, its history as a chart and as a table."""

    current: CurrentAssessment
    chart: StepChart
    rows: tuple[HistoryRow, ...]  # oldest first


@dataclass(frozen=True)
class Tradecraft:
    """What a briefing page shows besides its article: judgments first, what was dropped, revisions, embargo."""

    judgments: tuple[JudgmentView, ...] = ()
    dropped: tuple[DroppedJudgment, ...] = ()
    revisions: tuple[Revision, ...] = ()
    embargoed_until: datetime | None = None  # set only when an embargoed briefing is shown (serve, --future)


@dataclass(frozen=True)
class StandardsView:
    """The standards page: the likelihood scale in use, confidence levels, source grades, change markers."""

    scale_name: str  # icd-203, phia or custom: the theme's words name it
    scale: tuple[LikelihoodView, ...]  # least likely first
    confidence: tuple[str, ...]  # levels, highest first
    reliability: tuple[str, ...]  # A-F
    credibility: tuple[str, ...]  # 1-6
