"""What rules see: a service's live state now, and its flows over a recent window.

A rule's condition calls functions such as ``queue('helpdesk')`` or ``margin('helpdesk')``
(:mod:`stratsim.strategy.conditions`). The instantaneous ones read the station. The windowed ones
are differences of two :class:`Flows` snapshots — cumulative sums since time 0 over every cohort
of the service's customers (warm-up, measured, drain) and the station's clock integrals — taken
at the start and the end of the window. A snapshot costs a pass over the service's cells, so
rules cost per evaluation, never per customer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from stratsim.clock import HOURS_PER_DAY
from stratsim.engine.cells import Cell
from stratsim.engine.histogram import N_LOG_BINS, quantile_of_counts
from stratsim.engine.station import PricedStation, Station

MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class Flows:
    """Cumulative sums of one service from time 0 to ``t``."""

    t: float
    busy_area: float
    staffed_area: float
    surge_area: float
    started: int
    wait_sum_h: float
    served: int
    scored: int
    satisfaction_sum: float
    revenue: float
    fixed_cost: float
    promotion_cost: float
    waits: np.ndarray | None


class Probe:
    """Reads one station and its cells for the rules.

    ``offered_h(t)`` and ``campaign_cost(t)`` (from the strategy runtime) give the hours the
    service was offered and the campaign cost accrued up to ``t``.
    """

    def __init__(self, station: Station, cells: list[Cell], offered_h: Callable[[float], float],
                 campaign_cost: Callable[[float], float]) -> None:
        self.station = station
        self.cells = cells
        self.offered_h = offered_h
        self.campaign_cost = campaign_cost

    def flows(self, now: float, with_waits: bool) -> Flows:
        station, cells = self.station, self.cells
        spec = station.spec
        if isinstance(station, PricedStation):
            revenue, discounts = station.gross_total, station.discount_total
        else:
            revenue = math.fsum(cell.served * cell.account.unit_price for cell in cells)
            discounts = 0.0
        waits = None
        if with_waits:
            waits = np.zeros(N_LOG_BINS + 2, dtype=np.int64)
            for cell in cells:
                cell.waits.flush()
                waits += cell.waits.counts
        return Flows(
            t=now,
            # read without advancing the station's integral: a rule that only looks must not
            # split the integration (and so change the rounding of utilization) of a run
            busy_area=station.busy_area + station.busy * (now - station.last_h),
            staffed_area=station.staffed_area(now),
            surge_area=station.surge_area(now),
            started=sum(cell.started for cell in cells),
            wait_sum_h=math.fsum(cell.wait_sum_h for cell in cells),
            served=sum(cell.served for cell in cells),
            scored=sum(cell.started + cell.lost for cell in cells),
            satisfaction_sum=math.fsum(cell.satisfaction_sum for cell in cells),
            revenue=revenue,
            fixed_cost=spec.fixed_cost_per_day * self.offered_h(now) / HOURS_PER_DAY,
            promotion_cost=self.campaign_cost(now) + discounts,
            waits=waits,
        )


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def window_value(name: str, station: Station, before: Flows, now: Flows) -> float | None:
    """The windowed function ``name`` of a station between two snapshots (None if undefined)."""
    spec = station.spec
    if name == "utilization":
        return _ratio(now.busy_area - before.busy_area, now.staffed_area - before.staffed_area)
    if name == "wait_mean":
        started = now.started - before.started
        return _ratio((now.wait_sum_h - before.wait_sum_h) * MINUTES_PER_HOUR, started)
    if name == "wait_p90":
        assert now.waits is not None and before.waits is not None
        p90 = quantile_of_counts(now.waits - before.waits, 0.9)
        return None if p90 is None else p90 * MINUTES_PER_HOUR
    if name == "served":
        return float(now.served - before.served)
    if name == "satisfaction":
        return _ratio(now.satisfaction_sum - before.satisfaction_sum, now.scored - before.scored)
    revenue = now.revenue - before.revenue
    if name == "revenue":
        return revenue
    if name == "margin":
        staffed = now.staffed_area - before.staffed_area
        surge = now.surge_area - before.surge_area
        cost = (spec.staff_hour_cost * (staffed + (spec.overtime_factor - 1.0) * surge)
                + spec.per_request_cost * (now.served - before.served)
                + now.fixed_cost - before.fixed_cost
                + now.promotion_cost - before.promotion_cost)
        return revenue - cost
    raise KeyError(name)
