"""stratsim: test a service strategy before you live it.

The Python API (contract): :func:`load_scenario` reads and validates a scenario file,
:func:`simulate` runs its replications and returns the per-replication KPI records and their
summary (the content of ``summary.json``); :func:`compare` runs several scenarios on common
random numbers and returns a :class:`~stratsim.runner.compare.Comparison` (``comparison.json``,
a printable table, ``.to_dataframe()``); :func:`sweep` runs a scenario over a grid or Latin
hypercube of parameter values and returns a table (``print`` it, or ``.to_dataframe()``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:   # for type checkers and IDEs; at run time the names load on first use
    from stratsim.errors import ScenarioError, StratsimError
    from stratsim.runner.compare import Comparison, compare
    from stratsim.runner.simulation import SimulationResult, simulate
    from stratsim.runner.sweep import SweepResult, sweep
    from stratsim.scenario import Scenario, load_scenario, load_scenario_text

_PUBLIC = {
    "ScenarioError": "stratsim.errors",
    "StratsimError": "stratsim.errors",
    "Comparison": "stratsim.runner.compare",
    "compare": "stratsim.runner.compare",
    "SimulationResult": "stratsim.runner.simulation",
    "simulate": "stratsim.runner.simulation",
    "SweepResult": "stratsim.runner.sweep",
    "sweep": "stratsim.runner.sweep",
    "Scenario": "stratsim.scenario",
    "load_scenario": "stratsim.scenario",
    "load_scenario_text": "stratsim.scenario",
}
"""Public name → the module defining it.  Imported on first use (PEP 562), so that
``import stratsim`` — and with it ``stratsim --help`` — does not load pydantic, numpy, SimPy
and scipy before anything needs them."""


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'stratsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value   # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


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
