"""Charts of a comparison: KPI means per scenario, the forest plot of paired differences
against the baseline, score and feasibility, and the week's waits scenario by scenario.

They read ``comparison.json`` (the means, and the differences with their ``significant``
flag, as the comparison computed them) and, for the week's waits, the scenarios' own run
files where the comparison folder keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import Formatter, MaxNLocator

from stratsim.report import findings, style
from stratsim.report.charts import Drawing, register_chart, week_axis
from stratsim.analysis.verdict import money_period
from stratsim.kpis import kpi_info
from stratsim.report.labels import (
    HEADLINE_KPIS,
    HIGHER_IS_BETTER,
    difference_text,
    label,
    scaled,
    value_text,
)
from stratsim.report.profiles import band
from stratsim.report.results import COMPARE, CompareResults

#: KPIs of the means chart, in panel order (those the comparison holds).
MEANS_KPIS = ("wait_mean_min", "sla_attainment", "satisfaction", "reneged_share", "profit", "cost")
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
#: Labelled ticks per KPI panel: a third of a page wide holds three "12.24 M" labels apart.
MEANS_TICKS = 3


class CompactTickFormatter(Formatter):
    """Tick labels short enough for a narrow panel: millions as ``12.18 M``, thousands as
    ``850 k``, with just the decimals that tell neighbouring ticks apart (``12,120,000`` three
    times in a third of a page ran together; ``93.2`` twice for ticks 0.05 apart said nothing)."""

    def __init__(self) -> None:
        self.tick_values: list[float] = []

    def set_locs(self, locs: Sequence[float]) -> None:
        """Keep the ticks being labelled: their spacing sets the decimals."""
        self.tick_values = [float(loc) for loc in locs]

    def __call__(self, value: float, pos: int | None = None) -> str:
        locs = self.tick_values
        top = max((abs(loc) for loc in locs), default=abs(value))
        scale, suffix = (1e6, " M") if top >= 1e6 else (1e3, " k") if top >= 1e5 else (1.0, "")
        return f"{value / scale:,.{_exact_decimals([loc / scale for loc in locs])}f}{suffix}".replace("-", "−")


def _exact_decimals(values: Sequence[float], most: int = 6) -> int:
    """The fewest decimals that write every tick exactly (ticks are round numbers: 28.5, 30,
    31.5 need one; 12.12, 12.18, 12.24 two)."""
    for decimals in range(most):
        if all(abs(round(v, decimals) - v) <= 1e-9 * max(1.0, abs(v)) for v in values):
            return decimals
    return most


def real_best(kpi: str, means: Mapping[str, float], names: Sequence[str],
              significant: Mapping[str, bool | None]) -> str | None:
    """The scenario whose mean is best on ``kpi`` when that lead is real, else ``None``.

    ``significant``: scenario → the comparison's ``significant`` flag of its paired difference
    from the baseline (``names[0]``). The baseline is best only when every other scenario
    differs from it significantly; another scenario only when its difference from the
    baseline is significant and it is the only other scenario (with more, its lead over the
    others was not tested).
    """
    if not means:
        return None
    higher = HIGHER_IS_BETTER.get(kpi, True)
    best = (max if higher else min)(means, key=lambda n: means[n])
    others = [n for n in means if n != best]
    if best == names[0]:
        return best if others and all(significant.get(n) for n in others) else None
    return best if significant.get(best) and len(means) == 2 else None


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """One colour per scenario, the same in every comparison chart."""
    return {name: style.SERIES[i % len(style.SERIES)] for i, name in enumerate(names)}


# -- KPI means -----------------------------------------------------------------------------


def kpi_means_figure(means: Mapping[str, Mapping[str, Mapping[str, Any]]], names: Sequence[str],
                     significance: Mapping[str, Mapping[str, bool | None]] | None = None) -> Figure:
    """KPI means with 95 % CI bars, a panel per KPI, a row per scenario.

    ``means``: KPI → scenario → summary statistic (``{"mean", "ci95"}``); ``significance``:
    KPI → scenario → the ``significant`` flag of its difference from the baseline in
    ``comparison.json``. With it the title names a best scenario only where the lead is real
    (see :func:`real_best`); without it, the best mean.
    """
    kpis = list(means)
    columns = min(3, len(kpis))
    rows = -(-len(kpis) // columns)
    figure, axes = style.new_figure((1.6 + 0.5 * len(names)) * rows + 1.2, rows=rows, columns=columns)
    colours = scenario_colours(names)
    positions = np.arange(len(names))[::-1]
    best: dict[str, str] = {}
    for ax, kpi in zip(axes, kpis):
        stats = means[kpi]
        for y, name in zip(positions, names):
            stat = stats.get(name) or {}
            if stat.get("mean") is None:
                continue
            mean = scaled(kpi, stat["mean"])
            ci = stat.get("ci95")
            error = [[mean - scaled(kpi, ci[0])], [scaled(kpi, ci[1]) - mean]] if ci else None
            ax.errorbar(mean, y, xerr=error, fmt="o", color=colours[name], markersize=9, capsize=5,
                        elinewidth=2.2, label=name)
            ax.annotate(value_text(kpi, stat["mean"]), (mean, y), xytext=(0, 9), textcoords="offset points",
                        ha="center", va="bottom", fontsize=style.NOTE_PT, color=colours[name])
        ax.set_yticks(positions, names if ax in axes[::columns] else [""] * len(names))
        ax.xaxis.set_major_locator(MaxNLocator(MEANS_TICKS))
        ax.xaxis.set_major_formatter(CompactTickFormatter())
        ax.margins(x=0.12)
        ax.set_ylim(-0.6, len(names) - 0.3)
        ax.set_title(label(kpi).name)
        ax.set_xlabel(label(kpi).unit or "")
        ax.grid(False, axis="y")
        defined = {n: s["mean"] for n, s in stats.items() if s and s.get("mean") is not None}
        if defined and significance is None:
            higher = HIGHER_IS_BETTER.get(kpi, True)
            best[kpi] = (max if higher else min)(defined, key=lambda n: defined[n])
        elif defined and (winner := real_best(kpi, defined, names, significance.get(kpi) or {})):
            best[kpi] = winner
    for ax in axes[len(kpis):]:
        ax.set_visible(False)
    undecided = None if significance is None else [k for k in kpis if k not in best]
    style.set_finding(figure, findings.kpi_means_finding(best, names, undecided))
    return figure


@register_chart(COMPARE, order=10)
def compare_means(results: CompareResults) -> list[Drawing]:
    names = results.names
    levels = {n: results.scenario(n).get("kpis") or {} for n in names}
    kpis = [k for k in MEANS_KPIS if any((levels[n].get(k) or {}).get("mean") is not None for n in names)]
    if not kpis:
        return []
    means = {k: {n: levels[n].get(k) for n in names} for k in kpis}
    significance = {k: {n: ((results.difference(n).get("kpis") or {}).get(k) or {}).get("significant")
                        for n in names[1:]} for k in kpis}
    return [Drawing("kpi-means", kpi_means_figure(means, names, significance),
                    "Portfolio KPIs per scenario: mean over the replications with its 95 % confidence "
                    "interval. Overlapping intervals do not mean “no difference”: scenarios share "
                    "random streams, and the paired differences in the next chart are sharper. The "
                    "title calls a scenario best on a KPI only where that paired difference is "
                    "significant (after the comparison's multiple-comparison correction).")]


# -- forest plot -----------------------------------------------------------------------------


def forest_figure(differences: Sequence[findings.Difference], intervals: Mapping[tuple[str, str], Sequence[float]],
                  baseline_means: Mapping[str, float], baseline: str, names: Sequence[str],
                  money_suffix: str = "") -> Figure:
    """Paired differences from the baseline as % of the baseline's mean, a row per KPI.

    Filled markers: significant; hollow: not. Green: better, orange: worse (where the KPI has a
    better direction). Each point is labelled with the difference in the KPI's own unit.
    """
    kpis = list(dict.fromkeys(d.kpi for d in differences))
    scenarios = [n for n in names if any(d.scenario == n for d in differences)]
    figure, (ax,) = style.new_figure(max(3.2, 0.75 * len(kpis) * max(1, len(scenarios) * 0.7) + 2.2))
    rows = {kpi: len(kpis) - 1 - i for i, kpi in enumerate(kpis)}
    offset = 0.6 / max(len(scenarios), 1)
    extent = 1.0
    for d in differences:
        base = baseline_means[d.kpi]
        k = scenarios.index(d.scenario)
        y = rows[d.kpi] + (len(scenarios) - 1) / 2 * offset - k * offset
        relative = d.mean / abs(base) * 100
        low, high = (v / abs(base) * 100 for v in intervals[(d.scenario, d.kpi)])
        extent = max(extent, abs(low), abs(high))
        colour = (style.GREY if not d.significant or d.better is None else
                  style.BETTER_COLOUR if d.better else style.WORSE_COLOUR)
        ax.plot([low, high], [y, y], color=colour, linewidth=2.4, solid_capstyle="butt")
        ax.plot([relative], [y], marker=MARKERS[k % len(MARKERS)], markersize=11, color=colour,
                markerfacecolor=colour if d.significant else "white", markeredgewidth=2.2, linestyle="none",
                label=f"{d.scenario} ({'significant' if d.significant else 'not significant'})")
        unit = money_suffix if kpi_info(d.kpi).unit == "money" else ""
        ax.annotate(difference_text(d.kpi, d.mean) + unit + ("" if d.significant else " (n.s.)"),
                    (max(high, relative), y), xytext=(14, 0), textcoords="offset points", va="center",
                    fontsize=style.TICK_PT, color=colour, fontweight="bold" if d.significant else "normal")
    ax.axvline(0, color=style.BLACK, linewidth=1.2)
    ax.set_yticks([rows[k] for k in kpis], [label(k).name for k in kpis])
    ax.set_ylim(-0.7, len(kpis) - 0.3)
    ax.set_xlim(-extent * 1.35, extent * 1.35)
    ax.set_xlabel(f"difference from {baseline}, % of its mean (line: 95 % CI)")
    ax.grid(False, axis="y")
    legend = [Line2D([], [], marker=MARKERS[i % len(MARKERS)], color=style.BLACK, markersize=10, linestyle="none",
                     label=name) for i, name in enumerate(scenarios)] if len(scenarios) > 1 else []
    legend += [Line2D([], [], marker="o", color=style.BETTER_COLOUR, markersize=10, linestyle="none",
                      label="significant, better"),
               Line2D([], [], marker="o", color=style.WORSE_COLOUR, markersize=10, linestyle="none",
                      label="significant, worse"),
               Line2D([], [], marker="o", color=style.GREY, markerfacecolor="white", markeredgewidth=2,
                      markersize=10, linestyle="none", label="not significant")]
    figure.legend(handles=legend, loc="outside lower center", ncols=min(5, len(legend)))
    style.set_finding(figure, findings.differences_finding(differences, baseline))
    return figure


@register_chart(COMPARE, order=20)
def compare_forest(results: CompareResults) -> list[Drawing]:
    names = results.names
    base_kpis = results.scenario(results.baseline).get("kpis") or {}
    comparison = results.comparison
    window_h = (comparison.get("horizon_hours") or 0.0) - (comparison.get("warmup_hours") or 0.0)
    # money as the verdict says it: per week when the window is at least a week long
    money_divisor, money_words = money_period(window_h) if window_h > 0 else (1.0, "over the window")
    differences, intervals, baseline_means = [], {}, {}
    for kpi in HEADLINE_KPIS:
        base = (base_kpis.get(kpi) or {}).get("mean")
        if not base:
            continue   # no baseline, or zero: a relative difference means nothing
        scale = 1.0 / money_divisor if kpi_info(kpi).unit == "money" else 1.0
        for name in names[1:]:
            stat = (results.difference(name).get("kpis") or {}).get(kpi) or {}
            if stat.get("mean") is None or not stat.get("ci95"):
                continue
            if stat["mean"] == 0 and stat["ci95"][0] == stat["ci95"][1] == 0:
                continue   # the same in every replication (common random numbers): nothing to show
            differences.append(findings.Difference(name, kpi, stat["mean"] * scale,
                                                   bool(stat.get("significant"))))
            intervals[(name, kpi)] = [bound * scale for bound in stat["ci95"]]
            baseline_means[kpi] = base * scale
    if not differences:
        return []
    suffix = "/week" if money_words == "per week" else ""
    figure = forest_figure(differences, intervals, baseline_means, results.baseline, names, suffix)
    return [Drawing("differences", figure,
                    f"Each scenario minus {results.baseline}, paired over replications that share random "
                    "streams, as a percentage of the baseline's mean, with its 95 % confidence interval; "
                    "the label gives the difference in the KPI's own unit (shares in percentage points, "
                    f"money {money_words}). "
                    "Filled: significant after the comparison's multiple-comparison correction. KPIs "
                    "whose baseline mean is zero, or that are the same in every replication, are left out.")]


# -- score and feasibility ---------------------------------------------------------------------


def score_figure(scores: Mapping[str, float], feasible: Mapping[str, bool], names: Sequence[str]) -> Figure:
    """The perspective's score per scenario; hatched grey: breaches a constraint."""
    shown = [n for n in names if n in scores]
    figure, (ax,) = style.new_figure(max(3.0, 0.7 * len(shown) + 2.0))
    positions = np.arange(len(shown))[::-1]
    colours = scenario_colours(names)
    for y, name in zip(positions, shown):
        ok = feasible.get(name, True)
        ax.barh(y, scores[name], color=colours[name] if ok else style.LIGHT_GREY,
                hatch=None if ok else "//", edgecolor=style.BLACK if not ok else colours[name],
                label="breaches a constraint" if not ok else None)
        ax.annotate(f"{findings.number(scores[name], 3)}" + ("" if ok else "  infeasible"),
                    (scores[name], y), xytext=(6, 0), textcoords="offset points", va="center",
                    fontsize=style.TICK_PT)
    ax.set_yticks(positions, shown)
    ax.margins(x=0.18)
    ax.set_xlabel("score (the perspective's weighted objectives)")
    ax.grid(False, axis="y")
    style.figure_legend(figure, [ax])
    style.set_finding(figure, findings.score_finding({n: scores[n] for n in shown}, feasible))
    return figure


