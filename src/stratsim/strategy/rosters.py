"""Weekly staffing rosters (the *pattern* of ITIL service strategy) as staff change points.

A roster is a list of windows ``{days, from, to, staff}``; a window whose ``to`` is not
after its ``from`` wraps past midnight into the next day (Sunday wraps into Monday). The
staff at a time of week is that of the window covering it, else the service's base staff.
Windows of one service never overlap (the scenario validator refuses that).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from stratsim.clock import HOURS_PER_WEEK
from stratsim.engine.model import StaffSchedule


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
