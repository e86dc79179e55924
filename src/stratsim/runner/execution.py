"""One or more scenarios run together: optional auto warm-up, then a fixed count or a precision target.

``run`` calls :func:`execute` with one scenario; ``compare`` calls it with all of its
scenarios, which then share the seed, the replication count (fixed, or grown together until
every scenario meets ``--precision``) and, with ``--warmup auto``, one warm-up. Defaults come
from the first scenario (the baseline). The result of each scenario is an ordinary
:class:`~stratsim.runner.simulation.SimulationResult`, equal to what :func:`simulate` gives
for the same settings; the warm-up choice and the precision report ride alongside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stratsim.engine.compile import compile_scenario
from stratsim.engine.metrics import KpiRecord
from stratsim.engine.replication import run_replication
from stratsim.errors import StratsimError
from stratsim.runner.batches import ModelRun, run_batch
from stratsim.runner.evaluators import Evaluator, SerialEvaluator
from stratsim.runner.precision import DEFAULT_MAX_REPLICATIONS, PrecisionOutcome, run_to_precision
from stratsim.runner.simulation import SimulationResult, build_summary
from stratsim.runner.warmup import WarmupChoice, choose_warmup, with_warmup
from stratsim.scenario import Scenario

#: ``stage(label, total)`` starts a progress stage of ``total`` tasks; ``done()`` counts one.
Stage = Callable[[str, int], None]


@dataclass(frozen=True)
class ExecutionOptions:
    """What ``run``/``compare`` were asked for beyond the scenario files."""

    replications: int | None = None
    seed: int | None = None
    warmup_auto: bool = False
    precision: float | None = None
    max_replications: int = DEFAULT_MAX_REPLICATIONS


@dataclass(frozen=True)
class Execution:
    """The results, one per scenario in the order given, and how they were reached."""

    results: list[SimulationResult]
    warmup: WarmupChoice | None
    precision: PrecisionOutcome | None

    def manifest_extras(self) -> dict[str, Any]:
        """Additive ``manifest.json`` keys: ``warmup_auto`` and ``precision`` when used."""
        extras: dict[str, Any] = {}
        if self.warmup is not None:
            extras["warmup_auto"] = self.warmup.as_dict()
        if self.precision is not None:
            extras["precision"] = self.precision.as_dict()
        return extras

    @property
    def warnings(self) -> list[str]:
        out = list(self.warmup.warnings) if self.warmup is not None else []
        if self.precision is not None and not self.precision.met:
            kpis = ", ".join(f"{p.model}/{p.kpi}" for p in self.precision.limiting)
            out.append(f"--precision {self.precision.target:.3g}: not met after "
                       f"{self.precision.replications} replications (--max-replications): {kpis}")
        return out


def check_options(options: ExecutionOptions, base: Scenario) -> None:
    """Refuse option combinations that cannot run, before anything starts."""
    start = base.replications if options.replications is None else options.replications
    if options.precision is not None and options.max_replications < max(start, 2):
        raise StratsimError(f"--max-replications {options.max_replications} is below the starting "
                            f"replications ({max(start, 2)}); raise it or lower --replications")


def execute(
    scenarios: Sequence[Scenario],
    options: ExecutionOptions = ExecutionOptions(),
    evaluator: Evaluator | None = None,
    timeseries_dirs: Sequence[Path | None] | None = None,
    stage: Stage | None = None,
    on_done: Callable[[], None] | None = None,
) -> Execution:
    """Run ``scenarios`` with shared seed and replications; see the module docstring."""
    if not scenarios:
        raise ValueError("execute needs at least one scenario")
    evaluator = evaluator or SerialEvaluator()
    base = scenarios[0]
    seed = base.seed if options.seed is None else options.seed
    replications = base.replications if options.replications is None else options.replications
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    dirs = list(timeseries_dirs) if timeseries_dirs is not None else [None] * len(scenarios)
    scenarios = list(scenarios)
    models = [compile_scenario(s) for s in scenarios]
    warmup = None
    if options.warmup_auto:
        if stage is not None:
            stage("warm-up pilot", replications * len(scenarios))
        warmup = choose_warmup(scenarios, models, seed, replications, evaluator, on_done)
        scenarios = [with_warmup(s, warmup) for s in scenarios]
        models = [compile_scenario(s) for s in scenarios]
    runs = [ModelRun(model, folder, scenario.start) for model, folder, scenario in zip(models, dirs, scenarios)]
    precision = None
    if options.precision is not None:
        def batch(done: int, total: int) -> None:
            if stage is not None:
                stage(f"replications {done + 1}-{total}", (total - done) * len(runs))

        records, precision = run_to_precision(
            runs, [s.name for s in scenarios], seed, options.precision, replications,
            options.max_replications, evaluator, on_done, batch)
    else:
        if stage is not None:
            stage("replications", replications * len(runs))
        records = run_batch(runs, seed, 0, replications, evaluator, on_done)
    results = [
        SimulationResult(scenario, model, seed, len(kept), kept, build_summary(scenario, seed, kept))
        for scenario, model, kept in zip(scenarios, models, records)
    ]
    return Execution(results, warmup, precision)


def single_replication(scenario: Scenario, replication: int, seed: int | None = None) -> KpiRecord:
    """The KPIs of replication ``replication`` alone, on the streams it has in any full run.

    For debugging: equal to row ``replication`` of ``replications.csv`` of a run with more
    than ``replication`` replications and the same seed.
    """
    if replication < 0:
        raise ValueError(f"replication must be ≥ 0, got {replication}")
    return run_replication(compile_scenario(scenario), scenario.seed if seed is None else seed, replication)
