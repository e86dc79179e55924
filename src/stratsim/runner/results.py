"""The files of a run: ``summary.json``, ``replications.csv``, ``timeseries.csv``, ``rules.csv``,
``waits.csv``, ``model.json``, ``scenario.yaml`` and ``manifest.json``.

``waits.csv``, ``model.json`` and ``scenario.yaml`` are there so that charts and the report can
be drawn from the results folder alone, long after the run (``stratsim report DIR``): the wait
distribution, what the model offered hour by hour, and the scenario as it was run.
"""

from __future__ import annotations

import csv
import hashlib
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stratsim import __version__
from stratsim.analysis.capacity import load_by_hour, rate_by_hour, staff_by_hour
from stratsim.engine.metrics import KpiRecord
from stratsim.runner.output import (
    FINANCE_FILE,
    MANIFEST_FILE,
    MODEL_FILE,
    REPLICATIONS_FILE,
    SCENARIO_COPY_FILE,
    RULES_FILE,
    SUMMARY_FILE,
    TIMESERIES_FILE,
    WAITS_FILE,
    WEEK_FILE,
    write_json,
)
from stratsim.runner.finance import write_finance_csv
from stratsim.runner.replications import join_rules, join_timeseries, join_waits, join_week
from stratsim.runner.simulation import SimulationResult
from stratsim.runner.statistics import iter_leaves
from stratsim.scenario.dump import scenario_yaml
from stratsim.scenario.models import Sla

MINUTES_PER_HOUR = 60.0

FINANCE_SCOPES = {"flows": "flow", "sojourn": "sojourn", "showback": "showback",
                  "showback_totals": "showback", "months": "month"}
"""Record sections of dependencies and finance, and their scope in ``replications.csv``."""

REPLICATION_COLUMNS = ("replication", "scope", "id", "tier", "kpi", "value")


def kpi_rows(record: KpiRecord) -> list[tuple[str, str, str, str, Any]]:
    """``(scope, id, tier, kpi, value)`` rows of one replication's record.

    Scopes: ``portfolio``, ``service``, ``tier`` (id = service), ``segment``, and ``rule`` (id =
    the strategy item, kpi = ``fired`` or ``refused``) for a scenario with a run-time strategy;
    with dependencies or a budget also ``flow`` (id = ``source=>target``), ``sojourn`` (id =
    service), ``showback`` (id = service; no id for the totals) and ``month`` (id = 1, 2, …).
    """
    rows = []
    for path, value in iter_leaves(record):
        if path[0] in FINANCE_SCOPES:
            rows.append((FINANCE_SCOPES[path[0]], path[1] if len(path) == 3 else "", "", path[-1], value))
        elif path[0] == "rules":
            rows.append(("rule", path[1], "", path[2], value))
        elif path[0] == "kpis":
            rows.append(("portfolio", "", "", path[1], value))
        elif path[0] == "services" and len(path) == 3:
            rows.append(("service", path[1], "", path[2], value))
        elif path[0] == "services":
            rows.append(("tier", path[1], path[3], path[4], value))
        else:
            rows.append(("segment", path[1], "", path[2], value))
    return rows


def write_replications_csv(path: Path, records: list[KpiRecord]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPLICATION_COLUMNS)
        for replication, record in enumerate(records):
            for scope, entity, tier, kpi, value in kpi_rows(record):
                writer.writerow((replication, scope, entity, tier, kpi, "" if value is None else value))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(result: SimulationResult, *, scenario_file: Path | None,
             scenario_file_sha256: str | None, jobs: int, backend: str,
             started_at: str, wall_time_s: float, warnings: list[str]) -> dict[str, Any]:
    """Provenance of a run: everything needed to reproduce it and how it was executed.

    ``scenario_file_sha256`` is the hash of the file as it was read at the start of the run;
    ``scenario_sha256`` that of the validated scenario, files it ``extends`` included.
    """
    return {
        "stratsim_version": __version__,
        "scenario": result.scenario.name,
        "scenario_file": str(scenario_file) if scenario_file else None,
        "scenario_file_sha256": scenario_file_sha256,
        "scenario_sha256": result.summary["scenario_sha256"],
        "seed": result.seed,
        "replications": result.replications,
        **execution_provenance(jobs=jobs, backend=backend, started_at=started_at,
                               wall_time_s=wall_time_s, warnings=warnings),
    }


