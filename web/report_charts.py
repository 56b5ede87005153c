"""Bar charts as server-rendered SVG: the geometry here, the drawing in templates/reports/_chart.html.

Why our own few lines and not pygal: the charts are plain horizontal bars, and pygal's SVG pulls its
tooltips from a script on a CDN by default, which our Content-Security-Policy (script-src 'self')
refuses; switching that off leaves a library of thousands of lines to draw rectangles. Here the
bars are rectangles with their numbers written beside them, so a chart reads without colour and
prints as it shows, and the same table lies a click away.
"""

from __future__ import annotations

from dataclasses import dataclass

from web.report_tables import Chart

WIDTH = 720
LABEL_WIDTH = 200  # the categories' names, left of the bars
VALUE_ROOM = 60  # the number written after the longest bar
BAR = 16
GROUP_GAP = 12
LEGEND_ROW = 22
LEGEND_ITEM = 170


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: float
    height: int
    series: int
    text: str


@dataclass(frozen=True)
class Label:
    x: int
    y: int
    text: str
    series: int = 0


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    bars: list[Bar]
    categories: list[Label]
    legend: list[Label]
    summary: str


def number(value: float) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def draw(chart: Chart) -> Drawing | None:
    """The chart's bars, labels and legend in SVG units; None when it has nothing to show."""
    values = [v for series in chart.series for v in series.values]
    if not chart.categories or not values:
        return None
    per_row = max(1, (WIDTH - LABEL_WIDTH) // LEGEND_ITEM)
    legend = []
    if len(chart.series) > 1:
        for i, series in enumerate(chart.series):
            legend.append(
                Label(LABEL_WIDTH + (i % per_row) * LEGEND_ITEM, 6 + (i // per_row) * LEGEND_ROW, series.name, i)
            )
    top = 10 + (((len(legend) - 1) // per_row + 1) * LEGEND_ROW if legend else 0)
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / (max(values) or 1)
    group = len(chart.series) * BAR + GROUP_GAP
    bars, categories = [], []
    for c, category in enumerate(chart.categories):
        y = top + c * group
        categories.append(Label(LABEL_WIDTH - 8, y + (group - GROUP_GAP) // 2 + 5, category))
        for s, series in enumerate(chart.series):
            value = series.values[c]
            bars.append(Bar(LABEL_WIDTH, y + s * BAR, round(value * scale, 1), BAR - 2, s, number(value) + chart.unit))
    summary = "; ".join(
        f"{category}: " + ", ".join(f"{series.name} {number(series.values[c])}" for series in chart.series)
        for c, category in enumerate(chart.categories)
    )
    return Drawing(WIDTH, top + len(chart.categories) * group, bars, categories, legend, summary)
