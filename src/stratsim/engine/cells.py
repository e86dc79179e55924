"""Streaming per-customer statistics, one :class:`Cell` per (segment, service, tier).

Every counted customer belongs to exactly one cell; every KPI at every level (portfolio,
service, tier, segment) is a sum over cells, so cells are the only per-customer state the
engine accumulates. Memory is fixed: counters, sums and a :class:`WaitHistogram`.
"""

from __future__ import annotations

import math

from stratsim.economics.satisfaction import DEFAULT_TOLERANCE_H
from stratsim.engine.histogram import WaitHistogram


class Cell:
    """Counters of the customers of one segment at one service tier.

    ``work_h`` sums the service time of the customers who started service (the basis of cost
    allocation); ``cost`` is the cell's allocated cost, set after the run.
    ``sla_wait_h`` is ``inf`` where no SLA applies (every start counts as a hit, and the KPI
    is not reported). ``tolerance_h`` is the wait the satisfaction score measures against.
    """

    __slots__ = (
        "segment", "station", "tier", "unit_price", "sla_wait_h", "has_sla", "tolerance_h",
        "arrivals", "started", "served", "blocked", "balked", "reneged", "unavailable",
        "deferred", "in_system", "in_system_at_horizon", "wait_sum_h", "work_h", "sla_hits",
        "satisfaction_sum", "revenue", "cost", "waits",
    )

    def __init__(
        self, segment: int, station: int, tier: int, unit_price: float, sla_wait_h: float | None
    ) -> None:
        self.segment = segment
        self.station = station
        self.tier = tier
        self.unit_price = unit_price
        self.has_sla = sla_wait_h is not None
        self.sla_wait_h = sla_wait_h if sla_wait_h is not None else math.inf
        self.tolerance_h = sla_wait_h if sla_wait_h is not None else DEFAULT_TOLERANCE_H
        self.arrivals = 0
        self.started = 0
        self.served = 0
        self.blocked = 0
        self.balked = 0
        self.reneged = 0
        self.unavailable = 0
        self.deferred = 0
        self.in_system = 0
        self.in_system_at_horizon = 0
        self.wait_sum_h = 0.0
        self.work_h = 0.0
        self.sla_hits = 0
        self.satisfaction_sum = 0.0
        self.revenue = 0.0
        self.cost = 0.0
        self.waits = WaitHistogram()

    @property
    def lost(self) -> int:
        """Customers turned away or gone before service."""
        return self.blocked + self.balked + self.reneged + self.unavailable
