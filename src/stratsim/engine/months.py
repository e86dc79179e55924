"""The measured window's operating cost month by month (for the budget, ``finance.csv``).

A month is 30 days (720 h), counted from the end of the warm-up; the last month of a window
that is not a whole number of months is partial. At each month boundary inside the window the
stations' clock sums and their period completions are snapshotted (a bookkeeping event, before
anything else at that instant); the window's own start and end snapshots close the first and
last month. A month's cost is the service cost of :func:`~stratsim.engine.metrics.station_kpis`
over that month: staff (with the overtime premium of surge staff), per-request cost on the
services completed in it, the fixed cost of the days it was offered and its launch cost if it
launched in that month. Promotion costs are not in it. So the months add up to the window's cost
without its promotion cost, a launch or a retirement inside the window included.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from simpy.core import Environment
from simpy.events import Event

from stratsim.clock import HOURS_PER_DAY
from stratsim.engine.cells import Account
from stratsim.engine.events import Callback, Priority
from stratsim.engine.metrics import station_kpis
from stratsim.engine.model import Model
from stratsim.engine.recording import StationSums
from stratsim.engine.station import Station

DAYS_PER_MONTH = 30
HOURS_PER_MONTH = DAYS_PER_MONTH * HOURS_PER_DAY

LifecycleMoney = Callable[[int, float, float], tuple[float, float]]
"""``(station index, t0, t1)`` → hours the station was offered in ``[t0, t1)`` and the launch
cost booked in it (the strategy runtime's ``money_between``)."""


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

    def __init__(self, env: Environment, model: Model, stations: Sequence[Station],
                 accounts: Sequence[Sequence[Account]]) -> None:
        self.env = env
        self.model = model
        self.stations = stations
        self.accounts = accounts
        self.snapshots: list[tuple[list[StationSums], list[int]]] = []

    def start(self) -> None:
        for _, end in month_bounds_h(self.model.warmup_h, self.model.horizon_h)[:-1]:
            Callback(self.env, end, Priority.BOOKKEEPING, self._snapshot)

    def _completed(self) -> list[int]:
        return [sum(a.completed for a in accounts) for accounts in self.accounts]

    def _snapshot(self, event: Event) -> None:
        now = self.env._now
        self.snapshots.append(([StationSums.of(s, now) for s in self.stations], self._completed()))

    def record(self, window_start: list[StationSums], window_end: list[StationSums],
               lifecycle: LifecycleMoney | None = None) -> dict[str, Any]:
        """``{"1": {"hours", "cost"}, ...}``: each month's length and operating cost.

        With a strategy (``lifecycle``), a service's fixed cost runs only while it is offered and
        its launch cost falls in the month it launched, as in the window's own cost; without one
        every service is offered throughout and nothing launches."""
        zero = [0] * len(self.stations)
        points = [(window_start, zero), *self.snapshots, (window_end, self._completed())]
        bounds = month_bounds_h(self.model.warmup_h, self.model.horizon_h)
        months: dict[str, Any] = {}
        for k, ((start, end), (a, b)) in enumerate(zip(bounds, zip(points, points[1:])), start=1):
            hours = end - start
            costs = [
                station_kpis(spec, later.minus(earlier), done - before, hours,
                             **_offered_and_launch(lifecycle, spec.index, start, end))["cost"]
                for spec, earlier, later, before, done in zip(
                    self.model.stations, a[0], b[0], a[1], b[1])
            ]
            months[str(k)] = {"hours": hours, "cost": math.fsum(costs)}
        return months


def _offered_and_launch(lifecycle: LifecycleMoney | None, index: int, start: float,
                        end: float) -> dict[str, float]:
    """``station_kpis``' ``offered_h`` and ``launch_cost`` for one station over one month."""
    if lifecycle is None:
        return {}
    offered_h, launch_cost = lifecycle(index, start, end)
    return {"offered_h": offered_h, "launch_cost": launch_cost}
