"""The KPIs stratsim reports, as one table: plain label, unit, and which way is better.

Every part that judges a KPI reads this table: the scenario validator (objective and constraint
names, with a did-you-mean), the perspective (the direction and natural range of an objective),
the comparison (a difference coloured better or worse) and the verdict (a difference said in
words and units). A KPI's definition is in :mod:`stratsim.engine.metrics` (``docs/kpis.md``, a
contract).

Direction: ``"higher"`` or ``"lower"`` is better; ``None`` when neither is better in itself —
more ``arrivals`` or ``served`` is more demand, not a better strategy, and a higher
``utilization`` means both cheaper staff and longer queues, so the planner weighs those through
cost and waits instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Better = Literal["higher", "lower"] | None


@dataclass(frozen=True)
class KpiInfo:
    """One KPI: ``label`` in plain words, ``unit``, which way is ``better``, natural ``bounds``.

    Units: ``count`` (customers or requests), ``share`` (a fraction 0–1), ``min`` (minutes),
    ``points`` (the 1–5 satisfaction scale), ``money`` (the scenario's currency over the measured
    window), ``hours`` (server-hours), ``customers`` (a time-average number of customers).
    ``bounds`` is the range the KPI cannot leave (shares 0–1, satisfaction 1–5), else ``None``.
    ``portfolio`` says whether the KPI exists at portfolio level (the level constraints and
    objectives are written at).
    """

    name: str
    label: str
    unit: str
    better: Better
    bounds: tuple[float, float] | None = None
    portfolio: bool = True

    @property
    def sign(self) -> int:
        """+1 when higher is better, −1 when lower is better, 0 when neither."""
        return {"higher": 1, "lower": -1}.get(self.better or "", 0)


_TABLE = (
    KpiInfo("arrivals", "arrivals", "count", None),
    KpiInfo("served", "customers served", "count", None),
    KpiInfo("completed", "services completed", "count", None),
    KpiInfo("blocked", "customers blocked", "count", "lower"),
    KpiInfo("balked", "customers balking", "count", "lower"),
    KpiInfo("reneged", "customers reneging", "count", "lower"),
    KpiInfo("unavailable", "customers finding the service unavailable", "count", "lower"),
    KpiInfo("deferred", "customers deferring", "count", None),
    KpiInfo("in_system_at_horizon", "customers in the system at the horizon", "count", None),
    KpiInfo("unfinished", "customers unfinished after the drain", "count", "lower"),
    KpiInfo("redirected", "customers redirected here from an unavailable service", "count", None),
    KpiInfo("complaints", "complaints", "count", "lower"),
    KpiInfo("churned", "customers lost from the base", "count", "lower"),
    KpiInfo("blocked_share", "share blocked", "share", "lower", (0.0, 1.0)),
    KpiInfo("balked_share", "share balking", "share", "lower", (0.0, 1.0)),
    KpiInfo("reneged_share", "share reneging", "share", "lower", (0.0, 1.0)),
    KpiInfo("wait_mean_min", "mean wait", "min", "lower"),
    KpiInfo("wait_p90_min", "90th-percentile wait", "min", "lower"),
    KpiInfo("sla_attainment", "SLA attainment", "share", "higher", (0.0, 1.0)),
    KpiInfo("satisfaction", "satisfaction", "points", "higher", (1.0, 5.0)),
    KpiInfo("revenue", "revenue", "money", "higher"),
    KpiInfo("cost", "cost", "money", "lower"),
    KpiInfo("cost_staff", "staff cost", "money", "lower"),
    KpiInfo("cost_requests", "per-request cost", "money", "lower"),
    KpiInfo("cost_fixed", "fixed cost", "money", "lower"),
    KpiInfo("profit", "profit", "money", "higher"),
    KpiInfo("promotion_cost", "promotion cost", "money", "lower"),
    KpiInfo("cost_launch", "launch cost", "money", "lower"),
    KpiInfo("staffed_hours", "staffed hours", "hours", None),
    KpiInfo("surge_hours", "surge staff hours", "hours", None),
    KpiInfo("utilization", "utilisation", "share", None, (0.0, 1.0), portfolio=False),
    KpiInfo("queue_mean", "mean queue length", "customers", "lower", portfolio=False),
)

KPIS: dict[str, KpiInfo] = {kpi.name: kpi for kpi in _TABLE}
"""Every KPI by name."""

PORTFOLIO_KPIS: tuple[str, ...] = tuple(kpi.name for kpi in _TABLE if kpi.portfolio)
"""The KPIs reported for the whole portfolio: the names constraints and objectives use."""

KEY_KPIS: tuple[str, ...] = (
    "wait_mean_min", "wait_p90_min", "sla_attainment", "satisfaction", "revenue", "cost", "profit",
)
"""The KPIs a comparison shows first and its verdict always speaks about."""


def kpi_info(name: str) -> KpiInfo:
    """The table entry of ``name``; an unknown name (a KPI added without an entry) is neutral."""
    return KPIS.get(name) or KpiInfo(name, name.replace("_", " "), "", None)


def format_number(value: float | None, digits: int = 3) -> str:
    """A number for people: thousands separated and no decimals from 100 up (or for whole
    numbers), else ``digits`` significant digits; ``–`` for an undefined value."""
    if value is None:
        return "–"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _decimals(low: float, high: float) -> int:
    """Decimals that show an interval with three significant digits at its smaller end (more
    if its ends would otherwise look equal); none when both ends are 100 or more."""
    if min(abs(low), abs(high)) >= 100:
        decimals = 0
    else:
        smallest = min((abs(v) for v in (low, high) if v != 0), default=1.0)
        decimals = max(0, 2 - math.floor(math.log10(smallest)))
    while f"{low:,.{decimals}f}" == f"{high:,.{decimals}f}" and low != high and decimals < 9:
        decimals += 1
    return decimals


def format_interval(interval: list[float] | tuple[float, float] | None) -> str:
    """``"3.61–3.80"``: both ends of an interval with the same decimals."""
    if interval is None:
        return "–"
    low, high = interval
    decimals = _decimals(low, high)
    separator = " – " if low < 0 or high < 0 else "–"
    return f"{low:,.{decimals}f}{separator}{high:,.{decimals}f}"


def format_estimate(mean: float | None, interval: list[float] | tuple[float, float] | None) -> str:
    """``"3.70 (3.45–3.95)"``: a mean with its interval, in the interval's decimals."""
    if mean is None:
        return "undefined"
    if interval is None or interval[0] == interval[1]:
        return format_number(mean)
    return f"{mean:,.{_decimals(*interval)}f} ({format_interval(interval)})"
