"""The files of a run: ``summary.json``, ``replications.csv``, ``timeseries.csv``, ``rules.csv``,
``manifest.json``."""

from __future__ import annotations

import csv
import hashlib
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

from stratsim import __version__
from stratsim.engine.metrics import KpiRecord
from stratsim.runner.output import (
    MANIFEST_FILE,
    REPLICATIONS_FILE,
    RULES_FILE,
    SUMMARY_FILE,
    TIMESERIES_FILE,
    write_json,
)
from stratsim.runner.replications import join_rules, join_timeseries
from stratsim.runner.simulation import SimulationResult
from stratsim.runner.statistics import iter_leaves

REPLICATION_COLUMNS = ("replication", "scope", "id", "tier", "kpi", "value")


def kpi_rows(record: KpiRecord) -> list[tuple[str, str, str, str, Any]]:
    """``(scope, id, tier, kpi, value)`` rows of one replication's record.

    Scopes: ``portfolio``, ``service``, ``tier`` (id = service), ``segment``, and ``rule`` (id =
    the strategy item, kpi = ``fired`` or ``refused``) for a scenario with a run-time strategy.
    """
    rows = []
    for path, value in iter_leaves(record):
        if path[0] == "rules":
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
        "jobs": jobs,
        "backend": backend,
        "numpy_version": np.__version__,
        "bit_generator": "PCG64",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "command": sys.argv,
        "started_at": started_at,
        "wall_time_s": round(wall_time_s, 3),
        "warnings": warnings,
    }


def write_run_files(folder: Path, result: SimulationResult, run_manifest: dict[str, Any]) -> None:
    """Write a run's files into ``folder`` (a staging folder holding the time-series parts).

    ``manifest.json`` is written last: its presence means the other files are complete.
    """
    write_json(folder / SUMMARY_FILE, result.summary)
    write_replications_csv(folder / REPLICATIONS_FILE, result.records)
    join_timeseries(folder, result.replications, folder / TIMESERIES_FILE)
    join_rules(folder, result.replications, folder / RULES_FILE)
    write_json(folder / MANIFEST_FILE, run_manifest)
