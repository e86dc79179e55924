"""Weekly staffing rosters: day specifications, clock windows and overlap detection.

A roster window says "on these days, from this time to that time, this many staff".  Times are
``"HH:MM"``; a window whose ``to`` is not after its ``from`` wraps midnight into the next day
(``from: "22:00", to: "06:00"``), and ``"24:00"`` ends a window at midnight.  Windows are
compared on the 168-hour week, wrapping from Sunday into Monday, because the simulated clock
repeats weekly profiles from Monday 00:00 (``docs/model.md``, "Clock and durations"): a Sunday
night shift that runs into Monday morning collides with a Monday early shift, and that must be
reported, not resolved silently by whichever window the engine happens to look at first.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from stratsim.clock import HOURS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK

from .base import ScenarioModel
from .durations import format_clock, parse_clock
from .limits import StaffCount
from .paths import show

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX: dict[str, int] = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    **{name: i for i, name in enumerate(_FULL_NAMES)},
}
DAY_GROUPS: dict[str, tuple[int, ...]] = {
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "weekdays": (0, 1, 2, 3, 4),
    "weekend": (5, 6),
}
"""Words that stand for several days at once."""

_EXPECTED_DAYS = (
    'expected days such as "mon-fri", "sat-sun", "fri-mon", "mon,wed,fri", "tue", "daily", '
    '"weekdays", "weekend" or a list of day names'
)


def parse_days(spec: Any) -> tuple[int, ...]:
    """Return the sorted weekday numbers (0 = Monday) named by a day specification.

    ``spec`` is a comma-separated string of day names, ranges (``mon-fri``; a range may wrap,
    ``fri-mon`` is Friday to Monday) and the words in :data:`DAY_GROUPS`, or a list of such items.
    Names are case-insensitive, three-letter or full.  A day named twice is counted once.
    """
    if isinstance(spec, str):
        tokens = spec.split(",")
    elif isinstance(spec, (list, tuple)) and spec and all(isinstance(t, str) for t in spec):
        tokens = list(spec)
    else:
        raise ValueError(f"{_EXPECTED_DAYS}, got {show(spec)}")
    days: set[int] = set()
    for token in tokens:
        days.update(_parse_day_token(token.strip().lower(), spec))
    return tuple(sorted(days))


def _parse_day_token(token: str, spec: Any) -> tuple[int, ...]:
    """Days named by one token: a group word, a range ``a-b`` or a single day."""
    if token in DAY_GROUPS:
        return DAY_GROUPS[token]
    if "-" in token:
        first, last = (part.strip() for part in token.split("-", 1))
        if first in _DAY_INDEX and last in _DAY_INDEX:
            start, stop = _DAY_INDEX[first], _DAY_INDEX[last]
            return tuple((start + k) % 7 for k in range((stop - start) % 7 + 1))
    elif token in _DAY_INDEX:
        return (_DAY_INDEX[token],)
    raise ValueError(f"{_EXPECTED_DAYS}, got {show(spec)}")


def _check_days(value: Any) -> Any:
    """Pydantic hook: validate a day spec, keep it as written (``weekdays`` parses it)."""
    parse_days(value)
    return value


def _check_start(value: Any) -> Any:
    """Pydantic hook: a window start, ``"00:00"`` to ``"23:59"``."""
    parse_clock(value)
    return value


def _check_end(value: Any) -> Any:
    """Pydantic hook: a window end, ``"00:00"`` to ``"24:00"``."""
    parse_clock(value, end=True)
    return value


_CLOCK_SCHEMA = r"^\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\s*$"
_END_SCHEMA = r"^\s*(([01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)\s*$"

DaySpec = Annotated[
    str | list[str],
    BeforeValidator(_check_days),
    WithJsonSchema(
        {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        mode="validation",
    ),
]
StartClock = Annotated[
    str, BeforeValidator(_check_start), WithJsonSchema({"type": "string", "pattern": _CLOCK_SCHEMA})
]
EndClock = Annotated[
    str, BeforeValidator(_check_end), WithJsonSchema({"type": "string", "pattern": _END_SCHEMA})
]


class RosterWindow(ScenarioModel):
    """Staff on duty at a service during a weekly time window."""

    days: DaySpec
    """Days the window starts on: "mon-fri", "sat-sun", "fri-mon" (ranges wrap), "mon,wed,fri",
    "tue", "daily", "weekdays", "weekend", or a list of day names (three-letter or full, any
    case)."""
    from_: StartClock = Field(alias="from")
    """Start time of day, "HH:MM" from "00:00" to "23:59"."""
    to: EndClock
    """End time of day, "HH:MM"; "24:00" allowed. A window with `to` ≤ `from` runs past midnight
    into the next day (`to` = `from`: 24 hours)."""
    staff: StaffCount = Field(ge=0)
    """Servers on duty during the window. Unit: servers."""

    @property
    def weekdays(self) -> tuple[int, ...]:
        """The days the window starts on, 0 = Monday."""
        return parse_days(self.days)

    @property
    def start_hours(self) -> float:
        """Start as hours after midnight."""
        return parse_clock(self.from_)

    @property
    def end_hours(self) -> float:
        """End as hours after midnight (24.0 for ``"24:00"``)."""
        return parse_clock(self.to, end=True)

    def week_intervals(self) -> list[tuple[float, float]]:
        """Half-open hour-of-week intervals covered, split where they wrap past Sunday 24:00."""
        return window_intervals(self.weekdays, self.start_hours, self.end_hours)


def window_intervals(
    weekdays: tuple[int, ...], start: float, end: float
) -> list[tuple[float, float]]:
    """Hour-of-week intervals of a window starting at ``start`` on each of ``weekdays``.

    Computed in whole minutes (clock times are "HH:MM") and converted to hours last, so that
    windows which meet at a time of day meet exactly: 15:40 is one float wherever it is used.
    """
    start_min, end_min = round(start * MINUTES_PER_HOUR), round(end * MINUTES_PER_HOUR)
    length = end_min - start_min if end_min > start_min else end_min + MINUTES_PER_DAY - start_min
    out: list[tuple[int, int]] = []
    for day in weekdays:
        begin = day * MINUTES_PER_DAY + start_min
        finish = begin + length
        if finish <= MINUTES_PER_WEEK:
            out.append((begin, finish))
        else:
            out.extend([(begin, MINUTES_PER_WEEK), (0, finish - MINUTES_PER_WEEK)])
    return [(a / MINUTES_PER_HOUR, b / MINUTES_PER_HOUR) for a, b in out]


def first_overlap(
    a: list[tuple[float, float]], b: list[tuple[float, float]]
) -> tuple[float, float] | None:
    """The earliest stretch of the week covered by both interval lists, or None."""
    stretches = [
        (max(a0, b0), min(a1, b1)) for a0, a1 in a for b0, b1 in b if max(a0, b0) < min(a1, b1)
    ]
    return min(stretches) if stretches else None


def format_week_hour(hour: float) -> str:
    """Render an hour of the week as ``Mon 10:00``."""
    day = int(hour // 24) % 7
    return f"{DAY_NAMES[day].capitalize()} {format_clock(hour - 24 * (hour // 24))}"
