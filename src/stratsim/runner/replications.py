"""Replications of one compiled model: tasks, time-series parts, results in order."""

from __future__ import annotations

import csv
import io
import math
import shutil
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from stratsim.engine.metrics import KpiRecord
from stratsim.engine.model import Model
from stratsim.engine.histogram import N_LOG_BINS, bin_edges_h
from stratsim.engine.recording import TIMESERIES_FIELDS
from stratsim.engine.replication import WaitsSink, run_replication
from stratsim.engine.strategy import RULES_FIELDS, RuleRow
from stratsim.runner.evaluators import Evaluator, SerialEvaluator
from stratsim.runner.series_writer import SeriesWriter, calendar_label, open_series_writer
from stratsim.runner.week_part import WEEK_COLUMNS, WeekTarget


TIMESERIES_COLUMNS = ("replication", "datetime", *TIMESERIES_FIELDS)
WAITS_COLUMNS = ("service", "tier", "wait_from_min", "wait_to_min", "customers")
RULES_COLUMNS = ("replication", "datetime", *RULES_FIELDS)
MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class ReplicationTask:
    """Replication ``replication`` of ``model`` under ``seed``; time series to ``timeseries_path``,
    wait-histogram counts to ``waits_path``.

    ``start`` is the calendar date of the clock's Monday 00:00, for the time series' labels.
    With a time series, the strategy's log goes to ``rules_path`` (``rules.csv``'s part) and
    the series folded onto the week to ``week_path`` (``week.csv``'s part).
    """

    model: Model
    seed: int
    replication: int
    timeseries_path: str | None = None
    start: date | None = None
    waits_path: str | None = None
    rules_path: str | None = None
    week_path: str | None = None


def run_task(task: ReplicationTask) -> KpiRecord:
    """Run one task (in whatever process the evaluator chose)."""
    replication, start = task.replication, task.start
    series: SeriesWriter | None = None
    waits_sink: WaitsSink | None = None
    rule_sink: Callable[[RuleRow], None] | None = None
    with ExitStack() as files:
        if task.timeseries_path is not None:
            week = (WeekTarget(task.week_path, task.model.warmup_h, task.model.horizon_h)
                    if task.week_path is not None else None)
            series = open_series_writer(task.timeseries_path, replication, start, expected_rows(task.model),
                                        week=week)
            files.callback(series.abandon)   # nothing once closed; an interrupted close stops it

        if task.waits_path is not None:
            waits = csv.writer(files.enter_context(open(task.waits_path, "w", newline="", encoding="utf-8")))

            def waits_sink(service: str, tier: str | None, counts: np.ndarray) -> None:
                for index in np.flatnonzero(counts):
                    waits.writerow((service, tier or "", int(index), int(counts[index])))

        if task.rules_path is not None:
            log = csv.writer(files.enter_context(open(task.rules_path, "w", newline="", encoding="utf-8")))

            def rule_sink(row: RuleRow) -> None:
                log.writerow((replication, calendar_label(start, row.time_h), *row.as_tuple()))

        record = run_replication(task.model, task.seed, replication,
                                 block_sink=series.write if series is not None else None,
                                 waits_sink=waits_sink, rule_sink=rule_sink)
        if series is not None:
            series.close()
        return record


def expected_rows(model: Model) -> int:
    """Rows of one replication's time series: bins × services."""
    return math.ceil(model.horizon_h / model.time_bin_h) * len(model.stations)


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

    With ``timeseries_dir``, each replication streams its bins, its wait-histogram counts, its
    strategy log and its week to part files there (:func:`recorded_task`); join them with
    :func:`join_timeseries`, :func:`join_waits`, :func:`join_rules` and :func:`join_week`.
    """
    tasks = [recorded_task(model, seed, r, timeseries_dir, start) for r in range(replications)]
    return (evaluator or SerialEvaluator()).map(run_task, tasks, on_done)


def recorded_task(model: Model, seed: int, replication: int, folder: Path | None,
                  start: date | None) -> ReplicationTask:
    """Replication ``replication``'s task, writing its part files into ``folder`` (none without)."""
    if folder is None:
        return ReplicationTask(model, seed, replication, None, start)
    return ReplicationTask(model, seed, replication, str(timeseries_part(folder, replication)), start,
                           str(waits_part(folder, replication)), str(rules_part(folder, replication)),
                           str(week_part(folder, replication)))


def timeseries_part(folder: Path, replication: int) -> Path:
    return folder / f"timeseries.part{replication:06d}.csv"


def rules_part(folder: Path, replication: int) -> Path:
    return folder / f"rules.part{replication:06d}.csv"


def week_part(folder: Path, replication: int) -> Path:
    return folder / f"week.part{replication:06d}.csv"


def _join(parts: list[Path], columns: tuple[str, ...], target: Path) -> None:
    """Concatenate part files in order under one header, deleting the parts (as bytes: a long
    run's parts are tens of megabytes, and they end their lines as the header does)."""
    header = io.StringIO(newline="")
    csv.writer(header).writerow(columns)
    with open(target, "wb") as out:
        out.write(header.getvalue().encode("utf-8"))
        for part in parts:
            with open(part, "rb") as handle:
                shutil.copyfileobj(handle, out)
            part.unlink()


def join_timeseries(folder: Path, replications: int, target: Path) -> None:
    """Concatenate the part files in replication order under one header, deleting the parts."""
    _join([timeseries_part(folder, r) for r in range(replications)], TIMESERIES_COLUMNS, target)


def join_rules(folder: Path, replications: int, target: Path) -> None:
    """``rules.csv``: the strategy logs of the replications, in replication order."""
    _join([rules_part(folder, r) for r in range(replications)], RULES_COLUMNS, target)


def join_week(folder: Path, replications: int, target: Path) -> None:
    """``week.csv``: the replications' weeks, in replication order."""
    _join([week_part(folder, r) for r in range(replications)], WEEK_COLUMNS, target)


def waits_part(folder: Path, replication: int) -> Path:
    return folder / f"waits.part{replication:06d}.csv"


def wait_bin_edges_min(index: int) -> tuple[float, float | None]:
    """Edges of histogram bin ``index`` in minutes: 0 to the lowest edge for bin 0, ``None``
    as the upper edge of the overflow bin."""
    if index == 0:
        return 0.0, bin_edges_h(1)[0] * MINUTES_PER_HOUR
    if index == N_LOG_BINS + 1:
        return bin_edges_h(N_LOG_BINS)[1] * MINUTES_PER_HOUR, None
    low, high = bin_edges_h(index)
    return low * MINUTES_PER_HOUR, high * MINUTES_PER_HOUR


def join_waits(folder: Path, replications: int, target: Path) -> None:
    """Add up the replications' wait-histogram parts into one table, deleting the parts.

    One row per service tier and non-empty bin, in the order the parts list them (services,
    then tiers, as in the model), bins from the shortest wait up.
    """
    totals: dict[tuple[str, str], dict[int, int]] = {}
    for r in range(replications):
        part = waits_part(folder, r)
        with open(part, newline="", encoding="utf-8") as handle:
            for service, tier, index, count in csv.reader(handle):
                bins = totals.setdefault((service, tier), {})
                bins[int(index)] = bins.get(int(index), 0) + int(count)
        part.unlink()
    with open(target, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(WAITS_COLUMNS)
        for (service, tier), bins in totals.items():
            for index in sorted(bins):
                low, high = wait_bin_edges_min(index)
                writer.writerow((service, tier, low, "" if high is None else high, bins[index]))
