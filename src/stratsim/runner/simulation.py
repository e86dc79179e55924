"""The simulation API: a scenario in, replications run, a summary out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stratsim import __version__
from stratsim.analysis.perspective import judge_alone
from stratsim.engine.compile import compile_scenario
from stratsim.engine.metrics import KpiRecord
from stratsim.engine.model import Model
from stratsim.runner.evaluators import Evaluator, evaluator_for
from stratsim.runner.finance import finance_summary
from stratsim.runner.replications import run_replications
from stratsim.runner.statistics import summarize_records
from stratsim.scenario import Scenario, load_scenario
from stratsim.strategy.perspective import compile_perspective


@dataclass(frozen=True)
class SimulationResult:
    """What a run produced: per-replication KPI records and their summary (``summary.json``)."""

    scenario: Scenario
    model: Model
    seed: int
    replications: int
    records: list[KpiRecord]
    summary: dict[str, Any]

    @property
    def warnings(self) -> list[str]:
        """What a planner must know about these numbers (see :func:`result_warnings`)."""
        return result_warnings(self.summary)


def result_warnings(summary: dict[str, Any]) -> list[str]:
    """Warn where counted customers were still in the system when the drain had to stop.

    The drain after the horizon lasts at most as long as the horizon itself; customers still
    there are counted as ``unfinished`` and their waits are left out, so the wait KPIs of
    that service understate what its customers lived through.
    """
    warnings = []
    for service, kpis in summary["services"].items():
        unfinished = kpis["unfinished"]["mean"]
        if unfinished:
            warnings.append(
                f"{service}: on average {unfinished:,.1f} counted customers per replication were "
                f"still in the system {summary['horizon_hours']:g} h after the "
                "horizon, when the drain stops; they are counted as unfinished and their waits "
                "are left out, so the wait KPIs understate the queue (the service is overloaded)"
            )
    return warnings


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario as canonical JSON (``extends`` already merged in)."""
    canonical = json.dumps(scenario.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_summary(scenario: Scenario, seed: int, records: list[KpiRecord]) -> dict[str, Any]:
    """The contract ``summary.json`` document (no wall time, backend or worker count).

    A scenario with a run-time strategy also gets ``rules``: each item's firings and refusals in
    the measured window, summarised like a KPI (an addition to the contract keys). A scenario
    whose perspective judges anything (objectives, constraints, SLA targets) also gets a
    ``perspective`` section: score and feasibility with their evidence (an addition to
    the contract keys; see :mod:`stratsim.analysis.perspective`).
    """
    stats = summarize_records(records)
    summary = {
        "stratsim_version": __version__,
        "scenario": scenario.name,
        "scenario_sha256": scenario_sha256(scenario),
        "replications": len(records),
        "seed": seed,
        "horizon_hours": scenario.horizon,
        "warmup_hours": scenario.warmup,
        "kpis": stats["kpis"],
        "services": stats["services"],
        "segments": stats["segments"],
    }
    if "rules" in stats:
        summary["rules"] = stats["rules"]
    summary.update(finance_summary(scenario, stats))
    perspective = compile_perspective(scenario)
    if perspective.judges_anything:
        summary["perspective"] = judge_alone(perspective, records, scenario.name)
    return summary


def simulate(
    scenario: Scenario | str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    evaluator: Evaluator | None = None,
    timeseries_dir: Path | None = None,
    on_done: Callable[[], None] | None = None,
) -> SimulationResult:
    """Simulate a scenario (object or file path); ``replications``/``seed`` override the file's.

    Results are identical for any ``jobs`` or ``evaluator``.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    replications = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    model = compile_scenario(scenario)
    records = run_replications(
        model, seed, replications, evaluator or evaluator_for(jobs), timeseries_dir, on_done,
        scenario.start,
    )
    return SimulationResult(scenario, model, seed, replications, records,
                            build_summary(scenario, seed, records))
