"""Cost accounting of a service over the measured window, as a period (financial management).

cost = staff_hour × staffed server-hours + per_request × services completed
       + fixed_per_day × days in the window
       + staff_hour × (overtime_factor − 1) × surge server-hours + promotion cost,

all within ``[warmup, horizon)`` (a retired service's fixed cost stops at its retirement); revenue is charged per service completed in the window, at
the service's price times the customer's tier price factor. So money is a period P&L on one
basis: an overloaded service cannot book revenue its staff hours could not have produced.
Staffed hours include a leaving server's overrun.

A service's cost is allocated to the tiers and segments it served (:func:`allocate_cost`), so
that they too have a cost and a profit: each carries its own per-request cost, and the rest
(staff and fixed cost) in proportion to the service time of its completions in the window —
the usual activity-based rule. Budgets, launch costs and allocating a shared service's cost to the
services that depend on it come with the plan and the portfolio graph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stratsim.clock import HOURS_PER_DAY


@dataclass(frozen=True)
class CostParts:
    """A service's cost over a window by category: staff hours, requests completed, fixed days."""

    staff: float
    requests: float
    fixed: float

    @property
    def total(self) -> float:
        return self.staff + self.requests + self.fixed


def service_cost_parts(
    staff_hour: float, per_request: float, fixed_per_day: float,
    staffed_hours: float, completed: int, window_h: float,
) -> CostParts:
    """The cost of one service over a window of ``window_h`` hours, by category."""
    return CostParts(staff_hour * staffed_hours, per_request * completed,
                     fixed_per_day * window_h / HOURS_PER_DAY)


def service_cost(
    staff_hour: float, per_request: float, fixed_per_day: float,
    staffed_hours: float, completed: int, window_h: float,
) -> float:
    """The cost of one service over a window of ``window_h`` hours."""
    return service_cost_parts(staff_hour, per_request, fixed_per_day, staffed_hours, completed,
                              window_h).total


def overtime_premium(staff_hour: float, overtime_factor: float, surge_hours: float) -> float:
    """What surge staff cost on top of ``staff_hour`` (their hours are in the staffed hours)."""
    return staff_hour * (overtime_factor - 1.0) * surge_hours


def allocate_cost(
    cost: float, per_request: float, completed: list[int], work_h: list[float],
    discounts: list[float] | None = None,
) -> list[float]:
    """Split a service's ``cost`` over groups of its customers (tiers, segments).

    Group i carries ``per_request × completed[i]`` (and the promotion ``discounts[i]`` given to
    its customers) plus the remaining cost times its share of the service time used,
    ``work_h[i] / sum(work_h)``. When nothing was completed, the
    remaining cost (idle staff, fixed cost) belongs to no group and only appears at service
    level. Sums are exactly rounded (:func:`math.fsum`), so the order of groups changes nothing.
    """
    direct = [per_request * n for n in completed]
    if discounts is not None:
        direct = [d + extra for d, extra in zip(direct, discounts)]
    shared = cost - math.fsum(direct)
    total_work = math.fsum(work_h)
    if total_work <= 0.0:
        return direct
    return [d + shared * w / total_work for d, w in zip(direct, work_h)]
