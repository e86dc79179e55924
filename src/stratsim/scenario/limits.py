"""Upper limits on scenario numbers: far above any real portfolio, far below float trouble.

Without limits a typo such as ``staff: 10000000000000000`` or ``rate: 1.0e+300`` validates and then
runs into what floats cannot hold (a time series showing 0 staffed while 7 are busy, demand that
overflows to infinity).  Each limit is a value no real service portfolio reaches, so a number
beyond it is a mistake; the error says the limit.  The same limits appear in the JSON Schema
(``maximum``) and in the README.  The numbers themselves live in :mod:`stratsim.limits`
(importable without pydantic); this module builds the validators that enforce them.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from stratsim.limits import (  # noqa: F401  the numbers, re-exported beside their validators
    MAX_STAFF,
    MAX_WAITING,
    MAX_RATE,
    MAX_MONEY,
    MAX_PRICE_FACTOR,
    MAX_CV,
    MAX_GROWTH_PER_YEAR,
    MIN_PRICE_ELASTICITY,
    MAX_REPLICATIONS,
    MAX_DURATION_YEARS,
    MAX_DURATION_H,
    MAX_NAME_LENGTH,
    MAX_START_YEAR,
)

from .paths import MAX_ID_LENGTH, show  # noqa: F401  MAX_ID_LENGTH: kept with the id pattern


def number_text(value: float) -> str:
    """A limit as people write it: ``100,000``, ``1,000,000,000,000``, ``0.5``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


LIMIT_REASON = "a limit of stratsim: no real portfolio comes near it"


def up_to(kind: type, limit: float, unit: str = "", *constraints: Any) -> Any:
    """``kind`` refusing a number above ``limit`` (``unit`` follows the limit in the message).

    ``constraints`` (such as ``Field(gt=0)``) go into the same annotation: nested into another
    ``Annotated``, pydantic would publish them in the JSON Schema under their Python names.

    The check runs before the type check, so that an integer too large for a float (``price``
    with 400 digits) gets this message rather than "expected a number"; the JSON Schema gets
    the limit as ``maximum``.
    """

    def check(value: Any) -> Any:
        if _beyond(value, limit, above=True):
            raise ValueError(
                f"expected at most {_with_unit(limit, unit)}, got {show(value)} ({LIMIT_REASON})"
            )
        return value

    schema = Field(json_schema_extra={"maximum": limit})
    return Annotated[(kind, *constraints, BeforeValidator(check), schema)]


def down_to(kind: type, limit: float, unit: str = "") -> Any:
    """``kind`` refusing a number below ``limit`` (see :func:`up_to`)."""

    def check(value: Any) -> Any:
        if _beyond(value, limit, above=False):
            raise ValueError(
                f"expected at least {_with_unit(limit, unit)}, got {show(value)} ({LIMIT_REASON})"
            )
        return value

    return Annotated[(kind, BeforeValidator(check), Field(json_schema_extra={"minimum": limit}))]


def _with_unit(limit: float, unit: str) -> str:
    return f"{number_text(limit)} {unit}" if unit else number_text(limit)


def _beyond(value: Any, limit: float, above: bool) -> bool:
    """Whether ``value`` is a number beyond ``limit``; infinities and NaN are left to the
    finite-number check, other types to the type check."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return value > limit if above else value < limit   # exact for integers of any size


StaffCount = up_to(int, MAX_STAFF, "servers")
"""Servers on duty: a service's base staff, a roster window's staff."""
