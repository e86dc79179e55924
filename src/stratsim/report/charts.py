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
from stratsim.clock import HOURS_PER_WEEK, WEEKDAYS


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
    _refuse_duplicate_names([d.name for d in drawings])
    return drawings


def save_all(drawings: list[Drawing], folder: Path) -> list[Chart]:
    """Save each drawing as PNG and SVG in ``folder``."""
    charts = []
    for drawing in drawings:
        png, svg = style.save(drawing.figure, folder, drawing.name)
        charts.append(Chart(drawing.name, style.finding_of(drawing.figure), drawing.caption, png, svg))
    return charts


#: At most this many chart workers: a report has about ten charts, of uneven cost.
MAX_CHART_WORKERS = 4


def chart_workers() -> int:
    """How many processes draw a report's charts by default: this machine's cores available
    to stratsim, at most :data:`MAX_CHART_WORKERS`."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_CHART_WORKERS))


def per_scenario(results: Any, name: str, caption: str,
                 figure_of: Callable[[Any], Figure | None]) -> list[Drawing]:
    """One chart per compared scenario whose run files give one (``figure_of(run)``, ``None``
    where not), baseline first: titled with the scenario's name, its file named by the
    scenario's place (``name-1`` is the baseline's), so that charts of a run sit side by side."""
    drawings = []
    for index, scenario in enumerate(results.names):
        run = results.runs.get(scenario)
        figure = figure_of(run) if run is not None else None
        if figure is not None:
            style.set_finding(figure, f"{scenario}: {style.finding_of(figure)}")
            drawings.append(Drawing(f"{name}-{index + 1}", figure, f"Scenario {scenario}. " + caption))
    return drawings


_SHARED: Any = None
"""The results the forked chart workers of :func:`draw_and_save` draw from (set while they run)."""


def draw_and_save(results: Any, folder: Path, workers: int = 1) -> list[Chart]:
    """Draw every chart of ``results`` and save it in ``folder``, in order.

    With ``workers`` > 1 the chart functions run in that many forked processes, each drawing
    and saving its charts (matplotlib draws on one core, and a report's charts are
    independent): the files are the same, byte for byte. Serial where processes cannot be
    forked from this one (not Linux, or threads running).
    """
    from stratsim.runner.evaluators import default_start_method, evaluator_for

    functions = chart_functions(results.kind)
    workers = min(workers, len(functions))
    if workers <= 1 or default_start_method() != "fork":
        return save_all(draw_all(results), folder)
    read_shared = getattr(results, "read_shared", None)
    if read_shared is not None:
        read_shared()   # once here, inherited by every worker
    global _SHARED
    _SHARED = results
    try:
        with evaluator_for(workers) as evaluator:
            parts = evaluator.map(_draw_and_save_one, [(index, folder) for index in range(len(functions))])
    finally:
        _SHARED = None
    charts = [chart for part in parts for chart in part]
    _refuse_duplicate_names([chart.name for chart in charts])
    return charts


def _draw_and_save_one(task: tuple[int, Path]) -> list[Chart]:
    """In a forked worker: draw and save the charts of one chart function."""
    index, folder = task
    with style.chart_style():
        drawings = chart_functions(_SHARED.kind)[index](_SHARED)
    return save_all(drawings, folder)


def _refuse_duplicate_names(names: list[str]) -> None:
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"two charts share the file name(s) {sorted(duplicated)}")


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
