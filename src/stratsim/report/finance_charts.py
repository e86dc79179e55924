"""The finance chart of a run (one per scenario in a comparison): budget against actual cost
month by month, and showback.

Drawn from ``summary.json``'s ``finance`` section (a scenario with dependencies or a budget):
the left panel shows each month's actual operating cost (95 % CI) against its budget, the
right one each customer-facing service's own cost, the internal services' cost allocated to it
and its margin after allocation. A panel whose data is absent is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from stratsim.report import style
from stratsim.report.charts import Drawing, per_scenario, register_chart
from stratsim.report.labels import number
from stratsim.report.results import COMPARE, RUN, CompareResults, RunResults


def _mean(stat: Any) -> float:
    if isinstance(stat, Mapping):
        return float(stat.get("mean") or 0.0)
    return float(stat or 0.0)


def _error(stat: Any) -> list[list[float]]:
    if not isinstance(stat, Mapping) or not stat.get("ci95"):
        return [[0.0], [0.0]]
    low, high = stat["ci95"]
    return [[stat["mean"] - low], [high - stat["mean"]]]


def _high(stat: Any) -> float:
    """The top of a statistic's whisker (its mean when it has no interval): where its label goes."""
    if isinstance(stat, Mapping) and stat.get("ci95"):
        return float(stat["ci95"][1])
    return _mean(stat)


def finance_finding(months: Sequence[Mapping[str, Any]], margins: Mapping[str, float]) -> str:
    """Title of the finance chart: the budget's verdict, then the lowest margin after showback."""
    parts = []
    budgeted = [m for m in months if m.get("budget") is not None]
    if budgeted:
        over = [m for m in budgeted if _mean(m["variance"]) < 0]
        total = sum(_mean(m["variance"]) for m in budgeted)
        parts.append(f"{len(over)} of {len(budgeted)} months over budget (total variance {number(total)})"
                     if over else f"Every month within budget (total {number(total)} left)")
    if margins:
        worst = min(margins, key=lambda s: margins[s])
        parts.append(f"lowest margin after showback: {worst} ({number(margins[worst])})")
    text = "; ".join(parts) or "No budget and no showback"
    return text[0].upper() + text[1:]


def finance_figure(finance: Mapping[str, Any], services: Mapping[str, Mapping[str, Any]]) -> Figure:
    """Budget against actual month by month (left) and showback per customer-facing service
    (right); ``finance`` is ``summary.json``'s ``finance``, ``services`` its ``services``."""
    months = (finance.get("budget") or {}).get("months") or []
    showback = (finance.get("showback") or {}).get("services") or {}
    panels = [p for p, present in (("budget", bool(months)), ("showback", bool(showback))) if present]
    figure, axes = style.new_figure(columns=max(len(panels), 1))
    for ax, panel in zip(axes, panels):
        if panel == "budget":
            _budget_panel(ax, months)
        else:
            _showback_panel(ax, showback, services)
    style.figure_legend(figure, axes, LEGEND_COLUMNS)
    margins = {s: _mean(v["margin"]) for s, v in showback.items()}
    style.set_finding(figure, finance_finding(months, margins))
    style.fit_value_labels(figure)
    return figure


#: Legend columns: three of the longest entries ("allocated from <service>") fit the width.
LEGEND_COLUMNS = 3


def allocation_colours(sources: Sequence[str]) -> dict[str, str]:
    """A colour per internal service whose cost is allocated: from the palette, none of them
    the colour of own cost, of the margin (profit or loss) or of the budget panel's actual
    cost, so every part of a stack and every legend entry can be told apart."""
    taken = {style.COST_COLOURS[0], style.PROFIT_COLOUR, style.LOSS_COLOUR, style.SKY_BLUE}
    free = [c for c in (*style.SERIES, style.GREY, style.LIGHT_GREY) if c not in taken]
    return {source: free[i % len(free)] for i, source in enumerate(sources)}


def _budget_panel(ax, months: Sequence[Mapping[str, Any]], names: Sequence[str] | None = None) -> None:
    """Actual cost against the prorated budget, one bar per month — or, with ``names``, one bar
    per compared scenario, each its window's single budget month."""
    x = np.arange(len(months))
    for i, month in enumerate(months):
        ax.bar(x[i], _mean(month["cost"]), 0.6, color=style.SKY_BLUE, yerr=_error(month["cost"]),
               capsize=4, label="actual cost" if i == 0 else None)
        if month.get("budget") is not None:
            ax.hlines(month["budget"], x[i] - 0.4, x[i] + 0.4, color=style.BLACK, linewidth=2.5,
                      label="budget (prorated)" if i == 0 else None)
            variance = _mean(month["variance"])
            style.value_label(ax, number(variance), x[i], max(_high(month["cost"]), month["budget"]),
                              color=style.WORSE_COLOUR if variance < 0 else style.BETTER_COLOUR)
    if names is None:
        labels = [f"{m['month']}" + ("" if m["hours"] >= 720 else f"\n({number(m['hours'] / 24, 3)} d)")
                  for m in months]
        ax.set_xticks(x, labels)
        ax.set_xlabel("month of the measured window (30 days)")
    else:
        ax.set_xticks(x, list(names))
        style.slant_tick_labels(ax)
        days = number(months[0]["hours"] / 24, 3) if months else "0"
        ax.set_xlabel(f"scenario (its measured window: one budget month of {days} days)")
    ax.grid(False, axis="x")
    ax.set_ylabel("cost per month (currency)")
    ax.set_title("budget against actual (labels: variance)")
    ax.yaxis.set_major_formatter(lambda value, _: number(value))


