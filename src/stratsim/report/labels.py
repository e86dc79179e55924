"""How KPIs are named, measured and written in charts and tables.

A KPI the table does not know (one a later capability adds) is shown under its own name and
as a plain number: nothing is hidden for want of a label.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stratsim.kpis import KPIS


@dataclass(frozen=True)
class KpiLabel:
    """A KPI's display name and unit; ``percent`` shares are shown ×100 with a % sign."""

    name: str
    unit: str
    percent: bool = False
    digits: int = 3


_COUNT = "customers"
_MONEY = "currency"
KPI_LABELS: dict[str, KpiLabel] = {
    "arrivals": KpiLabel("Arrivals", _COUNT),
    "served": KpiLabel("Served", _COUNT),
    "blocked": KpiLabel("Blocked (queue full)", _COUNT),
    "balked": KpiLabel("Balked (queue too long)", _COUNT),
    "reneged": KpiLabel("Reneged (gave up waiting)", _COUNT),
    "unavailable": KpiLabel("Unavailable", _COUNT),
    "deferred": KpiLabel("Deferred", _COUNT),
    "in_system_at_horizon": KpiLabel("In system at the horizon", _COUNT),
    "unfinished": KpiLabel("Unfinished", _COUNT),
    "redirected": KpiLabel("Redirected here (fallback)", _COUNT),
    "complaints": KpiLabel("Complaints", "complaints"),
    "churned": KpiLabel("Customers churned", _COUNT),
    "completed": KpiLabel("Services completed", "services"),
    "blocked_share": KpiLabel("Blocked", "% of arrivals", percent=True),
    "balked_share": KpiLabel("Balked", "% of arrivals", percent=True),
    "reneged_share": KpiLabel("Reneged", "% of arrivals", percent=True),
    "wait_mean_min": KpiLabel("Mean wait", "min"),
    "wait_p90_min": KpiLabel("90th-percentile wait", "min"),
    "sla_attainment": KpiLabel("SLA attainment", "% within SLA wait", percent=True),
    "satisfaction": KpiLabel("Satisfaction", "score 1–5"),
    "utilization": KpiLabel("Utilisation", "% of staffed time", percent=True),
    "staffed_hours": KpiLabel("Staffed hours", "server-hours"),
    "queue_mean": KpiLabel("Mean queue", _COUNT),
    "revenue": KpiLabel("Revenue", _MONEY),
    "cost": KpiLabel("Cost", _MONEY),
    "cost_staff": KpiLabel("Staff cost", _MONEY),
    "cost_requests": KpiLabel("Per-request cost", _MONEY),
    "cost_fixed": KpiLabel("Fixed cost", _MONEY),
    "cost_launch": KpiLabel("Launch cost", _MONEY),
    "profit": KpiLabel("Profit", _MONEY),
}

#: The KPIs a decision meeting looks at first, in table order.
HEADLINE_KPIS = (
    "wait_mean_min", "wait_p90_min", "sla_attainment", "satisfaction", "utilization",
    "reneged_share", "balked_share", "blocked_share", "arrivals", "served",
    "revenue", "cost", "profit",
)
#: Which way is better, for KPIs where that is clear (differences are coloured by it).
#: Which way is better, from the one KPI table (:mod:`stratsim.kpis`); KPIs without a
#: direction (arrivals, served, utilisation…) are left out.
HIGHER_IS_BETTER = {name: info.sign > 0 for name, info in KPIS.items() if info.sign}


def label(kpi: str) -> KpiLabel:
    return KPI_LABELS.get(kpi, KpiLabel(kpi, ""))


def name_in_text(kpi: str) -> str:
    """The KPI's name inside a sentence: ``"mean wait"``, but ``"SLA attainment"``."""
    name = label(kpi).name
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def axis_label(kpi: str) -> str:
    """``"Mean wait (min)"``."""
    known = label(kpi)
    return f"{known.name} ({known.unit})" if known.unit else known.name


def scaled(kpi: str, value: float) -> float:
    """The value in display units (shares as per cent)."""
    return value * 100.0 if label(kpi).percent else value


def number(value: float | None, digits: int = 3) -> str:
    """A number for people: thousands separators from 100 up, else ``digits`` significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}".replace("-", "−")
    text = f"{value:.{digits}g}"
    if "e" in text:
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


NBSP = "\u00a0"


def value_text(kpi: str, value: float | None) -> str:
    """``"84.2 %"``, ``"12.3 min"``, ``"12,345"``: a KPI value with its unit (joined by a
    no-break space, so a wrapped title never splits them)."""
    if value is None:
        return "–"
    known = label(kpi)
    if known.percent:
        return f"{number(value * 100.0)}{NBSP}%"
    if known.unit in ("min",):
        return f"{number(value)}{NBSP}min"
    return number(value)


def interval_text(kpi: str, ci: list[float] | None) -> str:
    """``"82.1–86.3 %"``: a 95 % interval in display units (empty without one)."""
    if not ci or ci[0] is None or ci[1] is None:
        return ""
    low, high = (scaled(kpi, v) for v in ci)
    suffix = f"{NBSP}%" if label(kpi).percent else (f"{NBSP}min" if label(kpi).unit == "min" else "")
    return f"{number(low)} to {number(high)}{suffix}"


def difference_text(kpi: str, value: float | None) -> str:
    """A difference with its sign: ``"+4.1 min"``, ``"−3.2 pts"`` (shares in percentage points)."""
    if value is None:
        return "–"
    known = label(kpi)
    sign = "+" if value > 0 else ""
    if known.percent:
        return f"{sign}{number(value * 100.0)}{NBSP}pts"
    if known.unit == "min":
        return f"{sign}{number(value)}{NBSP}min"
    return f"{sign}{number(value)}"
