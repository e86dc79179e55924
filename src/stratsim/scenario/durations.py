"""Durations and clock times, the two ways a scenario file writes time.

The simulation clock runs in hours (``docs/model.md``, "Clock and durations"), so every duration
in a scenario becomes a float number of hours.  A planner can write ``"30s"``, ``"15min"``,
``"2h"``, ``"3d"``, ``"1w"``, decimals such as ``"1.5d"`` or ``"208333.3h"``, an optional space
(``"15 min"``), or a bare number (of hours).  Anything else is refused with a message that shows
the accepted forms, because a silently misread unit (minutes taken for months) would produce a
wrong result, not an error.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, get_args

from pydantic import BeforeValidator, WithJsonSchema

from .limits import LIMIT_REASON, MAX_DURATION_H, MAX_DURATION_YEARS, number_text
from .paths import show

HOURS_PER_UNIT: dict[str, float] = {
    "s": 1.0 / 3600.0,
    "min": 1.0 / 60.0,
    "h": 1.0,
    "d": 24.0,
    "w": 168.0,
}
"""Hours in one of each accepted unit; the keys are the only unit spellings accepted."""

DURATION_PATTERN = r"^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*(s|min|h|d|w)?\s*$"
"""Regular expression of a duration written as text (also published in the JSON schema)."""
POSITIVE_DURATION_PATTERN = r"^(?=[^1-9]*[1-9])" + DURATION_PATTERN[1:]
"""The same, for durations that must be positive: at least one digit other than 0."""

_DURATION = re.compile(DURATION_PATTERN)
_CLOCK = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})\s*$")

EXPECTED_DURATION = (
    'expected a duration such as "30s", "15min", "2h", "3d", "1w" or a number of hours'
)


def parse_duration(value: Any) -> float:
    """Return the duration ``value`` in hours.

    ``value`` is a string with an optional unit (``s``, ``min``, ``h``, ``d``, ``w``; no unit
    means hours) or a bare ``int``/``float`` number of hours.  Raises :class:`ValueError` for
    negative, infinite or NaN values, booleans (YAML ``yes``/``no``), other units and other types.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{EXPECTED_DURATION}, got {show(value)}")
    if isinstance(value, str):
        hours = _parse_duration_text(value)
    else:
        hours = float(value)
    if math.isnan(hours) or math.isinf(hours):
        raise ValueError(f"expected a finite duration, got {show(value)}")
    if hours < 0:
        raise ValueError(f"a duration cannot be negative, got {show(value)}")
    if hours > MAX_DURATION_H:
        raise ValueError(
            f"expected a duration of at most {MAX_DURATION_YEARS} years "
            f"({number_text(MAX_DURATION_H)}h), got {show(value)} ({LIMIT_REASON})"
        )
    return hours


def _parse_duration_text(text: str) -> float:
    """Parse the text form of a duration (number and optional unit) into hours."""
    match = _DURATION.match(text)
    if match is None:
        stripped = text.strip()
        if stripped.startswith("-") and _DURATION.match(stripped[1:]):
            raise ValueError(f"a duration cannot be negative, got {show(text)}")
        raise ValueError(f"{EXPECTED_DURATION}, got {show(text)}")
    unit = match.group(3) or "h"
    return float(match.group(1)) * HOURS_PER_UNIT[unit]


def parse_clock(value: Any, *, end: bool = False) -> float:
    """Return the time of day ``"HH:MM"`` as hours after midnight (``"08:30"`` → 8.5).

    ``"24:00"`` (midnight at the end of the day) is accepted only when ``end`` is true, i.e. for
    the end of a roster window; a start of ``"24:00"`` would be the next day's ``"00:00"``.
    """
    expected = 'expected a time of day "HH:MM" from "00:00" to "23:59"'
    if end:
        expected = 'expected a time of day "HH:MM" from "00:00" to "24:00"'
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{expected}, got {show(value)}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours == 24 and minutes == 0:
        if not end:
            raise ValueError(f'"24:00" is only allowed as the end of a window, got {show(value)}')
        return 24.0
    if hours > 23 or minutes > 59:
        raise ValueError(f"{expected}, got {show(value)}")
    return hours + minutes / 60.0


def format_clock(hours: float) -> str:
    """Render hours after midnight as ``"HH:MM"`` (the inverse of :func:`parse_clock`)."""
    total = int(round(hours * 60))
    return f"{total // 60:02d}:{total % 60:02d}"


def _duration_schema(pattern: str, low: dict[str, float]) -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "string", "pattern": pattern},
            {"type": "number", **low, "maximum": MAX_DURATION_H},
        ],
        "description": 'A duration: "30s", "15min", "2h", "3d", "1w" (decimals allowed) '
        f"or a number of hours; at most {MAX_DURATION_YEARS} years.",
    }


DURATION_JSON_SCHEMA: dict[str, Any] = _duration_schema(DURATION_PATTERN, {"minimum": 0})
POSITIVE_DURATION_JSON_SCHEMA = _duration_schema(POSITIVE_DURATION_PATTERN, {"exclusiveMinimum": 0})

Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(DURATION_JSON_SCHEMA, mode="validation"),
]
"""A model field holding a duration, stored as hours (``float``)."""

PositiveDuration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(POSITIVE_DURATION_JSON_SCHEMA, mode="validation"),
]
"""A duration that must be positive (give its field ``gt=0``; this type tells the JSON Schema)."""


def is_duration_type(hint: Any) -> bool:
    """Whether a field annotation is a duration (either kind), alone or in a union or container."""
    return hint in (Duration, PositiveDuration) or any(is_duration_type(arg) for arg in get_args(hint))
