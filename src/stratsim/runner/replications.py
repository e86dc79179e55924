"""Replications of one compiled model: tasks, time-series parts, results in order."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from stratsim.engine.metrics import KpiRecord
from stratsim.engine.model import Model
from stratsim.engine.recording import TIMESERIES_FIELDS, BinRow
from stratsim.engine.replication import run_replication
from stratsim.engine.strategy import RULES_FIELDS, RuleRow
from stratsim.runner.evaluators import Evaluator, SerialEvaluator


TIMESERIES_COLUMNS = ("replication", "datetime", *TIMESERIES_FIELDS)
RULES_COLUMNS = ("replication", "datetime", *RULES_FIELDS)


@dataclass(frozen=True)
class ReplicationTask:
    """Replication ``replication`` of ``model`` under ``seed``; time series to ``timeseries_path``.

    ``start`` is the calendar date of the clock's Monday 00:00, for the time series' labels.
    With a time series, the strategy's log goes to ``rules_path`` (``rules.csv``'s part).
    """

    model: Model
    seed: int
    replication: int
    timeseries_path: str | None = None
    start: date | None = None
    rules_path: str | None = None


def calendar_label(start: date | None, time_h: float) -> str:
    """``"2027-01-04T08:00"`` for hour 8 of a run starting on 2027-01-04; empty without a start."""
    if start is None:
        return ""
    moment = datetime(start.year, start.month, start.day) + timedelta(hours=time_h)
    return moment.isoformat(timespec="minutes")


def run_task(task: ReplicationTask) -> KpiRecord:
    """Run one task (in whatever process the evaluator chose)."""
    if task.timeseries_path is None:
        return run_replication(task.model, task.seed, task.replication)
    with open(task.timeseries_path, "w", newline="", encoding="utf-8") as handle, \
            open(task.rules_path or os.devnull, "w", newline="", encoding="utf-8") as log:
        writer, log_writer = csv.writer(handle), csv.writer(log)
        replication, start = task.replication, task.start

        def sink(row: BinRow) -> None:
            writer.writerow((replication, calendar_label(start, row.time_h), *row.as_tuple()))

        def rule_sink(row: RuleRow) -> None:
            log_writer.writerow((replication, calendar_label(start, row.time_h), *row.as_tuple()))

        return run_replication(task.model, task.seed, replication, sink, rule_sink)


def run_replications(
    model: Model,
    seed: int,
    replications: int,
    evaluator: Evaluator | None = None,
    timeseries_dir: Path | None = None,
    on_done: Callable[[], None] | None = None,
    start: date | None = None,
) -> list[KpiRecord]:
    """KPI records of replications ``0 .. replications-1``, in order.

    With ``timeseries_dir``, each replication streams its bins, and its strategy log, to part
    files there; join them with :func:`join_timeseries` and :func:`join_rules`.
    """
    tasks = [
        ReplicationTask(
            model, seed, r,
            str(timeseries_part(timeseries_dir, r)) if timeseries_dir is not None else None,
            start,
            str(rules_part(timeseries_dir, r)) if timeseries_dir is not None else None,
        )
        for r in range(replications)
    ]
    return (evaluator or SerialEvaluator()).map(run_task, tasks, on_done)


def timeseries_part(folder: Path, replication: int) -> Path:
    return folder / f"timeseries.part{replication:06d}.csv"


def rules_part(folder: Path, replication: int) -> Path:
    return folder / f"rules.part{replication:06d}.csv"


def _join(parts: list[Path], columns: tuple[str, ...], target: Path) -> None:
    """Concatenate part files in order under one header, deleting the parts."""
    with open(target, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerow(columns)
        for part in parts:
            with open(part, encoding="utf-8") as handle:
                shutil.copyfileobj(handle, out)
            part.unlink()


def join_timeseries(folder: Path, replications: int, target: Path) -> None:
    """Concatenate the part files in replication order under one header, deleting the parts."""
    _join([timeseries_part(folder, r) for r in range(replications)], TIMESERIES_COLUMNS, target)


def join_rules(folder: Path, replications: int, target: Path) -> None:
    """``rules.csv``: the strategy logs of the replications, in replication order."""
    _join([rules_part(folder, r) for r in range(replications)], RULES_COLUMNS, target)
