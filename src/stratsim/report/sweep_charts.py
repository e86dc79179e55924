"""Charts of a sweep: how chosen KPIs respond to the parameters, and the Pareto front.

They read ``sweep.csv`` (a row per point: parameter values, each portfolio KPI's mean and
95 % interval, the ``pareto`` flag) and, for which two KPIs the front is of, the sweep's plan.
One parameter gives a line, two on a full grid a heatmap, anything else a panel per parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from stratsim.report import findings, style
from stratsim.report.charts import Drawing, register_chart
from stratsim.report.labels import HIGHER_IS_BETTER, axis_label, label, name_in_text, number, scaled
from stratsim.report.results import SWEEP, SweepResults

#: KPIs charted when neither the command nor the sweep's Pareto front names any.
DEFAULT_KPIS = ("profit", "sla_attainment", "wait_mean_min")


@dataclass(frozen=True)
class Axis:
    """A parameter's values at each point: numbers, or categories in first-seen order."""

    name: str
    texts: list[str]
    numbers: list[float] | None

    @classmethod
    def of(cls, name: str, texts: Sequence[str]) -> "Axis":
        try:
            values = [float(t) for t in texts]
        except ValueError:
            values = None
        return cls(name, list(texts), values)

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(self.texts))

    def positions(self) -> np.ndarray:
        if self.numbers is not None:
            return np.array(self.numbers)
        order = {text: i for i, text in enumerate(self.categories)}
        return np.array([order[t] for t in self.texts], dtype=float)

    def label_axis(self, ax, which: str) -> None:
        """Name the axis; ticks at the parameter's values when there are few (categories always)."""
        set_label = ax.set_xlabel if which == "x" else ax.set_ylabel
        set_ticks = ax.set_xticks if which == "x" else ax.set_yticks
        set_label(self.name)
        if self.numbers is None:
            set_ticks(range(len(self.categories)), self.categories)
        elif len(set(self.numbers)) <= 12:
            values = sorted(set(self.numbers))
            set_ticks(values, [number(v) for v in values])


def chosen_kpis(results: SweepResults) -> list[str]:
    wanted = results.chosen_kpis or results.pareto_kpis or [k for k in DEFAULT_KPIS if k in results.kpis][:2]
    return [k for k in wanted if k in results.kpis]


def _kpi_arrays(results: SweepResults, kpi: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    def column(name: str) -> np.ndarray:
        return np.array([np.nan if v is None else scaled(kpi, v) for v in results.values(name)])
    return column(f"{kpi}_mean"), column(f"{kpi}_ci95_low"), column(f"{kpi}_ci95_high")


def _full_grid(x: Axis, y: Axis) -> bool:
    pairs = list(zip(x.texts, y.texts))
    return len(set(pairs)) == len(pairs) == len(x.categories) * len(y.categories)


def response_figure(kpi: str, axes_: Sequence[Axis], mean: np.ndarray, low: np.ndarray,
                    high: np.ndarray) -> Figure:
    """A KPI's response: a line over one parameter, a heatmap over a grid of two, else a
    panel per parameter."""
    higher = HIGHER_IS_BETTER.get(kpi, True)
    defined = np.isfinite(mean)
    best = int(np.nanargmax(mean) if higher else np.nanargmin(mean)) if defined.any() else None
    if len(axes_) == 2 and _full_grid(*axes_):
        x, y = axes_
        figure, (ax,) = style.new_figure()
        grid = np.full((len(y.categories), len(x.categories)), np.nan)
        xi = {t: i for i, t in enumerate(x.categories)}
        yi = {t: i for i, t in enumerate(y.categories)}
        for k, (tx, ty) in enumerate(zip(x.texts, y.texts)):
            grid[yi[ty], xi[tx]] = mean[k]
        image = ax.imshow(np.ma.masked_invalid(grid), origin="lower", aspect="auto",
                          cmap=style.HEATMAP if higher else style.HEATMAP + "_r")
        for (r, c), value in np.ndenumerate(grid):
            if np.isfinite(value):
                ax.text(c, r, number(value), ha="center", va="center", fontsize=style.TICK_PT,
                        color=style.BLACK if image.norm(value) > 0.5 else "white")
        if best is not None:
            ax.add_patch(_outline(xi[x.texts[best]], yi[y.texts[best]]))
        ax.set_xticks(range(len(x.categories)), x.categories)
        ax.set_yticks(range(len(y.categories)), y.categories)
        ax.set_xlabel(x.name)
        ax.set_ylabel(y.name)
        ax.grid(False)
        bar = figure.colorbar(image, ax=ax, pad=0.01)
        bar.set_label(axis_label(kpi))
    else:
        figure, panels = style.new_figure(style.stacked_height(len(axes_), extra_in=1.6), rows=len(axes_))
        for ax, axis in zip(panels, axes_):
            x = axis.positions()
            if len(axes_) == 1:
                order = np.argsort(x, kind="stable")
                ax.fill_between(x[order], low[order], high[order], color=style.BLUE, alpha=0.25, linewidth=0,
                                label="95 % CI over the replications")
                ax.plot(x[order], mean[order], color=style.BLUE, marker="o", markersize=8, label="mean")
            else:
                ax.errorbar(x, mean, yerr=[mean - low, high - mean], fmt="o", color=style.BLUE, capsize=4,
                            label="point: mean and 95 % CI")
            if best is not None:
                ax.plot([x[best]], [mean[best]], marker="*", markersize=20, color=style.ORANGE,
                        linestyle="none", label="best point")
            axis.label_axis(ax, "x")
            ax.margins(x=0.08)
            ax.set_ylabel(axis_label(kpi))
            ax.yaxis.set_major_formatter(lambda value, _: number(value))
        style.figure_legend(figure, panels, 3)
    points = [([a.texts[i] for a in axes_], float(mean[i])) for i in range(len(mean)) if np.isfinite(mean[i])]
    points = [(values, value / 100.0 if label(kpi).percent else value) for values, value in points]
    style.set_finding(figure, findings.response_finding(kpi, [a.name for a in axes_], points))
    return figure


def _outline(column: int, row: int) -> Rectangle:
    return Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, edgecolor=style.VERMILLION, linewidth=3)


