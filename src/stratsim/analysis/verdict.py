"""The verdict of a comparison: a short paragraph that says what the numbers support, and no more.

Built only from the comparison document, by fixed rules:

* for each scenario against the baseline, the **key KPIs** whose paired difference is
  significant after Holm's correction, each with its 95 % interval in the KPI's unit
  ("cuts the mean wait by 9.8–12.1 min"), and then "no significant difference in …" for the
  key KPIs that are not: a difference that is not significant is never described as one;
* money is said **per week** (the measured window's total divided by its weeks) when the window
  is at least a week long, else per measured window; shares in percentage points;
* every scenario shown **infeasible** with the evidence that shows it ("satisfaction 3.7
  (3.6–3.8) < 4"), and every constraint the replications cannot decide, as such;
* the **ranking** by score where the perspective has objectives, naming the neighbours that
  are not distinguishable;
* one closing sentence that says what the ranges are.
"""

from __future__ import annotations

from typing import Any

from stratsim.clock import HOURS_PER_WEEK
from stratsim.kpis import format_estimate, format_interval, format_number, kpi_info


def money_period(window_h: float) -> tuple[float, str]:
    """Divisor and words for money: per week when the window is at least a week long."""
    if window_h >= HOURS_PER_WEEK:
        return window_h / HOURS_PER_WEEK, "per week"
    return 1.0, f"over the {format_number(window_h)}-hour measured window"


def _range(low: float, high: float) -> str:
    return format_number(low) if low == high else format_interval((low, high))


def describe_difference(kpi: str, difference: dict[str, Any], window_h: float) -> str:
    """A significant difference in words: ``"cuts the mean wait by 9.8–12.1 min"``."""
    info = kpi_info(kpi)
    low, high = difference["ci95"]
    rising = difference["mean"] > 0
    magnitude = (low, high) if rising else (-high, -low)
    if info.unit == "money":
        divisor, period = money_period(window_h)
        amount = _range(magnitude[0] / divisor, magnitude[1] / divisor)
        if kpi == "cost":
            return f"costs {amount} {'more' if rising else 'less'} {period}"
        return f"{'raises' if rising else 'cuts'} {info.label} by {amount} {period}"
    if info.unit == "share":
        amount, unit = _range(magnitude[0] * 100, magnitude[1] * 100), "percentage points"
    else:
        amount = _range(*magnitude)
        unit = {"min": "min", "points": "points", "count": "", "hours": "hours",
                "customers": "customers"}.get(info.unit, "")
    return f"{'raises' if rising else 'cuts'} {info.label} by {amount}{' ' + unit if unit else ''}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _differences(document: dict[str, Any], key_kpis: list[str], window_h: float) -> list[str]:
    baseline = document["baseline"]
    sentences = []
    for name, differences in document["differences"].items():
        said, silent = [], []
        for kpi in key_kpis:
            difference = differences["kpis"].get(kpi)
            if difference is None:
                continue
            if difference["significant"]:
                said.append(describe_difference(kpi, difference, window_h))
            else:
                silent.append(kpi_info(kpi).label)
        if said:
            sentence = f"{name} {_join(said)}"
            if silent:
                sentence += f"; no significant difference in {_join(silent)}"
        else:
            sentence = f"{name}: no significant difference in {_join(silent)}"
        sentences.append(sentence + ".")
    if sentences:
        sentences[0] = f"Against {baseline}, {sentences[0]}"
    return sentences


def _feasibility(document: dict[str, Any]) -> list[str]:
    sentences, feasible = [], []
    for name, summary in document["scenarios"].items():
        perspective = summary.get("perspective")
        if not perspective or not (perspective["constraints"] or perspective["sla_targets"]):
            continue
        judged = perspective["constraints"] + perspective["sla_targets"]
        if perspective["feasible"] is True:
            feasible.append(name)
        elif perspective["feasible"] is False:
            evidence = [j["evidence"] for j in judged if j["status"] == "violated"]
            sentences.append(f"{name} is infeasible: {'; '.join(evidence)}.")
        else:
            evidence = [j["evidence"] for j in judged if j["status"] == "undecided"]
            sentences.append(f"For {name} the replications cannot decide {'; '.join(evidence)}; "
                             "more replications would.")
    if feasible:
        verb = "meets" if len(feasible) == 1 else "meet"
        sentences.insert(0, f"{_join(feasible)} {verb} every constraint and SLA target.")
    return sentences


def _ranking(document: dict[str, Any]) -> list[str]:
    detail = document.get("ranking_detail")
    if detail is None:
        return []
    if not detail:
        return ["No scenario can be ranked: every one is infeasible."]
    places = [f"{i + 1}. {entry['scenario']} {_score(entry['score'])}" for i, entry in enumerate(detail)]
    ties = [f"{a['scenario']} and {b['scenario']}" for a, b in zip(detail, detail[1:])
            if not a["distinguishable_from_next"]]
    sentence = f"Ranking by score of the scenarios not shown infeasible: {', '.join(places)}"
    if ties:
        sentence += f"; not distinguishable: {'; '.join(ties)}"
    return [sentence + "."]


def _score(stats: dict[str, Any]) -> str:
    return format_estimate(stats["mean"], stats["ci95"])


def verdict_parts(document: dict[str, Any], key_kpis: list[str]) -> dict[str, Any]:
    """The verdict's sentences by kind, for a layout that leads with the decision (the report):
    ``ranking`` and ``feasibility`` (lists), ``differences`` (one sentence per scenario) and
    ``closing`` (what the ranges are)."""
    window_h = document["horizon_hours"] - document["warmup_hours"]
    _, period = money_period(window_h)
    return {
        "differences": _differences(document, key_kpis, window_h),
        "feasibility": _feasibility(document),
        "ranking": _ranking(document),
        "closing": (f"Ranges are 95 % confidence intervals of differences paired over "
                    f"{document['replications']} replications on common random numbers; a "
                    f"difference is named only when significant after Holm's correction; "
                    f"money {period}."),
    }


def verdict(document: dict[str, Any], key_kpis: list[str]) -> str:
    """The plain-language verdict of a comparison document (see the module docstring)."""
    parts = verdict_parts(document, key_kpis)
    return " ".join([*parts["differences"], *parts["feasibility"], *parts["ranking"], parts["closing"]])
