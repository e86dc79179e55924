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

from stratsim.economics.accounting import allocate_cost, overtime_premium, service_cost_parts
from stratsim.engine.cells import Cell
from stratsim.engine.histogram import N_LOG_BINS, quantile_of_counts
from stratsim.engine.model import Model, StationSpec
from stratsim.engine.recording import StationSums

KpiRecord = dict[str, Any]
MINUTES_PER_HOUR = 60.0
COUNT_KPIS = (
    "arrivals", "served", "blocked", "balked", "reneged", "unavailable", "deferred",
    "in_system_at_horizon", "unfinished", "redirected", "complaints", "churned",
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
    spec: StationSpec, sums: StationSums, completed: int, window_h: float,
    offered_h: float | None = None, promotion_cost: float = 0.0, launch_cost: float = 0.0,
) -> dict[str, float | None]:
    """Time-based KPIs of one service over the window, and its cost in total and by category.

    ``offered_h`` is how long the service was offered in the window (fixed cost stops at a
    retirement; the whole window by default); ``promotion_cost`` its campaign costs and
    discounts, part of its cost; ``launch_cost`` the launch booked in the window. Staff cost
    includes the overtime premium of surge staff.
    """
    fixed_h = window_h if offered_h is None else offered_h
    parts = service_cost_parts(spec.staff_hour_cost, spec.per_request_cost, spec.fixed_cost_per_day,
                               sums.staffed_area, completed, fixed_h)
    staff = parts.staff + overtime_premium(spec.staff_hour_cost, spec.overtime_factor, sums.surge_area)
    return {
        "utilization": _ratio(sums.busy_area, sums.staffed_area),
        "staffed_hours": sums.staffed_area,
        "queue_mean": sums.queue_area / window_h,
        "cost": staff + parts.requests + parts.fixed + promotion_cost + launch_cost,
        "cost_staff": staff,
        "cost_requests": parts.requests,
        "cost_fixed": parts.fixed,
        "promotion_cost": promotion_cost,
        "cost_launch": launch_cost,
        "surge_hours": sums.surge_area,
    }


def _with_profit(kpis: dict[str, Any]) -> dict[str, Any]:
    kpis["profit"] = kpis["revenue"] - kpis["cost"]
    return kpis


def _with_allocated_cost(kpis: dict[str, Any], cells: list[Cell]) -> dict[str, Any]:
    """Add the cells' allocated cost and promotion cost, and profit, to a tier's or segment's KPIs."""
    kpis["cost"] = math.fsum(cell.cost for cell in cells)
    kpis["promotion_cost"] = math.fsum(cell.promotion_cost for cell in cells)
    return _with_profit(kpis)


def _allocate(spec: StationSpec, cost: float, campaign: float, cells: list[Cell]) -> None:
    """Allocate a service's cost to its cells, and its promotion cost: each cell's discounts
    directly, the campaign cost by service time used (like staff and fixed cost)."""
    accounts = [cell.account for cell in cells]
    discounts = [a.discount_cost for a in accounts]
    work = [a.completed_work_h for a in accounts]
    shares = allocate_cost(cost, spec.per_request_cost, [a.completed for a in accounts], work,
                           discounts if any(discounts) else None)
    total_work = math.fsum(work)
    for cell, share, discount, w in zip(cells, shares, discounts, work):
        cell.cost = share
        cell.promotion_cost = discount + (campaign * w / total_work if total_work > 0.0 else 0.0)


def replication_kpis(model: Model, cells: Iterable[Cell], window_sums: list[StationSums],
                     offered_h: list[float] | None = None,
                     campaign_cost: list[float] | None = None,
                     launch_cost: list[float] | None = None) -> KpiRecord:
    """The KPI record of one replication.

    With a strategy, ``offered_h`` (hours each service was offered in the window) and
    ``campaign_cost`` (each service's share of promotion campaigns accrued in the window) enter
    its cost.
    """
    cells = list(cells)
    services: dict[str, Any] = {}
    for spec, sums in zip(model.stations, window_sums):
        own = [cell for cell in cells if cell.station == spec.index]
        kpis = customer_kpis(own)
        campaign = campaign_cost[spec.index] if campaign_cost is not None else 0.0
        discounts = math.fsum(cell.account.discount_cost for cell in own)
        kpis.update(station_kpis(spec, sums, int(kpis["completed"]), model.window_h,
                                 offered_h[spec.index] if offered_h is not None else None,
                                 campaign + discounts if campaign_cost is not None else 0.0,
                                 launch_cost[spec.index] if launch_cost is not None else 0.0))
        _allocate(spec, kpis["cost"], campaign, own)
        if spec.has_declared_tiers:
            kpis["tiers"] = {}
            for t, tier in enumerate(spec.tiers):
                tier_cells = [cell for cell in own if cell.tier == t]
                kpis["tiers"][tier.id] = _with_allocated_cost(customer_kpis(tier_cells), tier_cells)
        services[spec.id] = _with_profit(kpis)
    portfolio = customer_kpis([cell for cell in cells if cell.segment >= 0])  # requests: no customers
    portfolio.update(
        {kpi: math.fsum(service[kpi] for service in services.values())
         for kpi in ("cost", "cost_staff", "cost_requests", "cost_fixed", "promotion_cost", "cost_launch",
                     "staffed_hours", "surge_hours")}
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