@register_chart(SWEEP, order=10)
def sweep_responses(results: SweepResults) -> list[Drawing]:
    params = results.params
    if not params or not results.rows:
        return []
    axes_ = [Axis.of(p, [row.get(p, "") for row in results.rows]) for p in params]
    drawings = []
    for kpi in chosen_kpis(results):
        mean, low, high = _kpi_arrays(results, kpi)
        if not np.isfinite(mean).any():
            continue
        grid = len(params) == 2 and _full_grid(*axes_)
        drawings.append(Drawing(
            f"response-{kpi}", response_figure(kpi, axes_, mean, low, high),
            f"{label(kpi).name} at each point of the sweep"
            + (": the mean over the replications on a grid of the two parameters; outlined: the best point."
               if grid else ": mean over the replications with its 95 % confidence interval; star: the best point.")))
    return drawings


def pareto_figure(kpis: Sequence[str], means: Sequence[np.ndarray], lows: Sequence[np.ndarray],
                  highs: Sequence[np.ndarray], on_front: Sequence[bool], point_labels: Sequence[str]) -> Figure:
    """Every point by two KPIs; the front (no point better on both) highlighted and labelled."""
    figure, (ax,) = style.new_figure()
    (x, y), front = means, np.array(on_front, dtype=bool)
    xerr = [x - lows[0], highs[0] - x]
    yerr = [y - lows[1], highs[1] - y]
    ax.errorbar(x[~front], y[~front], xerr=[e[~front] for e in xerr], yerr=[e[~front] for e in yerr], fmt="o",
                color=style.GREY, ecolor=style.LIGHT_GREY, markersize=7, label="other points")
    if front.any():
        order = np.argsort(x[front])
        ax.errorbar(x[front], y[front], xerr=[e[front] for e in xerr], yerr=[e[front] for e in yerr], fmt="o",
                    color=style.BLUE, markersize=10, capsize=4, label="Pareto front")
        ax.plot(x[front][order], y[front][order], color=style.BLUE, linewidth=1.6)
        for i in np.flatnonzero(front):
            ax.annotate(point_labels[i], (x[i], y[i]), xytext=(8, 6), textcoords="offset points",
                        fontsize=style.NOTE_PT, color=style.BLUE)
    ax.set_xlabel(_directed_label(kpis[0]))
    ax.set_ylabel(_directed_label(kpis[1]))
    ax.xaxis.set_major_formatter(lambda value, _: number(value))
    ax.yaxis.set_major_formatter(lambda value, _: number(value))
    style.figure_legend(figure, [ax])
    style.set_finding(figure, findings.pareto_finding(kpis, int(front.sum()), len(front)))
    return figure


def _directed_label(kpi: str) -> str:
    """``"Profit (currency; higher is better)"``."""
    higher = HIGHER_IS_BETTER.get(kpi)
    direction = "" if higher is None else ("higher is better" if higher else "lower is better")
    parts = [part for part in (label(kpi).unit, direction) if part]
    return f"{label(kpi).name} ({'; '.join(parts)})" if parts else label(kpi).name


@register_chart(SWEEP, order=20)
def sweep_pareto(results: SweepResults) -> list[Drawing]:
    kpis = results.pareto_kpis
    if not kpis or len(kpis) != 2 or any(k not in results.kpis for k in kpis):
        return []
    arrays = [_kpi_arrays(results, k) for k in kpis]
    labels = [", ".join(f"{p.rsplit('.', 1)[-1]}={row.get(p, '')}" for p in results.params) for row in results.rows]
    return [Drawing("pareto-front", pareto_figure(kpis, [a[0] for a in arrays], [a[1] for a in arrays],
                                                  [a[2] for a in arrays], results.on_front(), labels),
                    f"Every point of the sweep by {name_in_text(kpis[0])} and {name_in_text(kpis[1])} "
                    "(means with 95 % confidence intervals); blue: the Pareto front, the points no other "
                    "point beats on both, labelled with their parameter values.")]
