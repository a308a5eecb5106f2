"""Simple horizontal bar charts as inline SVG, drawn on the server: no script, nothing fetched.

A chart is plain data (labels, bar widths, value texts); core/_chart.html draws it. Used by the
workbench's dashboard and the public 好差评 figures. A figure row has .label and the counts the
chart reads (submitted, decided, on_time, on_time_rate, rated, shares).

`compact` charts are narrow (short labels, a shorter bar area) so that their text stays legible
when the SVG is scaled down to a phone's width.
"""
from dataclasses import dataclass

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


COMPACT = (110, 190, 8)  # label width, bar area, label characters


def _short(label, size=14):
    return label if len(label) <= size else label[: size - 1] + "…"


def _geometry(compact):
    return COMPACT if compact else (LABEL_WIDTH, BAR_AREA, 14)


def counts(title, figures, attribute, *, colour="#0b5c8a", compact=False):
    """Bars proportional to a count (the longest bar is the largest value)."""
    left, area, size = _geometry(compact)
    values = [getattr(f, attribute) for f in figures]
    top = max(values, default=0) or 1
    bars = [
        Bar(i * ROW_HEIGHT + 4, _short(f.label, size), str(v),
            [Segment(left, area * v / top, colour, f"{f.label}：{v}")])
        for i, (f, v) in enumerate(zip(figures, values))
    ]
    return Chart(title, bars, [], left, area)


def rates(title, figures, *, colour="#1f7a3d", compact=False):
    """Bars of the on-time rate, full width = 100%; rows with nothing decided say so."""
    left, area, size = _geometry(compact)
    bars = []
    for i, f in enumerate(figures):
        rate = f.on_time_rate
        text = "—" if rate is None else f"{rate:.0%}"
        segments = [] if rate is None else [
            Segment(left, area * rate, colour, f"{f.label}：{f.on_time}/{f.decided} 按时办结")
        ]
        bars.append(Bar(i * ROW_HEIGHT + 4, _short(f.label, size), text, segments))
    return Chart(title, bars, [], left, area)


def satisfaction(title, figures, levels, *, compact=False):
    """One stacked bar per row: the share of each of the five rating levels (`levels`: their
    labels, from 非常满意 to 非常不满意)."""
    left, area, size = _geometry(compact)
    bars = []
    for i, f in enumerate(r for r in figures if r.rated):
        x, segments = left, []
        for (label, n, share), colour in zip(f.shares, LEVEL_COLOURS):
            if n:
                segments.append(Segment(x, area * share, colour, f"{f.label} {label}：{n}（{share:.0%}）"))
                x += area * share
        bars.append(Bar(i * ROW_HEIGHT + 4, _short(f.label, size), f"{f.rated}条", segments))
    return Chart(title, bars, list(zip(LEVEL_COLOURS, levels)), left, area)
