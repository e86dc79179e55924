"""Which way is better for each portfolio KPI: the one table sweeps (``--pareto``) use.

Only KPIs with an unambiguous better direction are listed; ``utilization`` is not (a busy
service is cheap but slow, an idle one the reverse), nor are volumes like ``arrivals``.
Asking for the front of an unlisted KPI is an error naming the ones that can be used.
"""

from __future__ import annotations

BETTER: dict[str, str] = {
    "profit": "higher",
    "revenue": "higher",
    "satisfaction": "higher",
    "sla_attainment": "higher",
    "served": "higher",
    "completed": "higher",
    "cost": "lower",
    "wait_mean_min": "lower",
    "wait_p90_min": "lower",
    "blocked": "lower",
    "balked": "lower",
    "reneged": "lower",
    "unavailable": "lower",
    "unfinished": "lower",
    "blocked_share": "lower",
    "balked_share": "lower",
    "reneged_share": "lower",
}


def better_direction(kpi: str) -> str:
    """``"higher"`` or ``"lower"``; ``KeyError`` for a KPI without a clear direction."""
    return BETTER[kpi]
