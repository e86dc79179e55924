"""The ``sweep:`` block of a scenario file: which parameters a sweep varies, and how.

```yaml
sweep:
  params:
    services.helpdesk.staff: 4..8            # integers 4 to 8, inclusive
    services.helpdesk.price: [30, 35, 40]    # a list (or the text "30,35,40")
    segments.employees.rate: 5.0..7.5        # a continuous range: needs samples
  samples: 20                                # Latin hypercube of 20 points instead of the full grid
  pareto: [profit, sla_attainment]           # mark the Pareto front of two KPIs in sweep.csv
```

Only ``stratsim sweep`` reads it; ``run`` and ``compare`` ignore it, so one file serves both
a plain run (the values written in the file) and the sweep around them. The parameter paths
and values are checked against the scenario when the sweep starts (:mod:`stratsim.runner.sweep`),
each error located at its entry in this block.
"""

from __future__ import annotations

from pydantic import Field

from .base import ScenarioModel

Scalar = str | int | float | bool
SweepValues = str | int | float | list[Scalar]


class SweepBlock(ScenarioModel):
    """Parameters to vary and the design; the command line adds to or overrides it."""

    params: dict[str, SweepValues] = Field(
        default_factory=dict,
        description="Field path (services.helpdesk.staff: list items by id) → values: "
                    "lo..hi (integers inclusive, or a continuous range with samples), "
                    "a list, or a comma-separated text.",
    )
    samples: int | None = Field(
        default=None, ge=1, description="Latin hypercube sample of this many points instead of the full grid."
    )
    pareto: list[str] | None = Field(
        default=None, description="Two portfolio KPIs whose Pareto front sweep.csv marks."
    )
