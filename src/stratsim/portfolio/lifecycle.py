"""When a service is offered: its lifecycle as a time window.

A catalogue service is offered from time 0, a pipeline service from its launch (never without
one), a retired service never; a ``retire`` time ends the window. The validation, the impact
analysis and the graph's text all read lifecycles through :func:`offered_window`. This module
imports no scenario model, so the scenario checks can use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CATALOGUE, PIPELINE, RETIRED = "catalogue", "pipeline", "retired"
STATUSES = (CATALOGUE, PIPELINE, RETIRED)


@dataclass(frozen=True)
class OfferedWindow:
    """When a service is offered during a run: from ``from_h`` until ``until_h`` (hours since the
    clock start; ``until_h`` is infinite for a service never retired, and ``from_h`` infinite for
    one never offered)."""

    from_h: float
    until_h: float

    @property
    def ever(self) -> bool:
        """Whether the service is offered at some time."""
        return self.from_h < self.until_h

    def covers(self, other: "OfferedWindow", horizon_h: float = math.inf) -> bool:
        """Whether this service is offered whenever ``other`` is, up to ``horizon_h``."""
        start, end = other.from_h, min(other.until_h, horizon_h)
        if start >= end:
            return True
        return self.from_h <= start and self.until_h >= end


def offered_window(status: str, launch_h: float | None, retire_h: float | None) -> OfferedWindow:
    """The offered window of a service from its portfolio fields.

    A catalogue service is offered from time 0, a pipeline service from its ``launch`` (never,
    without one), a retired service never; ``retire`` ends the window.
    """
    if status == RETIRED:
        return OfferedWindow(math.inf, math.inf)
    if status == PIPELINE:
        start = launch_h if launch_h is not None else math.inf
    else:
        start = 0.0
    end = retire_h if retire_h is not None else math.inf
    return OfferedWindow(start, end)