def _scores(comparison: Mapping[str, Any]) -> tuple[dict[str, float], dict[str, bool]]:
    """``scores`` and ``feasible`` from each scenario's ``perspective`` entry in
    ``comparison.json`` (its score's mean; feasible ``true``/``false``, an undecided
    feasibility is left out). Top-level ``scores``/``feasible`` maps, or ``score``/``feasible``
    directly in a scenario's entry, are read too."""
    scores = dict(comparison.get("scores") or {})
    feasible = dict(comparison.get("feasible") or {})
    for name, entry in (comparison.get("scenarios") or {}).items():
        if not isinstance(entry, Mapping):
            continue
        for source in (entry, entry.get("perspective") or {}):
            score = source.get("score")
            if isinstance(score, Mapping):
                score = score.get("mean")
            if isinstance(score, (int, float)):
                scores.setdefault(name, float(score))
            if isinstance(source.get("feasible"), bool):
                feasible.setdefault(name, source["feasible"])
    return {n: float(v) for n, v in scores.items() if isinstance(v, (int, float))}, feasible


@register_chart(COMPARE, order=30)
def compare_scores(results: CompareResults) -> list[Drawing]:
    scores, feasible = _scores(results.comparison)
    if not scores:
        return []
    return [Drawing("scores", score_figure(scores, feasible, results.names),
                    "Each scenario's score under the perspective's objectives (higher is better); "
                    "hatched: the scenario breaches at least one of the perspective's constraints.")]


