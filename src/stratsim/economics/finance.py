"""A replication's finance record: showback margins and budget against actual, from its KPIs.

Pure functions over plain numbers (the arithmetic is in :mod:`stratsim.economics.showback` and
:mod:`stratsim.economics.budget`); the engine calls them once per replication so that
``replications.csv`` and ``summary.json`` carry them like any KPI.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from stratsim.economics.budget import budget_variance, month_budget
from stratsim.economics.showback import allocate_showback


def showback_record(services: Mapping[str, Mapping[str, Any]], internal: frozenset[str],
                    requests: Mapping[tuple[str, str], float]) -> dict[str, Any]:
    """``showback`` (per customer-facing service: allocated cost, margin after allocation) and
    ``showback_totals`` (internal cost, allocated, unallocated) of one replication.

    ``services`` are the replication's service KPIs (``revenue``, ``cost``); an internal
    service's cost to allocate is its whole ``cost`` over the window: staff, per-request and
    fixed cost and its launch cost when it was launched in the window (a pipeline service built
    for the services that use it), so that allocated + unallocated = the internal services' cost.
    """
    own = {sid: kpis["cost"] for sid, kpis in services.items() if sid in internal}
    result = allocate_showback(own, internal, requests)
    per_service: dict[str, Any] = {}
    for sid, kpis in services.items():
        if sid in internal:
            continue
        allocated = result.allocated_to(sid)
        per_service[sid] = {
            "allocated_cost": allocated,
            "margin": kpis["revenue"] - kpis["cost"] - allocated,
            **{f"allocated_from:{source}": result.allocated.get((sid, source), 0.0)
               for source in _internal_reached(sid, internal, requests)},
        }
    totals = {
        "internal_cost": math.fsum(own.values()),
        "allocated_cost": math.fsum(result.allocated.values()),
        "unallocated_cost": math.fsum(result.unallocated.values()),
    }
    return {"showback": per_service, "showback_totals": totals}


def _internal_reached(service: str, internal: frozenset[str],
                      requests: Mapping[tuple[str, str], float]) -> list[str]:
    """The internal services ``service`` reaches along the edges (whatever was sent), by id:
    the same keys in every replication."""
    seen: set[str] = set()
    frontier = [service]
    while frontier:
        node = frontier.pop()
        for consumer, provider in requests:
            if consumer == node and provider not in seen:
                seen.add(provider)
                if provider in internal:
                    frontier.append(provider)
    return sorted(seen & internal)


def budget_months(per_month: float | None, months: Mapping[str, Mapping[str, float]]) -> dict[str, Any]:
    """Each month's ``hours`` and actual ``cost``, with its ``budget`` and ``variance`` (budget −
    actual) when there is a budget."""
    out: dict[str, Any] = {}
    for key, month in months.items():
        row = dict(month)
        if per_month is not None:
            row["budget"] = month_budget(per_month, month["hours"])
            row["variance"] = budget_variance(per_month, month["hours"], month["cost"])
        out[key] = row
    return out
