"""The dependency and finance parts of a run's results: ``summary.json`` sections and
``finance.csv``.

From the replications' summarised records (:func:`~stratsim.runner.statistics.summarize_records`)
this shapes ``flows`` (one entry per ``depends_on`` edge), ``sojourn`` (the customers' mean
sojourn at services with blocking edges) and ``finance`` (showback and the budget month by month),
and writes ``finance.csv`` from ``finance``. A scenario with neither dependencies nor a budget
has none of them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from stratsim.engine.months import month_bounds_h
from stratsim.runner.output import FINANCE_FILE
from stratsim.scenario import Scenario

FINANCE_COLUMNS = ("section", "id", "measure", "mean", "ci95_low", "ci95_high", "n")
ALLOCATED_FROM = "allocated_from:"


def _edges(scenario: Scenario) -> list[tuple[str, str, float, str]]:
    return sorted((s.id, d.service, d.share, d.mode) for s in scenario.services for d in s.depends_on)


def flows_summary(scenario: Scenario, stats: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per edge, in canonical order (source id, target id)."""
    flows = []
    for source, target, share, mode in _edges(scenario):
        measured = stats["flows"][f"{source}=>{target}"]
        entry = {"from": source, "to": target, "mode": mode, "share": share,
                 "sent": measured["sent"], "realised_share": measured["share"]}
        if "added_sojourn_mean_min" in measured:
            entry["added_sojourn_mean_min"] = measured["added_sojourn_mean_min"]
        flows.append(entry)
    return flows


def showback_summary(stats: dict[str, Any]) -> dict[str, Any]:
    """Totals, and per customer-facing service its allocated cost (by internal service) and
    its margin after allocation."""
    services = {}
    for sid, kpis in stats["showback"].items():
        services[sid] = {
            "allocated_cost": kpis["allocated_cost"],
            "margin": kpis["margin"],
            "allocated_from": {key[len(ALLOCATED_FROM):]: value for key, value in kpis.items()
                               if key.startswith(ALLOCATED_FROM)},
        }
    return {**stats["showback_totals"], "services": services}


def budget_summary(scenario: Scenario, stats: dict[str, Any]) -> dict[str, Any]:
    """The measured window's months: length, budget, actual cost and variance (budget − actual)."""
    budget = scenario.strategy.plan.budget
    months = []
    bounds = month_bounds_h(scenario.warmup, scenario.horizon)
    for k, (start, end) in enumerate(bounds, start=1):
        month = stats["months"][str(k)]
        months.append({
            "month": k, "start_hours": start, "hours": end - start,
            "budget": month["budget"]["mean"] if "budget" in month else None,
            "cost": month["cost"],
            "variance": month.get("variance"),
        })
    return {"per_month": budget.per_month if budget is not None else None, "months": months}


def finance_summary(scenario: Scenario, stats: dict[str, Any]) -> dict[str, Any]:
    """The ``flows``, ``sojourn`` and ``finance`` sections of ``summary.json`` (none when the
    scenario has neither dependencies nor a budget)."""
    out: dict[str, Any] = {}
    finance: dict[str, Any] = {}
    if "flows" in stats:
        out["flows"] = flows_summary(scenario, stats)
        if "sojourn" in stats:
            out["sojourn"] = stats["sojourn"]
        finance["showback"] = showback_summary(stats)
    if "months" in stats:
        finance["budget"] = budget_summary(scenario, stats)
    if finance:
        out["finance"] = finance
    return out


def finance_rows(finance: dict[str, Any]) -> list[tuple[Any, ...]]:
    """``finance.csv`` rows: ``(section, id, measure, mean, ci95_low, ci95_high, n)``."""
    rows: list[tuple[Any, ...]] = []

    def add(section: str, ident: Any, measure: str, stat: dict[str, Any] | float | None) -> None:
        if isinstance(stat, dict):
            ci = stat["ci95"] or (None, None)
            rows.append((section, ident, measure, stat["mean"], ci[0], ci[1], stat["n"]))
        else:
            rows.append((section, ident, measure, stat, stat, stat, None))

    budget = finance.get("budget")
    if budget is not None:
        for month in budget["months"]:
            add("budget", month["month"], "hours", month["hours"])
            if month["budget"] is not None:
                add("budget", month["month"], "budget", month["budget"])
            add("budget", month["month"], "cost", month["cost"])
            if month["variance"] is not None:
                add("budget", month["month"], "variance", month["variance"])
    showback = finance.get("showback")
    if showback is not None:
        for measure in ("internal_cost", "allocated_cost", "unallocated_cost"):
            add("showback", "", measure, showback[measure])
        for sid, service in showback["services"].items():
            add("showback", sid, "allocated_cost", service["allocated_cost"])
            for source, stat in service["allocated_from"].items():
                add("showback", sid, f"allocated_from:{source}", stat)
            add("showback", sid, "margin", service["margin"])
    return rows


def write_finance_csv(path: Path, finance: dict[str, Any]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FINANCE_COLUMNS)
        for row in finance_rows(finance):
            writer.writerow(tuple("" if v is None else v for v in row))
