"""The measured window's operating cost month by month (for the budget, ``finance.csv``).

A month is 30 days (720 h), counted from the end of the warm-up; the last month of a window
that is not a whole number of months is partial. At each month boundary inside the window the
stations' clock sums and their period completions are snapshotted (a bookkeeping event, before
anything else at that instant); the window's own start and end snapshots close the first and
last month. A month's cost is the service cost of :func:`~stratsim.engine.metrics.station_kpis`
over that month: staff (with the overtime premium of surge staff), per-request cost on the
services completed in it, the fixed cost of the hours each service was offered in it and the
launch costs booked in it (service lifecycle). Promotion costs are not in it. So the months'
costs add up to the window's cost less its promotion cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from stratsim.clock import HOURS_PER_DAY
from stratsim.engine.cells import Account
from stratsim.engine.events import Clock, Priority, schedule
from stratsim.engine.metrics import station_kpis
from stratsim.engine.model import Model
from stratsim.engine.recording import StationSums
from stratsim.engine.station import Station

DAYS_PER_MONTH = 30
HOURS_PER_MONTH = DAYS_PER_MONTH * HOURS_PER_DAY
#: Of station ``i`` over ``[t0, t1)``: hours offered, or launch cost booked.
StationSpan = Callable[[int, float, float], float]


def month_bounds_h(warmup_h: float, horizon_h: float) -> list[tuple[float, float]]:
    """``(start, end)`` of each month of the window ``[warmup, horizon)``; the last may be short."""
    bounds, start = [], warmup_h
    while start < horizon_h:
        end = min(start + HOURS_PER_MONTH, horizon_h)
        bounds.append((start, end))
        start = end
    return bounds


class MonthlyCosts:
    """Snapshots at the month boundaries inside the window; the month costs at the end."""

    def __init__(self, env: Clock, model: Model, stations: Sequence[Station],
                 accounts: Sequence[Sequence[Account]]) -> None:
        self.env = env
        self.model = model
        self.stations = stations
        self.accounts = accounts
        self.snapshots: list[tuple[list[StationSums], list[int]]] = []

    def start(self) -> None:
        for _, end in month_bounds_h(self.model.warmup_h, self.model.horizon_h)[:-1]:
            schedule(self.env, end, Priority.BOOKKEEPING, self._snapshot)

    def _completed(self) -> list[int]:
        return [sum(a.completed for a in accounts) for accounts in self.accounts]

    def _snapshot(self, _: None) -> None:
        now = self.env._now
        self.snapshots.append(([StationSums.of(s, now) for s in self.stations], self._completed()))

    def record(self, window_start: list[StationSums], window_end: list[StationSums],
               offered_h: StationSpan | None = None, launch_cost: StationSpan | None = None,
               ) -> dict[str, Any]:
        """``{"1": {"hours", "cost"}, ...}``: each month's length and operating cost.

        With a lifecycle (a strategy), ``offered_h(i, t0, t1)`` limits each service's fixed cost
        to the hours it was offered in the month, and ``launch_cost(i, t0, t1)`` adds the launch
        cost booked in it; without, every service is offered throughout and nothing launches."""
        zero = [0] * len(self.stations)
        points = [(window_start, zero), *self.snapshots, (window_end, self._completed())]
        bounds = month_bounds_h(self.model.warmup_h, self.model.horizon_h)
        months: dict[str, Any] = {}
        for k, ((start, end), (a, b)) in enumerate(zip(bounds, zip(points, points[1:])), start=1):
            hours = end - start
            costs = [
                station_kpis(spec, later.minus(earlier), done - before, hours,
                             offered_h(i, start, end) if offered_h is not None else None,
                             launch_cost=launch_cost(i, start, end) if launch_cost is not None else 0.0,
                             )["cost"]
                for i, (spec, earlier, later, before, done) in enumerate(zip(
                    self.model.stations, a[0], b[0], a[1], b[1]))
            ]
            months[str(k)] = {"hours": hours, "cost": math.fsum(costs)}
        return months
