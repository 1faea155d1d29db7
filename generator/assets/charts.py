"""Chart geometry for the data page, computed at build time.

Python computes the shapes (bar positions, axis ticks, labels); the template
`theme/partials/charts.html` turns them into inline SVG with a data table as
its text alternative. Nothing is drawn in the browser and no chart library
is loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    show_label: bool = True


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    """One chart: title, unit, orientation, view box, bars, ticks and a summary."""

    key: str
    title: str
    unit: str
    horizontal: bool
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    summary: str
    plot_left: float
    plot_bottom: float
    plot_right: float

    @property
    def rows(self) -> list[tuple[str, str]]:
        return [(bar.label, bar.display) for bar in self.bars]


def format_value(value: float, unit: str = "") -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}" if unit in ("%", "‰") else text


def tick_label(value: float, myriad: str = "万") -> str:
    """Axis labels stay short: 1,000,000 -> 100万 (`myriad` is 萬 on a Traditional site)."""
    if value >= 10_000:
        return f"{value / 10_000:g}{myriad}"
    return format_value(value)


def _nice_step(maximum: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5, 5 × 10^n) so that about `ticks` steps cover `maximum`."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _ticks(maximum: float) -> tuple[float, list[float]]:
    step = _nice_step(maximum)
    if maximum < 8:
        step = max(1.0, step)  # counts of a few things: whole numbers only
    top = max(step, math.ceil(maximum / step) * step)
    count = int(round(top / step))
    return top, [step * i for i in range(count + 1)]


SUMMARY = "{title}，共 {n} 项，最高为{label} {value}。"
EMPTY = "{title}：暂无数据"


def _summary(title: str, points: list[tuple[str, float]], unit: str, summary: str, empty: str) -> str:
    """The chart in one sentence, for screen readers (the SVG's <desc>)."""
    if not points:
        return empty.format(title=title)
    highest = max(points, key=lambda p: p[1])
    value = format_value(highest[1], unit) + ("" if unit in ("%", "‰") else unit)
    return summary.format(title=title, n=len(points), label=highest[0], value=value)


def column_chart(
    key: str, title: str, points: list[tuple[str, float]], unit: str = "", *, summary: str = SUMMARY, empty: str = EMPTY, myriad: str = "万"
) -> Chart:
    """Vertical bars: for values over time (years, months)."""
    # Sized for a phone: the SVG is drawn 420 units wide and shown at 100% of
    # the column, so 14-unit text stays about 13 px on a 375 px screen.
    width, height = 420, 240
    left, right, top, bottom = 48, 8, 22, 200
    top_value, tick_values = _ticks(max((v for _, v in points), default=0))
    slot = (width - left - right) / max(1, len(points))
    bar_width = min(56.0, slot * 0.7)
    # Label about eight bars, so that Chinese labels never overlap.
    every = max(1, math.ceil(len(points) / 6))
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = (bottom - top) * (value / top_value) if top_value else 0
        x = left + slot * index + (slot - bar_width) / 2
        y = bottom - bar_height
        bars.append(
            Bar(
                label,
                value,
                format_value(value, unit),
                round(x, 1),
                round(y, 1),
                round(bar_width, 1),
                round(bar_height, 1),
                round(x + bar_width / 2, 1),
                bottom + 20,
                round(x + bar_width / 2, 1),
                round(y - 6, 1),
                show_label=index % every == 0 or index == len(points) - 1,
            )
        )
    ticks = tuple(Tick(round(bottom - (bottom - top) * v / top_value, 1), tick_label(v, myriad)) for v in tick_values)
    return Chart(
        key,
        title,
        unit,
        False,
        width,
        height,
        tuple(bars),
        ticks,
        _summary(title, points, unit, summary, empty),
        left,
        bottom,
        width - right,
    )


def bar_chart(
    key: str, title: str, points: list[tuple[str, float]], unit: str = "", *, summary: str = SUMMARY, empty: str = EMPTY, myriad: str = "万"
) -> Chart:
    """Horizontal bars: for categories with long Chinese names, readable on a phone."""
    row, left, right, top = 34, 104, 56, 8
    width = 420
    height = top + row * max(1, len(points)) + 12
    top_value, tick_values = _ticks(max((v for _, v in points), default=0))
    span = width - left - right
    bars = []
    for index, (label, value) in enumerate(points):
        bar_width = span * (value / top_value) if top_value else 0
        y = top + row * index + 8
        bars.append(
            Bar(
                label,
                value,
                format_value(value, unit),
                left,
                y,
                round(bar_width, 1),
                22,
                left - 8,
                y + 16,
                round(left + bar_width + 6, 1),
                y + 16,
            )
        )
    ticks = tuple(Tick(round(left + span * v / top_value, 1), tick_label(v, myriad)) for v in tick_values)
    return Chart(
        key,
        title,
        unit,
        True,
        width,
        height,
        tuple(bars),
        ticks,
        _summary(title, points, unit, summary, empty),
        left,
        height - 12,
        width - right,
    )