def execution_provenance(*, jobs: int, backend: str, started_at: str, wall_time_s: float,
                         warnings: Sequence[str]) -> dict[str, Any]:
    """How a result was executed, the part of every ``manifest.json`` that is not the study:
    workers, backend, the software and machine, the command, time and warnings."""
    return {
        "jobs": jobs,
        "backend": backend,
        "numpy_version": np.__version__,
        "bit_generator": "PCG64",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "command": sys.argv,
        "started_at": started_at,
        "wall_time_s": round(wall_time_s, 3),
        "warnings": list(warnings),
    }


def _sla(sla: Sla | None) -> dict[str, float | None]:
    return {"sla_wait_min": sla.wait * MINUTES_PER_HOUR if sla else None,
            "sla_attainment_target": sla.attainment if sla else None}


def model_document(result: SimulationResult) -> dict[str, Any]:
    """``model.json``: what each service offered and promised, hour by hour of the week.

    Arrival rate and offered load (λ·E[S], Erlangs) are those of the capacity check (at the
    horizon's growth); staff is the roster's time-average per hour. With the SLAs, prices and
    costs, it is what charts compare the simulated time series against.
    """
    model, scenario = result.model, result.scenario
    services: dict[str, Any] = {}
    for spec in model.stations:
        service = scenario.services_by_id[spec.id]
        services[spec.id] = {
            "name": service.name,
            "service_time_mean_min": spec.service_time.mean_h * MINUTES_PER_HOUR,
            "queue_capacity": spec.queue_capacity,
            **_sla(service.sla),
            "price": service.price,
            "costs": {"staff_hour": service.costs.staff_hour, "per_request": service.costs.per_request,
                      "fixed_per_day": service.costs.fixed_per_day},
            "tiers": {tier.id: {"priority": tier.priority, "price_factor": tier.price_factor,
                                **_sla(tier.sla or service.sla)} for tier in service.tiers},
            "arrival_rate_per_h": rate_by_hour(model, spec),
            "offered_load_erlangs": load_by_hour(model, spec),
            "staff": staff_by_hour(spec),
        }
    return {
        "scenario": scenario.name,
        "horizon_hours": model.horizon_h,
        "warmup_hours": model.warmup_h,
        "time_bin_hours": model.time_bin_h,
        "start": scenario.start.isoformat() if scenario.start else None,
        "services": services,
        "segments": {segment.id: {"name": segment.name} for segment in scenario.segments},
    }


def write_run_files(folder: Path, result: SimulationResult, run_manifest: dict[str, Any]) -> None:
    """Write a run's files into ``folder`` (a staging folder holding the time-series and wait
    parts).

    ``manifest.json`` is written last: its presence means the other files are complete.
    """
    write_run_data(folder, result)
    write_json(folder / MANIFEST_FILE, run_manifest)


def write_run_data(folder: Path, result: SimulationResult) -> None:
    """Every file of a run but its manifest (``compare`` writes these for each scenario)."""
    write_json(folder / SUMMARY_FILE, result.summary)
    write_replications_csv(folder / REPLICATIONS_FILE, result.records)
    join_timeseries(folder, result.replications, folder / TIMESERIES_FILE)
    join_week(folder, result.replications, folder / WEEK_FILE)
    join_waits(folder, result.replications, folder / WAITS_FILE)
    write_json(folder / MODEL_FILE, model_document(result))
    (folder / SCENARIO_COPY_FILE).write_text(scenario_yaml(result.scenario), encoding="utf-8")
    join_rules(folder, result.replications, folder / RULES_FILE)
    if "finance" in result.summary:
        write_finance_csv(folder / FINANCE_FILE, result.summary["finance"])
