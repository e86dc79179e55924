"""Cost accounting of a service over the measured window (financial management).

cost = staff_hour × staffed server-hours + per_request × requests served
       + fixed_per_day × days in the window.

Staffed hours include a leaving server's overrun (DESIGN.md §2). Revenue is charged per
customer served at the service's price times their tier's price factor, and is accumulated by
the engine as customers complete.

A service's cost is allocated to the tiers and segments it served (:func:`allocate_cost`), so
that they too have a cost and a profit: each carries its own per-request cost, and the rest
(staff and fixed cost) in proportion to the service time its customers used — the usual
activity-based rule. Budgets, launch costs and allocating a shared service's cost to the
services that depend on it come with the plan and the portfolio graph.
"""

from __future__ import annotations

from stratsim.clock import HOURS_PER_DAY



def service_cost(
    staff_hour: float, per_request: float, fixed_per_day: float,
    staffed_hours: float, served: int, window_h: float,
) -> float:
    """The cost of one service over a window of ``window_h`` hours."""
    return staff_hour * staffed_hours + per_request * served + fixed_per_day * window_h / HOURS_PER_DAY


def allocate_cost(
    cost: float, per_request: float, served: list[int], work_h: list[float]
) -> list[float]:
    """Split a service's ``cost`` over groups of its customers (tiers, segments).

    Group i carries ``per_request × served[i]`` plus the remaining cost times its share of the
    service time used, ``work_h[i] / sum(work_h)``. When nobody was served, the remaining cost
    (idle staff, fixed cost) belongs to no group and only appears at service level.
    """
    direct = [per_request * n for n in served]
    shared = cost - sum(direct)
    total_work = sum(work_h)
    if total_work <= 0.0:
        return direct
    return [d + shared * w / total_work for d, w in zip(direct, work_h)]
