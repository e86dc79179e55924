"""KPIs of one replication, from the measured cells, their accounts and the stations' sums.

The result is a :data:`KpiRecord`, a nested dict shaped like ``summary.json`` but with one
number per KPI::

    {"kpis": {...}, "services": {id: {..., "tiers": {tier: {...}}}}, "segments": {id: {...}}}

A KPI that is undefined in a replication (a mean wait when nobody started service, a share
of zero arrivals) is ``None``; statistics over replications skip it and say so in ``n``.
Customer KPIs follow the arrival cohort, money and time-based KPIs the period
(``docs/kpis.md``). Float sums use :func:`math.fsum`, which is exactly rounded, so no number
depends on the order of services, segments or tiers in the file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from stratsim.economics.accounting import allocate_cost, service_cost_parts
from stratsim.engine.cells import Cell
from stratsim.engine.histogram import N_LOG_BINS, quantile_of_counts
from stratsim.engine.model import Model, StationSpec
from stratsim.engine.recording import StationSums

KpiRecord = dict[str, Any]
MINUTES_PER_HOUR = 60.0
COUNT_KPIS = (
    "arrivals", "served", "blocked", "balked", "reneged", "unavailable", "deferred",
    "in_system_at_horizon", "unfinished",
)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def customer_kpis(cells: list[Cell]) -> dict[str, float | int | None]:
    """Cohort KPIs of a group of cells, and the period KPIs ``completed`` and ``revenue``."""
    counts = {name: sum(getattr(cell, name) for cell in cells) for name in COUNT_KPIS}
    arrivals = counts["arrivals"]
    started = sum(cell.started for cell in cells)
    kpis: dict[str, float | int | None] = dict(counts)
    for name in ("blocked", "balked", "reneged"):
        kpis[f"{name}_share"] = _ratio(counts[name], arrivals)
    wait_sum_h = math.fsum(cell.wait_sum_h for cell in cells)
    kpis["wait_mean_min"] = _ratio(wait_sum_h * MINUTES_PER_HOUR, started)
    histogram = np.zeros(N_LOG_BINS + 2, dtype=np.int64)
    for cell in cells:
        cell.waits.flush()
        histogram += cell.waits.counts
    p90 = quantile_of_counts(histogram, 0.9)
    kpis["wait_p90_min"] = None if p90 is None else p90 * MINUTES_PER_HOUR
    with_sla = [cell for cell in cells if cell.has_sla]
    if with_sla:
        judged = sum(cell.started + cell.reneged for cell in with_sla)
        kpis["sla_attainment"] = _ratio(sum(cell.sla_hits for cell in with_sla), judged)
    scored = started + sum(cell.lost for cell in cells)
    kpis["satisfaction"] = _ratio(math.fsum(cell.satisfaction_sum for cell in cells), scored)
    kpis["completed"] = sum(cell.account.completed for cell in cells)
    kpis["revenue"] = math.fsum(cell.account.revenue for cell in cells)
    return kpis


def station_kpis(
    spec: StationSpec, sums: StationSums, completed: int, window_h: float
) -> dict[str, float | None]:
    """Time-based KPIs of one service over the window, and its cost (in total and by category)."""
    cost = service_cost_parts(spec.staff_hour_cost, spec.per_request_cost, spec.fixed_cost_per_day,
                              sums.staffed_area, completed, window_h)
    return {
        "utilization": _ratio(sums.busy_area, sums.staffed_area),
        "staffed_hours": sums.staffed_area,
        "queue_mean": sums.queue_area / window_h,
        "cost": cost.total,
        "cost_staff": cost.staff,
        "cost_requests": cost.requests,
        "cost_fixed": cost.fixed,
    }


def _with_profit(kpis: dict[str, Any]) -> dict[str, Any]:
    kpis["profit"] = kpis["revenue"] - kpis["cost"]
    return kpis


def _with_allocated_cost(kpis: dict[str, Any], cells: list[Cell]) -> dict[str, Any]:
    """Add the cells' allocated cost, and profit, to a tier's or segment's KPIs."""
    kpis["cost"] = math.fsum(cell.cost for cell in cells)
    return _with_profit(kpis)


def _allocate(spec: StationSpec, cost: float, cells: list[Cell]) -> None:
    accounts = [cell.account for cell in cells]
    shares = allocate_cost(cost, spec.per_request_cost, [a.completed for a in accounts],
                           [a.completed_work_h for a in accounts])
    for cell, share in zip(cells, shares):
        cell.cost = share


def replication_kpis(model: Model, cells: Iterable[Cell], window_sums: list[StationSums]) -> KpiRecord:
    """The KPI record of one replication."""
    cells = list(cells)
    services: dict[str, Any] = {}
    for spec, sums in zip(model.stations, window_sums):
        own = [cell for cell in cells if cell.station == spec.index]
        kpis = customer_kpis(own)
        kpis.update(station_kpis(spec, sums, int(kpis["completed"]), model.window_h))
        _allocate(spec, kpis["cost"], own)
        if spec.has_declared_tiers:
            kpis["tiers"] = {}
            for t, tier in enumerate(spec.tiers):
                tier_cells = [cell for cell in own if cell.tier == t]
                kpis["tiers"][tier.id] = _with_allocated_cost(customer_kpis(tier_cells), tier_cells)
        services[spec.id] = _with_profit(kpis)
    portfolio = customer_kpis(cells)
    portfolio.update(
        {kpi: math.fsum(service[kpi] for service in services.values())
         for kpi in ("cost", "cost_staff", "cost_requests", "cost_fixed", "staffed_hours")}
    )
    segments = {}
    for segment in model.segments:
        own_cells = [cell for cell in cells if cell.segment == segment.index]
        segments[segment.id] = _with_allocated_cost(customer_kpis(own_cells), own_cells)
    return {"kpis": _with_profit(portfolio), "services": services, "segments": segments}


def wait_histograms(model: Model, cells: Iterable[Cell]) -> list[tuple[str, str | None, np.ndarray]]:
    """Wait-histogram counts of each service tier's cohort (``None`` for an undeclared tier).

    The bins are those of :mod:`stratsim.engine.histogram`; these are the counts the wait KPIs
    are read from, kept whole so that a chart can draw the distribution.
    """
    cells = list(cells)
    out = []
    for spec in model.stations:
        for t, tier in enumerate(spec.tiers):
            counts = np.zeros(N_LOG_BINS + 2, dtype=np.int64)
            for cell in cells:
                if cell.station == spec.index and cell.tier == t:
                    cell.waits.flush()
                    counts += cell.waits.counts
            out.append((spec.id, tier.id if spec.has_declared_tiers else None, counts))
    return out
