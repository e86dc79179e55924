"""Cost accounting of a service over the measured window (financial management).

cost = staff_hour × staffed server-hours + per_request × requests served
       + fixed_per_day × days in the window.

Staffed hours include a leaving server's overrun (DESIGN.md §2). Revenue is charged per
customer served at the service's price times their tier's price factor, and is accumulated by
the engine as customers complete. Budgets, launch costs and shared-cost allocation come with
the plan and the portfolio graph.
"""

from __future__ import annotations

from stratsim.clock import HOURS_PER_DAY



def service_cost(
    staff_hour: float, per_request: float, fixed_per_day: float,
    staffed_hours: float, served: int, window_h: float,
) -> float:
    """The cost of one service over a window of ``window_h`` hours."""
    return staff_hour * staffed_hours + per_request * served + fixed_per_day * window_h / HOURS_PER_DAY
