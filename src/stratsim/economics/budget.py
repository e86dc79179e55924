"""Budget against actual cost, month by month: pure arithmetic.

A month is 30 days. The budget of a month of ``hours`` hours is ``per_month × hours / 720``
(the last month of the measured window may be partial: its budget is prorated). The variance
is ``budget − actual``: positive = under budget (money left), negative = over budget.
"""

from __future__ import annotations

HOURS_PER_MONTH = 720.0


def month_budget(per_month: float, hours: float) -> float:
    """The budget of a month of ``hours`` hours (prorated when shorter than 30 days)."""
    return per_month * hours / HOURS_PER_MONTH


def budget_variance(per_month: float, hours: float, actual: float) -> float:
    """``budget − actual`` of one month: positive when under budget."""
    return month_budget(per_month, hours) - actual
