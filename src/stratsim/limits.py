"""Upper limits on scenario numbers: far above any real portfolio, far below float trouble.

Without limits a typo such as ``staff: 10000000000000000`` or ``rate: 1.0e+300`` validates and then
runs into what floats cannot hold (a time series showing 0 staffed while 7 are busy, demand that
overflows to infinity).  Each limit is a value no real service portfolio reaches, so a number
beyond it is a mistake; the error says the limit.  The same limits appear in the JSON Schema
(``maximum``) and in the README.

The numbers alone, without pydantic: the command line declares its options with them before it
has imported anything heavy.  The validators built on them are in
:mod:`stratsim.scenario.limits`.
"""

from __future__ import annotations

from stratsim.clock import HOURS_PER_YEAR

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

