"""Upper limits on scenario numbers: far above any real portfolio, far below float trouble.

Without limits a typo such as ``staff: 10000000000000000`` or ``rate: 1.0e+300`` validates and then
runs into what floats cannot hold (a time series showing 0 staffed while 7 are busy, demand that
overflows to infinity).  Each limit is a value no real service portfolio reaches, so a number
beyond it is a mistake; the error says the limit.  The same limits appear in the JSON Schema
(``maximum``) and in the README.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from stratsim.clock import HOURS_PER_YEAR

from .paths import MAX_ID_LENGTH, show  # noqa: F401  MAX_ID_LENGTH: kept with the id pattern

MAX_STAFF = 100_000
"""Servers of one service (base staff and every roster window)."""
MAX_WAITING = 10_000_000
"""Waiting places (``queue_capacity``) and the queue length at which customers balk (``balk_at``)."""
MAX_RATE = 1_000_000
"""Customers per hour of one segment (``rate``), and one factor of a daily or weekly profile."""
MAX_MONEY = 1_000_000_000_000
"""Any amount of money: prices, costs, market prices."""
MAX_PRICE_FACTOR = 1_000
"""A tier's price multiplier."""
MAX_CV = 100
"""Coefficient of variation of a duration distribution."""
MAX_GROWTH_PER_YEAR = 10
"""Yearly demand growth (10 = +1,000 % a year, demand × 11)."""
MIN_PRICE_ELASTICITY = -100
"""Most negative price elasticity."""
MAX_REPLICATIONS = 100_000
"""Replications of one run."""
MAX_DURATION_YEARS = 100
MAX_DURATION_H = MAX_DURATION_YEARS * HOURS_PER_YEAR
"""Any duration: horizon, warm-up, service times, patience, SLA waits (100 years = 876,000 h)."""
MAX_NAME_LENGTH = 100
"""Characters of a scenario name (it becomes a folder name)."""
MAX_START_YEAR = 9999 - MAX_DURATION_YEARS
"""Latest year of ``start``: the calendar (labels of the time series) ends with the year 9999."""


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
