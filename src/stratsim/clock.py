"""The simulation clock's units: hours, starting Monday 00:00 (``docs/model.md``).

One place for the calendar constants every package uses, so a week is 168 hours everywhere.
Roster windows are set on a whole-minute grid; they are computed in integer minutes so that
two windows meeting at 15:40 meet exactly, not a rounding error apart.
"""

from __future__ import annotations

MINUTES_PER_HOUR = 60
HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK
MINUTES_PER_DAY = HOURS_PER_DAY * MINUTES_PER_HOUR
MINUTES_PER_WEEK = HOURS_PER_WEEK * MINUTES_PER_HOUR
HOURS_PER_YEAR = 8760
DAYS_PER_MONTH = 30
#: Day 0 of the clock's week is Monday.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hour_of_week_label(hour_of_week: int) -> str:
    """``"Mon 10:00"`` for hour-of-week 10 (an hour past the week wraps to the next)."""
    hour_of_week %= HOURS_PER_WEEK
    return f"{WEEKDAYS[hour_of_week // HOURS_PER_DAY]} {hour_of_week % HOURS_PER_DAY:02d}:00"
