"""Bar charts drawn as inline SVG on the server: geometry here, markup in templates/_chart.html."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ROW = 22  # pixels per bar
LABEL_WIDTH = 150
BAR_WIDTH = 300
VALUE_GAP = 6


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    y: int
    width: int  # the bar's length in pixels


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    row: int = ROW
    value_gap: int = VALUE_GAP


def bar_chart(title: str, rows: Sequence[tuple[str, int]]) -> BarChart:
    """One horizontal bar per (label, value); the largest value spans the full bar width."""
    top = max((value for _, value in rows), default=0) or 1
    bars = tuple(
        Bar(label, value, index * ROW, round(BAR_WIDTH * value / top))
        for index, (label, value) in enumerate(rows)
    )
    return BarChart(title, bars, LABEL_WIDTH + BAR_WIDTH + 50, max(len(bars), 1) * ROW)
