"""The week as a planner sees it: a time series folded onto the 168 hours of the week.

Each replication's time bins inside the measured window ``[warmup, horizon)`` are folded onto
the hour of the week they cover: a bin spanning several hours is spread evenly over them, a
shorter one adds to the hour it lies in, and the part of a bin outside the window counts for
nothing. Per replication, service and hour of the week that gives the hours measured, the
arrivals and starts of service per hour, the time-averaged queue, busy and staffed servers,
and the mean wait of those who started service in that hour.

A run folds each replication while its bins stream out, block by block (``week.csv``); a
results folder without ``week.csv`` is folded from ``timeseries.csv`` with the same
arithmetic (:class:`WeekFold` serves both). The two agree to the last few bits, not bit for
bit: the sums are added in blocks of a different size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stratsim.clock import HOURS_PER_WEEK

#: Columns folded as time averages (weighted by the time a bin spends in an hour).
LEVEL_COLUMNS = ("queue_mean", "busy_mean", "staffed_mean")
#: The :class:`WeekProfile` figures ``week.csv`` holds, in its column order.
WEEK_FIGURES = ("hours_measured", "arrivals_per_h", *LEVEL_COLUMNS, "started_per_h", "wait_mean_min")


@dataclass(frozen=True)
class WeekProfile:
    """Per replication, service and hour of the week (arrays shaped ``(R, S, 168)``).

    ``arrivals_per_h`` and ``started_per_h`` are rates; ``queue_mean``, ``busy_mean`` and
    ``staffed_mean`` time averages; ``wait_mean_min`` the mean wait of those who started
    service in that hour (``nan`` where nobody did; ``None`` for a time series without waits).
    Every figure is ``nan`` in an hour the window never covered.
    """

    services: tuple[str, ...]
    arrivals_per_h: np.ndarray
    queue_mean: np.ndarray
    busy_mean: np.ndarray
    staffed_mean: np.ndarray
    started_per_h: np.ndarray | None
    wait_mean_min: np.ndarray | None
    #: The longest bin folded (hours, at least 1): a 4 h bin gives its four hours one value,
    #: so a finding names the whole bin, not one hour of it.
    bin_h: float = 1.0
    #: Hours of the measured window that fell on each hour of the week.
    hours_measured: np.ndarray | None = None

    @property
    def replications(self) -> int:
        return int(self.arrivals_per_h.shape[0])

    def index(self, service: str) -> int:
        return self.services.index(service)

    @property
    def utilization(self) -> np.ndarray:
        """Busy / staffed servers per replication, service and hour (``nan`` where none staffed)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.staffed_mean > 0, self.busy_mean / self.staffed_mean, np.nan)


class WeekFold:
    """Running sums of time bins folded onto the week, per replication, service and hour.

    Feed it rows with :meth:`add` (numpy arrays, one entry per bin and service) in any
    number of calls, then read the week with :meth:`profile`.
    """

    def __init__(self, replications: int, services: int, warmup_h: float, horizon_h: float) -> None:
        self.shape = (replications, services, HOURS_PER_WEEK)
        self.warmup_h, self.horizon_h = warmup_h, horizon_h
        slots = replications * services * HOURS_PER_WEEK
        self.hours = np.zeros(slots)
        self.arrivals = np.zeros(slots)
        self.levels = [np.zeros(slots) for _ in LEVEL_COLUMNS]
        self.started = np.zeros(slots)
        self.wait_sum = np.zeros(slots)
        self.has_waits: bool | None = None
        """Whether the rows folded carry waits (``None`` until a row came: the caller may say)."""
        self.longest_bin_h = 0.0

    def add(self, replication: np.ndarray | int, service: np.ndarray, start_h: np.ndarray, length_h: np.ndarray,
            arrivals: np.ndarray, levels: Sequence[np.ndarray],
            started: np.ndarray | None = None, wait_mean_min: np.ndarray | None = None) -> None:
        """Fold rows: each one service over one bin ``[start_h, start_h + length_h)``.

        ``levels`` are the bins' time-averaged queue, busy and staffed servers
        (:data:`LEVEL_COLUMNS`); ``wait_mean_min`` may hold ``nan`` (or anything) where
        ``started`` is 0. Without ``started``, the week has no waits.
        """
        if not len(start_h):
            return
        if started is None or wait_mean_min is None:
            self.has_waits = False
        else:
            self.has_waits = self.has_waits is not False
            waits = np.where(started > 0, np.nan_to_num(wait_mean_min), 0.0)
        self.longest_bin_h = max(self.longest_bin_h, float(np.nanmax(length_h)))
        base = (replication * self.shape[1] + service) * HOURS_PER_WEEK
        first_hour = np.floor(start_h)
        slots = self.hours.size
        for k in range(int(np.ceil(length_h.max())) + 1):
            hour = first_hour + k
            piece = (np.minimum(np.minimum(start_h + length_h, hour + 1), self.horizon_h)
                     - np.maximum(np.maximum(start_h, hour), self.warmup_h))
            piece = np.maximum(piece, 0.0)
            if not piece.any():
                continue
            index = base + (hour % HOURS_PER_WEEK).astype(np.int64)
            share = np.where(length_h > 0, piece / np.where(length_h > 0, length_h, 1.0), 0.0)

            def total(weights: np.ndarray) -> np.ndarray:
                return np.bincount(index, weights=weights, minlength=slots)  # noqa: B023

            self.hours += total(piece)
            self.arrivals += total(arrivals * share)
            for sums, values in zip(self.levels, levels, strict=True):
                sums += total(values * piece)
            if self.has_waits:
                self.started += total(started * share)
                self.wait_sum += total(waits * started * share)

    def profile(self, services: Sequence[str]) -> WeekProfile:
        """The week so far, ``services`` naming the service indices given to :meth:`add`."""
        hours = self.hours
        with np.errstate(invalid="ignore", divide="ignore"):
            def per_hour(total: np.ndarray) -> np.ndarray:
                return np.where(hours > 0, total / hours, np.nan).reshape(self.shape)

            waits = None
            if self.has_waits:   # None (no rows, nothing said) counts as without waits
                waits = np.where(self.started > 0, self.wait_sum / np.where(self.started > 0, self.started, 1),
                                 np.nan).reshape(self.shape)
            return WeekProfile(
                services=tuple(services),
                arrivals_per_h=per_hour(self.arrivals),
                queue_mean=per_hour(self.levels[0]),
                busy_mean=per_hour(self.levels[1]),
                staffed_mean=per_hour(self.levels[2]),
                started_per_h=per_hour(self.started) if self.has_waits else None,
                wait_mean_min=waits,
                bin_h=max(self.longest_bin_h, 1.0),
                hours_measured=hours.reshape(self.shape).copy(),
            )
