"""Replications of several compiled models in one batch, sharing seeds and workers.

A comparison, a precision target and a sweep all run the same replication numbers of several
models: replication ``r`` of every model uses the streams of replication ``r`` (common random
numbers), and a batch adds replications ``first .. stop-1`` to every model at once. Handing
all of a batch's tasks to one ``evaluator.map`` keeps every worker busy until the batch ends,
instead of idling at the end of each model's share.

Time series (with the waits and the strategy log) are normally written by the worker that
runs a replication, straight into the result folder. Workers of a remote Dask cluster may not
see that folder, so an evaluator that says ``shares_files = False`` gets tasks that write
their part files into a private temporary folder and return their text with the KPI record,
and this process writes the part files as results arrive.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from stratsim.engine.metrics import KpiRecord
from stratsim.engine.model import Model
from stratsim.runner.evaluators import Evaluator, SerialEvaluator
from stratsim.runner.replications import ReplicationTask, recorded_task, run_task


@dataclass(frozen=True)
class ModelRun:
    """One model of a batch, and where its time-series parts go (``None``: not recorded)."""

    model: Model
    timeseries_dir: Path | None = None
    start: date | None = None


def batch_tasks(runs: Sequence[ModelRun], seed: int, first: int, stop: int) -> list[ReplicationTask]:
    """Tasks of replications ``first .. stop-1`` of every run, model by model; a run with a
    folder records its time series, waits, strategy log and week there, as ``run`` does."""
    return [recorded_task(run.model, seed, r, run.timeseries_dir, run.start)
            for run in runs for r in range(first, stop)]


#: The part files a recorded task writes, shipped back as text by remote workers.
PART_FIELDS = ("timeseries_path", "waits_path", "rules_path", "week_path")


def run_shipping_series(task: ReplicationTask) -> tuple[KpiRecord, dict[str, str]]:
    """Run a task in a private temporary folder and return its part files' text with its KPIs,
    for workers that cannot see the result folder."""
    with tempfile.TemporaryDirectory(prefix="stratsim-task-") as folder:
        local = replace(task, **{name: os.path.join(folder, name) for name in PART_FIELDS
                                 if getattr(task, name) is not None})
        record = run_task(local)
        texts = {}
        for name in PART_FIELDS:
            path = getattr(local, name)
            if path is not None:
                with open(path, encoding="utf-8", newline="") as handle:
                    texts[name] = handle.read()
    return record, texts


def _map_shipping_series(evaluator: Evaluator, tasks: list[ReplicationTask],
                         on_done: Callable[[], None] | None) -> list[KpiRecord]:
    def write_parts(index: int, result: tuple[KpiRecord, dict[str, str]]) -> None:
        for name, text in result[1].items():
            with open(getattr(tasks[index], name), "w", newline="", encoding="utf-8") as handle:
                handle.write(text)

    return [record for record, _ in evaluator.map(run_shipping_series, tasks, on_done, write_parts)]


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
