"""Weekly staffing rosters (the *pattern* of ITIL service strategy) as staff change points.

A roster is a list of windows ``{days, from, to, staff}``; a window whose ``to`` is not
after its ``from`` wraps past midnight into the next day (Sunday wraps into Monday). The
staff at a time of week is that of the window covering it, else the service's base staff.
Windows of one service never overlap (the scenario validator refuses that).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from stratsim.engine.model import HOURS_PER_WEEK, StaffSchedule

HOURS_PER_DAY = 24.0


class Window(Protocol):
    """What a roster window offers (``stratsim.scenario.models.RosterWindow``)."""

    staff: int

    @property
    def weekdays(self) -> tuple[int, ...]: ...

    @property
    def start_hours(self) -> float: ...

    @property
    def end_hours(self) -> float: ...


def window_intervals(window: Window) -> list[tuple[float, float, int]]:
    """The ``(start, end, staff)`` hour-of-week intervals a window covers, split at week end."""
    length = window.end_hours - window.start_hours
    if length <= 0:
        length += HOURS_PER_DAY
    intervals = []
    for day in window.weekdays:
        start = day * HOURS_PER_DAY + window.start_hours
        end = start + length
        if end <= HOURS_PER_WEEK:
            intervals.append((start, end, window.staff))
        else:
            intervals.append((start, float(HOURS_PER_WEEK), window.staff))
            intervals.append((0.0, end - HOURS_PER_WEEK, window.staff))
    return intervals


def weekly_schedule(windows: Iterable[Window], base_staff: int) -> StaffSchedule:
    """The change points of a service's staff over the week (empty: base staff always)."""
    intervals = sorted(i for window in windows for i in window_intervals(window))
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
