"""Replications of several compiled models in one batch, sharing seeds and workers.

A comparison, a precision target and a sweep all run the same replication numbers of several
models: replication ``r`` of every model uses the streams of replication ``r`` (common random
numbers), and a batch adds replications ``first .. stop-1`` to every model at once. Handing
all of a batch's tasks to one ``evaluator.map`` keeps every worker busy until the batch ends,
instead of idling at the end of each model's share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from stratsim.engine.metrics import KpiRecord
from stratsim.engine.model import Model
from stratsim.runner.evaluators import Evaluator, SerialEvaluator
from stratsim.runner.replications import ReplicationTask, run_task, timeseries_part


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
    records = (evaluator or SerialEvaluator()).map(run_task, tasks, on_done)
    count = stop - first
    return [records[i * count:(i + 1) * count] for i in range(len(runs))]
