"""Replications of several compiled models in one batch, sharing seeds and workers.

A comparison, a precision target and a sweep all run the same replication numbers of several
models: replication ``r`` of every model uses the streams of replication ``r`` (common random
numbers), and a batch adds replications ``first .. stop-1`` to every model at once. Handing
all of a batch's tasks to one ``evaluator.map`` keeps every worker busy until the batch ends,
instead of idling at the end of each model's share.

Time series are normally written by the worker that runs a replication, straight into the
result folder. Workers of a remote Dask cluster may not see that folder, so an evaluator
that says ``shares_files = False`` gets tasks that return their time-series rows as CSV text
with the KPI record, and this process writes the part files as results arrive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from stratsim.engine.metrics import KpiRecord
from stratsim.engine.model import Model
from stratsim.runner.evaluators import Evaluator, SerialEvaluator
from stratsim.engine.recording import BinRow
from stratsim.engine.replication import run_replication
from stratsim.runner.replications import ReplicationTask, calendar_label, run_task, timeseries_part


@dataclass(frozen=True)
class ModelRun:
    """One model of a batch, and where its time-series parts go (``None``: not recorded)."""

    model: Model
    timeseries_dir: Path | None = None
    start: date | None = None


def batch_tasks(runs: Sequence[ModelRun], seed: int, first: int, stop: int) -> list[ReplicationTask]:
    """Tasks of replications ``first .. stop-1`` of every run, model by model."""
    return [
        ReplicationTask(run.model, seed, r,
                        str(timeseries_part(run.timeseries_dir, r)) if run.timeseries_dir is not None else None,
                        run.start)
        for run in runs
        for r in range(first, stop)
    ]


def run_shipping_series(task: ReplicationTask) -> tuple[KpiRecord, str]:
    """Run a task, returning its time-series rows as CSV text instead of writing them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    replication, start = task.replication, task.start

    def sink(row: BinRow) -> None:
        writer.writerow((replication, calendar_label(start, row.time_h), *row.as_tuple()))

    return run_replication(task.model, task.seed, replication, sink), buffer.getvalue()


def _map_shipping_series(evaluator: Evaluator, tasks: list[ReplicationTask],
                         on_done: Callable[[], None] | None) -> list[KpiRecord]:
    shipped = [replace(task, timeseries_path=None) for task in tasks]

    def write_part(index: int, result: tuple[KpiRecord, str]) -> None:
        path = tasks[index].timeseries_path
        if path is not None:
            with open(path, "w", newline="", encoding="utf-8") as handle:
                handle.write(result[1])

    return [record for record, _ in evaluator.map(run_shipping_series, shipped, on_done, write_part)]


def run_batch(
    runs: Sequence[ModelRun],
    seed: int,
    first: int,
    stop: int,
    evaluator: Evaluator | None = None,
    on_done: Callable[[], None] | None = None,
) -> list[list[KpiRecord]]:
    """Per run, the KPI records of replications ``first .. stop-1`` in replication order."""
    if not 0 <= first <= stop:
        raise ValueError(f"expected 0 <= first <= stop, got {first}, {stop}")
    tasks = batch_tasks(runs, seed, first, stop)
    evaluator = evaluator or SerialEvaluator()
    if getattr(evaluator, "shares_files", True) or all(t.timeseries_path is None for t in tasks):
        records = evaluator.map(run_task, tasks, on_done)
    else:
        records = _map_shipping_series(evaluator, tasks, on_done)
    count = stop - first
    return [records[i * count:(i + 1) * count] for i in range(len(runs))]
