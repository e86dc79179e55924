"""Streaming statistics: a :class:`Cell` per arrival cohort and an :class:`Account` per period.

The KPIs have two bases (``docs/model.md``):

* **customer KPIs** (counts, waits, SLA, satisfaction) follow the *arrival cohort*: the
  customers who arrived in the measured window ``[warmup, horizon)``, whenever they leave.
  Every customer belongs to exactly one :class:`Cell` per (segment, service, tier) of its
  cohort (warm-up, measured, or drain);
* **money** follows the *period*: services completed within the window, whoever arrived
  when. Each (segment, service, tier) has one :class:`Account`, shared by the cells of all
  its cohorts, which books a completion only while the station is counting.

Every KPI at every level (portfolio, service, tier, segment) is a sum over cells and
accounts, so they are the only per-customer state the engine accumulates. Memory is fixed:
counters, sums and a :class:`WaitHistogram`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from stratsim.economics.satisfaction import DEFAULT_TOLERANCE_H
from stratsim.engine.histogram import WaitHistogram

if TYPE_CHECKING:
    from stratsim.engine.station import Customer


Quote = tuple[float, float]
"""The price a customer was quoted at arrival: ``(service price, 1 − promotion discount)``."""

#: The segment index of request cells (dependency requests, complaints-desk requests): no
#: segment, so no segment (nor the portfolio) counts them; only the service they reach does.
REQUEST_SEGMENT = -1
#: Requests carry no price: a quote of 0 with no discount.
FREE_QUOTE: Quote = (0.0, 1.0)
#: The arrival cohorts, by index: warm-up, measured window ``[warmup, horizon)``, drain.
WARM, MEASURED, DRAIN = 0, 1, 2


class Account:
    """Services of one (segment, service, tier) completed within the measured window.

    ``completed_work_h`` sums their service times, the basis of cost allocation. At a service
    whose price never changes, revenue is ``completed × unit_price``. At one whose price can
    change (``priced``), every customer pays the price quoted at its arrival, and ``quotes``
    counts the window's completions per distinct quote, so revenue is the exactly rounded sum
    of ``count × price × tier factor`` over the quotes — the same whatever order the customers
    completed in. Revenue is booked before promotion discounts; the discounts given are
    ``discount_cost``, a promotion cost.
    """

    __slots__ = ("unit_price", "tier_factor", "completed", "completed_work_h", "quotes")

    def __init__(self, unit_price: float, tier_factor: float = 1.0, priced: bool = False) -> None:
        self.unit_price = unit_price
        self.tier_factor = tier_factor
        self.completed = 0
        self.completed_work_h = 0.0
        self.quotes: dict[Quote, int] | None = {} if priced else None

    @property
    def revenue(self) -> float:
        if self.quotes is None:
            return self.completed * self.unit_price
        return math.fsum(n * (price * self.tier_factor) for (price, _), n in self.quotes.items())

    @property
    def discount_cost(self) -> float:
        """The promotion discounts given on the window's completions."""
        if self.quotes is None:
            return 0.0
        return math.fsum(n * (price * self.tier_factor) * (1.0 - keep)
                         for (price, keep), n in self.quotes.items())


class Cell:
    """Counters of one cohort of customers of one segment at one service tier.

    ``sla_wait_h`` is ``inf`` where no SLA applies (every start counts as a hit, and the KPI
    is not reported). ``tolerance_h`` is the wait the satisfaction score measures against.
    ``cost`` (and ``promotion_cost``, part of it) is the cell's allocated cost, set after the
    run; ``account`` is the period account its completions are booked to.
    """

    __slots__ = (
        "segment", "station", "tier", "sla_wait_h", "has_sla", "tolerance_h", "account",
        "arrivals", "started", "served", "blocked", "balked", "reneged", "unavailable",
        "deferred", "in_system", "in_system_at_horizon", "unfinished", "wait_sum_h",
        "sla_hits", "satisfaction_sum", "cost", "promotion_cost", "waits",
        "redirected", "complaints", "churned", "scoring",
    )

    def __init__(
        self, segment: int, station: int, tier: int, account: Account, sla_wait_h: float | None
    ) -> None:
        self.segment = segment
        self.station = station
        self.tier = tier
        self.account = account
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
        self.unfinished = 0
        self.wait_sum_h = 0.0
        self.sla_hits = 0
        self.satisfaction_sum = 0.0
        self.cost = 0.0
        self.promotion_cost = 0.0
        self.waits = WaitHistogram()
        self.redirected = 0
        """Customers who came here because the service they asked for was not offered."""
        self.complaints = 0
        self.churned = 0
        """Complaints of this cohort, and the customers of the base they cost (relationship)."""
        self.scoring: Customer | None = None
        """The customer whose score the station adds next: set just before it adds it, so that a
        cell of a segment that may complain (:class:`~stratsim.engine.relationship.RelationCell`)
        decides that customer's complaint with the customer's own uniform."""

    def rescore(self, before: float, after: float) -> None:
        """Replace a score already added (``before``) by ``after``: a customer held by blocking
        requests is re-scored at its completion with the time it waited for them."""
        self.satisfaction_sum += after - before

    @property
    def lost(self) -> int:
        """Customers turned away or gone before service."""
        return self.blocked + self.balked + self.reneged + self.unavailable
