"""Run-time staffing: applies a station's weekly roster change points on the clock."""

from __future__ import annotations

from collections.abc import Callable

from stratsim.engine.events import Clock, Priority, schedule
from stratsim.clock import HOURS_PER_WEEK
from stratsim.strategy.rosters import StaffSchedule
from stratsim.engine.station import Station


class RosterDriver:
    """Sets a station's staff at every change point of its weekly schedule, week after week.

    It keeps going after the horizon, so customers still in the system at the horizon are
    served by the roster that would really be on duty while the system drains. ``apply``
    receives each change point's staff (by default the station's ``set_staff``; with a
    strategy, its runtime, which adds surge staff and knows the current base staff).
    """

    def __init__(self, env: Clock, station: Station, schedule: StaffSchedule,
                 apply: Callable[[int], None] | None = None) -> None:
        self.env = env
        self.station = station
        self.apply = apply or station.set_staff
        self.changes = schedule.changes
        self.week = 0
        self.index = 0
        # Change points at hour 0 of the first week are already in force.
        while self.index < len(self.changes) and self.changes[self.index][0] <= 0.0:
            self.index += 1

    def start(self) -> None:
        if self.changes:
            self._schedule_next()

    def _schedule_next(self) -> None:
        if self.index == len(self.changes):
            self.index = 0
            self.week += 1
        hour, staff = self.changes[self.index]
        self.index += 1
        at = self.week * HOURS_PER_WEEK + hour
        schedule(self.env, at, Priority.STAFFING, self._apply, staff)

    def _apply(self, staff: int) -> None:
        self.apply(staff)
        self._schedule_next()