# -- the week's waits, scenario by scenario -------------------------------------------------------


def wait_comparison_figure(waits: Mapping[str, Mapping[str, np.ndarray]], sla_min: Mapping[str, float | None],
                           names: Sequence[str], bin_h: float = 1.0) -> Figure:
    """Mean wait per hour of the week per service, a line per scenario, against the SLA.

    ``waits``: service → scenario → mean wait per hour (minutes, ``nan`` where nobody started);
    ``bin_h``: the longest time-series bin (the finding names whole bins).
    """
    services = list(waits)
    figure, axes = style.new_figure(style.stacked_height(len(services)), rows=len(services), sharex=True)
    colours = scenario_colours(names)
    for ax, service in zip(axes, services):
        top = 1.0
        for name in names:
            if name in waits[service]:
                values = waits[service][name]
                baseline = name == names[0]   # drawn wide underneath: a scenario equal to it stays visible
                ax.plot(np.arange(len(values)) + 0.5, values, color=colours[name], label=name,
                        linewidth=4.0 if baseline else 2.0, alpha=0.6 if baseline else 1.0, zorder=2 if baseline else 3)
                if np.isfinite(values).any():
                    top = max(top, float(np.nanmax(values)))
        sla = sla_min.get(service)
        if sla is not None and sla <= 3 * top:
            ax.axhline(sla, color="black", linestyle="--", linewidth=2.0, label="SLA wait")
            top = max(top, sla)
        ax.set_ylim(0, top * 1.15)
        ax.set_title(service)
        ax.set_ylabel("mean wait (min)")
        week_axis(ax, label=ax is axes[-1])
    style.figure_legend(figure, axes, 4)
    style.set_finding(figure, findings.wait_change_finding(waits, names[0], bin_h))
    return figure


@register_chart(COMPARE, order=40)
def compare_waits(results: CompareResults) -> list[Drawing]:
    profiles = {n: results.runs[n].profile for n in results.names if n in results.runs}
    profiles = {n: p for n, p in profiles.items() if p is not None and p.wait_mean_min is not None}
    if results.baseline not in profiles or len(profiles) < 2:
        return []
    services = list(dict.fromkeys(s for p in profiles.values() for s in p.services))
    waits = {s: {n: band(p.wait_mean_min[:, p.index(s)]).mean for n, p in profiles.items() if s in p.services}
             for s in services}
    sla = {s: results.runs[results.baseline].service_model(s).get("sla_wait_min") for s in services}
    return [Drawing("wait-by-hour-compare", wait_comparison_figure(waits, sla, results.names,
                                                                   max(p.bin_h for p in profiles.values())),
                    "Mean wait of the customers starting service in each hour of the week, per "
                    "service, one line per scenario (means over the replications); dashed: the "
                    "baseline's SLA wait.")]

