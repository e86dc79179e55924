"""stratsim: test a service strategy before you live it.

The Python API (contract): :func:`load_scenario` reads and validates a scenario file,
:func:`simulate` runs its replications and returns the per-replication KPI records and their
summary (the content of ``summary.json``); :func:`compare` runs several scenarios on common
random numbers and returns a :class:`~stratsim.runner.compare.Comparison` (``comparison.json``,
a printable table, ``.to_dataframe()``); :func:`sweep` runs a scenario over a grid or Latin
hypercube of parameter values and returns a table (``print`` it, or ``.to_dataframe()``).
"""

from __future__ import annotations

__version__ = "0.1.0"

from stratsim.errors import ScenarioError, StratsimError  # noqa: E402
from stratsim.runner.compare import Comparison, compare  # noqa: E402
from stratsim.runner.simulation import SimulationResult, simulate  # noqa: E402
from stratsim.runner.sweep import SweepResult, sweep  # noqa: E402
from stratsim.scenario import Scenario, load_scenario, load_scenario_text  # noqa: E402

__all__ = [
    "Comparison",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "StratsimError",
    "SweepResult",
    "__version__",
    "compare",
    "load_scenario",
    "load_scenario_text",
    "simulate",
    "sweep",
]