def _showback_panel(ax, showback: Mapping[str, Mapping[str, Any]],
                    services: Mapping[str, Mapping[str, Any]]) -> None:
    names = list(showback)
    x = np.arange(len(names))
    sources = sorted({s for v in showback.values() for s in v["allocated_from"]})
    colours = allocation_colours(sources)
    for i, name in enumerate(names):
        own = _mean(services.get(name, {}).get("cost"))
        ax.bar(x[i] - 0.2, own, 0.4, color=style.COST_COLOURS[0], label="own cost" if i == 0 else None)
        bottom = own
        for source in sources:
            value = _mean(showback[name]["allocated_from"].get(source))
            if value:
                ax.bar(x[i] - 0.2, value, 0.4, bottom=bottom, color=colours[source], edgecolor="white",
                       label=f"allocated from {source}")
                bottom += value
        margin = showback[name]["margin"]
        value = _mean(margin)
        ax.bar(x[i] + 0.2, value, 0.4, color=style.PROFIT_COLOUR if value >= 0 else style.LOSS_COLOUR,
               yerr=_error(margin), capsize=4, label="margin after allocation")
        style.value_label(ax, number(value), x[i] + 0.2, max(_high(margin), 0.0))
    ax.axhline(0, color=style.BLACK, linewidth=1.0)
    ax.set_xticks(x, names)
    style.slant_tick_labels(ax)
    ax.grid(False, axis="x")
    ax.set_ylabel("money over the window (currency)")
    ax.set_title("showback per customer-facing service")
    ax.yaxis.set_major_formatter(lambda value, _: number(value))


CAPTION = ("Left: each 30-day month's actual operating cost (staff, per request, fixed; "
           "95 % CI) against the budget prorated to the month, labelled with the variance "
           "(budget − actual). Right: each customer-facing service's own cost, the internal "
           "services' cost allocated to it in proportion to the requests it sent, and its "
           "margin after allocation (revenue − own cost − allocated).")


@register_chart(RUN, order=65)
def run_finance(results: RunResults) -> list[Drawing]:
    finance = results.summary.get("finance")
    if not finance:
        return []
    return [Drawing("finance", finance_figure(finance, results.summary["services"]), CAPTION)]


def single_month_budgets(results: CompareResults) -> list[tuple[str, Mapping[str, Any]]] | None:
    """``(scenario, its budget month)`` when every compared scenario with a finance section has
    a budget over a window of one month and no showback (then one chart across the scenarios
    says all that one chart each would); None otherwise."""
    entries = []
    for name in results.names:
        run = results.runs.get(name)
        finance = run.summary.get("finance") if run is not None else None
        if not finance:
            continue
        months = (finance.get("budget") or {}).get("months") or []
        if (finance.get("showback") or {}).get("services") or len(months) != 1:
            return None
        entries.append((name, months[0]))
    return entries if len(entries) > 1 else None


def budget_across_scenarios(entries: Sequence[tuple[str, Mapping[str, Any]]]) -> Figure:
    """Each compared scenario's actual cost against its prorated budget, side by side."""
    figure, (ax,) = style.new_figure()
    _budget_panel(ax, [month for _, month in entries], [name for name, _ in entries])
    style.figure_legend(figure, [ax], LEGEND_COLUMNS)
    over = [name for name, month in entries if _mean(month["variance"]) < 0]
    most = max(entries, key=lambda entry: _mean(entry[1]["variance"]))
    head = ("Every scenario within budget" if not over else
            f"{len(over)} of {len(entries)} scenarios over budget ({', '.join(over)})")
    style.set_finding(figure, f"{head}; most left: {most[0]} ({number(_mean(most[1]['variance']))})")
    style.fit_value_labels(figure)
    return figure


ACROSS_CAPTION = ("Each scenario's actual operating cost over its measured window (staff, per "
                  "request, fixed; 95 % CI) against the budget prorated to the window, labelled "
                  "with the variance (budget − actual).")


@register_chart(COMPARE, order=95)
def compare_finance(results: CompareResults) -> list[Drawing]:
    """The compared scenarios' finance: one chart across them when each has a one-month budget
    and no showback; else one finance chart per scenario that has a finance section, baseline
    first, numbered like the portfolio pictures (``finance-1`` is the first scenario), so a
    planner sees each strategy's budget months and margins after showback side by side."""
    across = single_month_budgets(results)
    if across is not None:
        return [Drawing("finance", budget_across_scenarios(across), ACROSS_CAPTION)]
    def figure_of(run: RunResults) -> Figure | None:
        finance = run.summary.get("finance")
        return finance_figure(finance, run.summary["services"]) if finance else None

    return per_scenario(results, "finance", CAPTION, figure_of)
