"""Weekly staffing rosters (the *pattern* of ITIL service strategy) as staff change points.

A roster is a list of windows ``{days, from, to, staff}``; a window whose ``to`` is not
after its ``from`` wraps past midnight into the next day (Sunday wraps into Monday). The
staff at a time of week is that of the window covering it, else the service's base staff.
Windows of one service never overlap (the scenario validator refuses that).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from stratsim.clock import HOURS_PER_WEEK

BASE_STAFF = -1
"""Stands for "the service's base staff" in a schedule compiled with it as the base, so that
the base can change at run time (a dated ``set_staff``) while roster windows keep theirs."""


@dataclass(frozen=True)
class StaffSchedule:
    """Staff over a week as change points ``(hour_of_week, staff)``, sorted by time.

    The staff at hour-of-week ``h`` is that of the last change point at or before ``h``,
    wrapping around from the end of the week; an empty schedule means the base staff always.
    """

    changes: tuple[tuple[float, int], ...]

    def staff_at(self, hour_of_week: float, base_staff: int) -> int:
        if not self.changes:
            return base_staff
        current = self.changes[-1][1]
        for hour, staff in self.changes:
            if hour <= hour_of_week:
                current = staff
            else:
                break
        return current


class Window(Protocol):
    """What a roster window offers (``stratsim.scenario.rosters.RosterWindow``)."""

    staff: int

    def week_intervals(self) -> list[tuple[float, float]]:
        """Hour-of-week intervals covered, split where they wrap past Sunday 24:00."""
        ...


def weekly_schedule(windows: Iterable[Window], base_staff: int) -> StaffSchedule:
    """The change points of a service's staff over the week (empty: base staff always)."""
    intervals = sorted(
        (start, end, window.staff) for window in windows for start, end in window.week_intervals()
    )
    if not intervals:
        return StaffSchedule(())
    points: list[tuple[float, int]] = []
    covered_until = 0.0
    for start, end, staff in intervals:
        if start > covered_until:
            points.append((covered_until, base_staff))
        points.append((start, staff))
        covered_until = end
    if covered_until < HOURS_PER_WEEK:
        points.append((covered_until, base_staff))
    merged: list[tuple[float, int]] = []
    for hour, staff in points:
        if merged and merged[-1][1] == staff:
            continue
        merged.append((hour, staff))
    return StaffSchedule(tuple(merged))
