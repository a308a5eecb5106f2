"""Simple horizontal bar charts as inline SVG, drawn on the server: no script, nothing fetched.

A chart is plain data (labels, bar widths, value texts); workbench/_chart.html draws it.
"""
from dataclasses import dataclass

from yibao.cases.models import Level

LABEL_WIDTH = 220  # px kept for the row labels on the left
BAR_AREA = 380  # px for the longest bar
ROW_HEIGHT = 26
# One colour per rating level, from 非常满意 to 非常不满意 (the last two are 差评).
LEVEL_COLOURS = ["#1f7a3d", "#5aa469", "#b7c9a8", "#e0b43a", "#b3261e"]


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    title: str


@dataclass
class Bar:
    y: int
    label: str
    text: str
    segments: list


@dataclass
class Chart:
    title: str
    bars: list
    legend: list  # [(colour, label)]
    label_width: int = LABEL_WIDTH
    bar_area: int = BAR_AREA
    row_height: int = ROW_HEIGHT

    @property
    def height(self):
        return max(len(self.bars), 1) * self.row_height + 8

    @property
    def width(self):
        return self.label_width + self.bar_area + 90


def _short(label, size=14):
    return label if len(label) <= size else label[: size - 1] + "…"


def counts(title, figures, attribute, *, colour="#0b5c8a"):
    """Bars proportional to a count (the longest bar is the largest value)."""
    values = [getattr(f, attribute) for f in figures]
    top = max(values, default=0) or 1
    bars = [
        Bar(i * ROW_HEIGHT + 4, _short(f.label), str(v),
            [Segment(LABEL_WIDTH, BAR_AREA * v / top, colour, f"{f.label}：{v}")])
        for i, (f, v) in enumerate(zip(figures, values))
    ]
    return Chart(title, bars, [])


def rates(title, figures, *, colour="#1f7a3d"):
    """Bars of the on-time rate, full width = 100%; rows with nothing decided say so."""
    bars = []
    for i, f in enumerate(figures):
        rate = f.on_time_rate
        text = "—" if rate is None else f"{rate:.0%}"
        segments = [] if rate is None else [
            Segment(LABEL_WIDTH, BAR_AREA * rate, colour, f"{f.label}：{f.on_time}/{f.decided} 按时办结")
        ]
        bars.append(Bar(i * ROW_HEIGHT + 4, _short(f.label), text, segments))
    return Chart(title, bars, [])


def satisfaction(title, figures):
    """One stacked bar per row: the share of each of the five rating levels."""
    bars = []
    for i, f in enumerate(r for r in figures if r.rated):
        x, segments = LABEL_WIDTH, []
        for (label, n, share), colour in zip(f.shares, LEVEL_COLOURS):
            if n:
                segments.append(Segment(x, BAR_AREA * share, colour, f"{f.label} {label}：{n}（{share:.0%}）"))
                x += BAR_AREA * share
        bars.append(Bar(i * ROW_HEIGHT + 4, _short(f.label), f"{f.rated}条", segments))
    return Chart(title, bars, list(zip(LEVEL_COLOURS, Level.labels)))
