"""The chart registry: which charts each kind of result gets, and saving them as PNG and SVG.

A chart function takes a loaded results folder and returns the :class:`Drawing` objects it
can make from it — none when the folder lacks the data (a chart is left out, never drawn
empty). Functions are registered per result kind (``run``, ``compare``, ``sweep``) with
:func:`register_chart`; a later capability adds its charts to the same report by registering
its own function, without touching this module::

    @register_chart("run", order=70)
    def rule_firings(results: RunResults) -> list[Drawing]: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from stratsim.report import style
from stratsim.report.findings import HOURS_PER_WEEK, WEEKDAYS


@dataclass(frozen=True)
class Drawing:
    """A drawn chart: its file name (without suffix), the figure and a caption saying what it
    shows (the title, on the figure, says what it finds)."""

    name: str
    figure: Figure
    caption: str


@dataclass(frozen=True)
class Chart:
    """A chart saved in the results folder."""

    name: str
    finding: str
    caption: str
    png: Path
    svg: Path


ChartFunction = Callable[[Any], list[Drawing]]
_REGISTRY: dict[str, list[tuple[int, ChartFunction]]] = {}


def register_chart(kind: str, order: int) -> Callable[[ChartFunction], ChartFunction]:
    """Register a chart function for results of ``kind``; charts appear by ``order``."""
    def decorate(function: ChartFunction) -> ChartFunction:
        entries = _REGISTRY.setdefault(kind, [])
        if function not in [f for _, f in entries]:
            entries.append((order, function))
            entries.sort(key=lambda entry: entry[0])
        return function
    return decorate


def chart_functions(kind: str) -> list[ChartFunction]:
    return [function for _, function in _REGISTRY.get(kind, [])]


def draw_all(results: Any) -> list[Drawing]:
    """Every chart the registered functions can draw for ``results``, in order."""
    drawings: list[Drawing] = []
    with style.chart_style():
        for function in chart_functions(results.kind):
            drawings.extend(function(results))
    names = [d.name for d in drawings]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"two charts share the file name(s) {sorted(duplicated)}")
    return drawings


def save_all(drawings: list[Drawing], folder: Path) -> list[Chart]:
    """Save each drawing as PNG and SVG in ``folder``."""
    charts = []
    for drawing in drawings:
        png, svg = style.save(drawing.figure, folder, drawing.name)
        charts.append(Chart(drawing.name, style.finding_of(drawing.figure), drawing.caption, png, svg))
    return charts


# -- shared axes -------------------------------------------------------------------------


def week_axis(ax: Axes, label: bool = True) -> None:
    """An x axis over the 168 hours of the week: day names at noon, lines between days."""
    ax.set_xlim(0, HOURS_PER_WEEK)
    ax.set_xticks([24 * d + 12 for d in range(7)], WEEKDAYS)
    ax.tick_params(axis="x", which="major", length=0)
    ax.grid(False, axis="x")
    for day in range(1, 7):
        ax.axvline(24 * day, color="#BFBFBF", linewidth=1.0, zorder=0)
    if label:
        ax.set_xlabel("hour of the week (each day 00:00–24:00)")
