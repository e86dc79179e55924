"""A replication's ``week.csv`` part: its time bins folded onto the week as they stream out.

The report's week charts need each replication's average week per service
(:mod:`stratsim.analysis.week`). Folding the bins while they are written costs a few numpy
operations per block of 256 bins; reading them back from ``timeseries.csv`` afterwards meant
parsing the whole file again (0.6 s for a 500,000-customer run, over a second per scenario of
a year-long portfolio). So whoever writes a replication's time series folds it too, and
writes the week, a few hundred rows, when the replication ends.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

import numpy as np

from stratsim.analysis.week import LEVEL_COLUMNS, WEEK_FIGURES, WeekFold
from stratsim.clock import HOURS_PER_DAY, HOURS_PER_WEEK, WEEKDAYS
from stratsim.engine.recording import BinBlock

WEEK_COLUMNS = ("replication", "service", "hour_of_week", "weekday", "hour", *WEEK_FIGURES)


@dataclass(frozen=True)
class WeekTarget:
    """Where a replication's week goes, and the measured window it covers (hours)."""

    path: str
    warmup_h: float
    horizon_h: float


class WeekPart:
    """Folds one replication's blocks onto the week (:meth:`add`) and writes its rows (:meth:`write`)."""

    def __init__(self, target: WeekTarget, replication: int) -> None:
        self.target, self.replication = target, replication
        self.services: tuple[str, ...] = ()
        self.fold: WeekFold | None = None

    def add(self, block: BinBlock, arrays: dict[str, np.ndarray]) -> None:
        """Fold a block, given its :meth:`~stratsim.engine.recording.BinBlock.arrays`."""
        if self.fold is None:
            self.services = block.services
            self.fold = WeekFold(1, len(block.services), self.target.warmup_h, self.target.horizon_h)
        self.fold.add(0, arrays["station"], arrays["time_h"], arrays["bin_h"], arrays["arrivals"],
                      [arrays[name] for name in LEVEL_COLUMNS],
                      arrays["started"], arrays["wait_mean_min"])

    def write(self) -> None:
        """Write the part file: one row per service and hour of the week, in that order (none
        if no block came); a figure the window gives no value is left empty."""
        with open(self.target.path, "w", newline="", encoding="utf-8") as handle:
            if self.fold is not None:
                csv.writer(handle).writerows(self.rows())

    def rows(self) -> list[tuple]:
        assert self.fold is not None
        week = self.fold.profile(self.services)
        columns = [[_cell(value) for value in getattr(week, name)[0].ravel().tolist()] for name in WEEK_FIGURES]
        labels = [(self.replication, service, hour, WEEKDAYS[hour // HOURS_PER_DAY], hour % HOURS_PER_DAY)
                  for service in self.services for hour in range(HOURS_PER_WEEK)]
        return [(*label, *values) for label, values in zip(labels, zip(*columns, strict=True), strict=True)]


def _cell(value: float) -> float | str:
    return "" if math.isnan(value) else value
