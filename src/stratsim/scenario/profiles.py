"""Daily and weekly demand profiles: named presets and their validation.

A segment's arrival rate is ``rate × daily[hour] × weekly[weekday]`` (``docs/model.md``,
"Demand"); profiles are used raw, never normalised.  The daily presets below are therefore
scaled so that they **average 1.0 over the 24 hours**: switching a segment from ``flat`` to
``business-hours`` moves demand within the day without changing the number of customers per day,
which is what a planner comparing shapes expects.  The weekly presets are documented one by one
(``weekdays`` keeps Monday–Friday at 1).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from .limits import LIMIT_REASON, MAX_RATE, number_text
from .paths import show

DAILY_PRESETS: dict[str, tuple[float, ...]] = {
    # 24 ones: the same demand every hour.
    "flat": (1.0,) * 24,
    # Office demand (an internal helpdesk, B2B support).  Night 0.05-0.10, ramp 07-09 (0.8, 1.6,
    # 2.3), morning peak 10-11 (2.6, 2.5), lunch dip 12 (1.5), afternoon peak 14-15 (2.4, 2.4),
    # fall after 17 (1.4, 0.8, 0.5, ...).  Mean 1.0 over the day.
    "business-hours": (
        0.10, 0.05, 0.05, 0.05, 0.05, 0.10,
        0.25, 0.80, 1.60, 2.30, 2.60, 2.50,
        1.50, 1.80, 2.40, 2.40, 1.90, 1.40,
        0.80, 0.50, 0.35, 0.25, 0.15, 0.10,
    ),
    # Consumer demand (retail, streaming support): quiet 01-06, a steady day around 1.0, a peak
    # 19-22 (2.2, 2.5, 2.4, 2.1) after work.  Mean 1.0 over the day.
    "evening-peak": (
        0.45, 0.25, 0.15, 0.10, 0.10, 0.15,
        0.30, 0.55, 0.75, 0.85, 0.90, 1.00,
        1.10, 1.00, 0.95, 0.95, 1.05, 1.30,
        1.70, 2.20, 2.50, 2.40, 2.10, 1.20,
    ),
    # Night operations (batch runs, monitoring alerts): high 22-05 (1.6-1.7), low during the
    # working day (0.5).  Mean 1.0 over the day.
    "night-shift": (
        1.70, 1.70, 1.70, 1.60, 1.60, 1.40,
        1.00, 0.60, 0.50, 0.50, 0.50, 0.50,
        0.50, 0.50, 0.50, 0.50, 0.50, 0.60,
        0.80, 1.00, 1.20, 1.40, 1.60, 1.60,
    ),
}
"""Named 24-hour profiles, hour 0 (00:00-01:00) first."""

WEEKLY_PRESETS: dict[str, tuple[float, ...]] = {
    # 7 ones: every day alike.
    "flat": (1.0,) * 7,
    # Working week: 1.0 Monday to Friday, 0.2 on Saturday and Sunday.
    "weekdays": (1.0, 1.0, 1.0, 1.0, 1.0, 0.2, 0.2),
    # Leisure demand: 0.8 Mon-Wed, 0.9 Thu, 1.1 Fri, 1.4 Sat, 1.2 Sun (mean 1.0).
    "weekend-peak": (0.8, 0.8, 0.8, 0.9, 1.1, 1.4, 1.2),
}
"""Named 7-day profiles, Monday first."""


def resolve_daily(profile: str | Sequence[float]) -> tuple[float, ...]:
    """Return the 24 hourly factors of a daily profile (a preset name or 24 numbers ≥ 0)."""
    return _resolve(profile, DAILY_PRESETS, 24, "daily", "hourly factors")


def resolve_weekly(profile: str | Sequence[float]) -> tuple[float, ...]:
    """Return the 7 daily factors (Monday first) of a weekly profile (a preset or 7 numbers ≥ 0)."""
    return _resolve(profile, WEEKLY_PRESETS, 7, "weekly", "factors, Monday first")


def _resolve(
    profile: Any, presets: Mapping[str, tuple[float, ...]], size: int, kind: str, what: str
) -> tuple[float, ...]:
    """Look a preset up or check an explicit list; raise ValueError saying what was expected."""
    if isinstance(profile, str):
        return _preset(profile, presets, size, kind)
    if isinstance(profile, (list, tuple)):
        return _factors(profile, size, kind, what)
    names = ", ".join(presets)
    raise ValueError(
        f"expected a {kind} profile: one of {names} or a list of {size} {what}, got {show(profile)}"
    )


def _preset(name: str, presets: Mapping[str, tuple[float, ...]], size: int, kind: str) -> tuple:
    """Return a named preset, or raise with the known names (and a close match, if any)."""
    if name in presets:
        return presets[name]
    close = difflib.get_close_matches(name, list(presets), n=1)
    hint = f" (did you mean {show(close[0])}?)" if close else ""
    names = ", ".join(presets)
    raise ValueError(
        f"unknown {kind} profile {show(name)}{hint}: expected one of {names} "
        f"or a list of {size} factors"
    )


def _factors(values: Sequence[Any], size: int, kind: str, what: str) -> tuple[float, ...]:
    """Check an explicit profile: exactly ``size`` finite numbers ≥ 0."""
    if len(values) != size:
        raise ValueError(
            f"a {kind} profile needs exactly {size} {what}, got {len(values)}: {show(list(values))}"
        )
    out = []
    for index, factor in enumerate(values):
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            raise ValueError(
                f"{kind} profile factor [{index}]: expected a number, got {show(factor)}"
            )
        if (isinstance(factor, float) and not math.isfinite(factor)) or factor < 0:
            raise ValueError(
                f"{kind} profile factor [{index}]: expected a number ≥ 0, got {show(factor)}"
            )
        if factor > MAX_RATE:
            raise ValueError(
                f"{kind} profile factor [{index}]: expected at most {number_text(MAX_RATE)}, "
                f"got {show(factor)} ({LIMIT_REASON})"
            )
        out.append(float(factor))
    return tuple(out)


def profile_json_schema(presets: Mapping[str, tuple[float, ...]], size: int) -> dict[str, Any]:
    """JSON schema of a profile field: a preset name or exactly ``size`` numbers ≥ 0."""
    return {
        "anyOf": [
            {"type": "string", "enum": list(presets)},
            {
                "type": "array",
                "items": {"type": "number", "minimum": 0, "maximum": MAX_RATE},
                "minItems": size,
                "maxItems": size,
            },
        ]
    }
