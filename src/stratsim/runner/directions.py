"""Which way is better for each portfolio KPI, as sweeps (``--pareto``) use it.

Taken from the one KPI table, :mod:`stratsim.kpis`: only KPIs with an unambiguous better
direction are listed; ``utilization`` is not (a busy service is cheap but slow, an idle one
the reverse), nor are volumes like ``arrivals`` and ``served`` (more customers served is no
better when demand grew). Asking for the front of an unlisted KPI is an error naming the ones
that can be used.
"""

from __future__ import annotations

from stratsim.kpis import KPIS

BETTER: dict[str, str] = {name: info.better for name, info in KPIS.items()
                          if info.better is not None and info.portfolio}


def better_direction(kpi: str) -> str:
    """``"higher"`` or ``"lower"``; ``KeyError`` for a KPI without a clear direction."""
    return BETTER[kpi]
