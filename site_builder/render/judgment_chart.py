"""Lay out a judgment's history as a step chart: the likelihood held from each assessment to the next."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from site_builder.core.tradecraft import Scale
from site_builder.graph.judgments import Assessment
from site_builder.render.judgment_views import ChartPoint, ChartTick, StepChart

WIDTH = 760
ROW = 34  # height of one band of the scale
LEFT = 215  # room for the band labels
RIGHT = 28
TOP = 16
BOTTOM = 56  # room for the date labels


def step_chart(scale: Scale, history: Sequence[Assessment], label: Callable[[str], str]) -> StepChart:
    """The chart of a judgment's assessments (oldest first), each band named by `label(key)`.

    x spaces the assessments evenly, since their order matters more than the gaps between them; y is
    the band of the scale, least likely at the bottom. The line runs flat from each assessment to the
    next and on to the right edge from the last one, so a single assessment is a short flat line too.
    """
    bands = scale.bands
    height = TOP + ROW * len(bands) + BOTTOM
    right = WIDTH - RIGHT
    bottom = TOP + ROW * len(bands)

    def y_of(key: str) -> float:
        return round(bottom - ROW * (scale.rank(key) + 0.5), 1)

    count = len(history)
    span = right - LEFT - 40
    xs = [round(LEFT + 20 + (span * i / (count - 1) if count > 1 else 0), 1) for i in range(count)]
    points = tuple(ChartPoint(x, y_of(a.judgment.likelihood), a.date, label(a.judgment.likelihood),
                              a.judgment.confidence) for x, a in zip(xs, history, strict=True))
    path = []
    for i, point in enumerate(points):
        path.append(f"V{point.y}" if i else f"M{point.x} {point.y}")  # each step rises or falls where it is
        path.append(f"H{points[i + 1].x if i + 1 < len(points) else right}")
    return StepChart(
        width=WIDTH, height=height, path=" ".join(path), points=points,
        bands=tuple(ChartTick(y_of(b.key), f"{label(b.key)} ({b.range_text})") for b in bands),
        left=LEFT, right=right, top=TOP, bottom=bottom,
    )

