"""The week as a planner sees it: ``timeseries.csv`` folded onto the 168 hours of the week.

Each replication's bins inside the measured window ``[warmup, horizon)`` are folded onto the
hour of the week they cover (a bin spanning several hours is spread evenly over them, a
shorter one adds to the hour it lies in), so each replication gives one average week per
service. Across replications, the mean week and a Student-t 95 % interval per hour follow,
the same statistics as the KPIs. The file is read in chunks, so its size, not memory, grows
with the run.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stratsim.errors import ResultsError
from stratsim.report.series_csv import parse_columns, read_chunks

HOURS_PER_WEEK = 168
#: Columns folded as time averages (weighted by the time a bin spends in an hour).
LEVEL_COLUMNS = ("queue_mean", "busy_mean", "staffed_mean")


@dataclass(frozen=True)
class WeekProfile:
    """Per replication, service and hour of the week (arrays shaped ``(R, S, 168)``).

    ``arrivals_per_h`` and ``started_per_h`` are rates; ``queue_mean``, ``busy_mean`` and
    ``staffed_mean`` time averages; ``wait_mean_min`` the mean wait of those who started
    service in that hour (``nan`` where nobody did; ``None`` for a file without waits).
    """

    services: tuple[str, ...]
    arrivals_per_h: np.ndarray
    queue_mean: np.ndarray
    busy_mean: np.ndarray
    staffed_mean: np.ndarray
    started_per_h: np.ndarray | None
    wait_mean_min: np.ndarray | None
    #: The longest bin folded (hours): a 4 h bin gives its four hours one value, so a finding
    #: names the whole bin, not one hour of it.
    bin_h: float = 1.0

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


@dataclass(frozen=True)
class Band:
    """Mean over replications and its 95 % interval (``low``/``high`` equal the mean when n < 2)."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def t_quantile_975(degrees_of_freedom: np.ndarray | int) -> np.ndarray:
    """Student-t 97.5 % quantile (two-sided 95 %); ``scipy.special`` loads faster than ``stats``."""
    from scipy.special import stdtrit

    return stdtrit(degrees_of_freedom, 0.975)


def band(values: np.ndarray) -> Band:
    """Mean and Student-t 95 % interval over axis 0 (replications), ignoring ``nan``."""
    n = np.sum(~np.isnan(values), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # an hour nobody was served in: nan
        mean = np.nanmean(values, axis=0) if values.size else values.sum(axis=0)
        spread = np.nanstd(values, axis=0, ddof=1) if values.shape[0] > 1 else np.zeros_like(mean)
        half = np.where(n > 1, t_quantile_975(np.maximum(n - 1, 1)) * spread / np.sqrt(np.maximum(n, 1)), 0.0)
    half = np.nan_to_num(half)
    return Band(mean, mean - half, mean + half)


def read_week_profile(path: Path, services: Sequence[str], replications: int,
                      warmup_h: float, horizon_h: float) -> WeekProfile:
    """Fold ``timeseries.csv`` at ``path`` onto the hours of the week (see the module docstring).

    ``services`` (in report order) and ``replications`` come from ``summary.json``; rows of
    other services are ignored. Raises :class:`ResultsError` for a file that is not a
    stratsim time series.
    """
    shape = (replications, len(services), HOURS_PER_WEEK)
    slots = replications * len(services) * HOURS_PER_WEEK
    hours = np.zeros(slots)
    arrivals = np.zeros(slots)
    levels = {name: np.zeros(slots) for name in LEVEL_COLUMNS}
    started = np.zeros(slots)
    wait_sum = np.zeros(slots)
    service_index = {service: i for i, service in enumerate(services)}
    has_waits = False
    longest_bin_h = 0.0
    try:
        for header, lines in read_chunks(path):
            has_waits = "started" in header and "wait_mean_min" in header
            names = parse_columns(lines, header, ["service"], dtype=str)[:, 0]
            known = np.isin(names, list(service_index))
            if not known.any():
                continue
            waits_columns = ["started", "wait_mean_min"] if has_waits else []
            table = parse_columns(lines, header, ["replication", "time_h", "bin_h", "arrivals",
                                             *LEVEL_COLUMNS, *waits_columns],
                             may_be_blank=waits_columns[1:])[known]
            rep = table[:, 0].astype(np.int64)
            if rep.min() < 0 or rep.max() >= replications or not np.array_equal(rep, table[:, 0]):
                raise ResultsError(f"{path}: replication {table[:, 0].max():g} is not in the summary's "
                                   f"{replications} replications")
            svc = np.array([service_index[name] for name in names[known]])
            start, length, count = table[:, 1], table[:, 2], table[:, 3]
            values = {name: table[:, 4 + k] for k, name in enumerate(LEVEL_COLUMNS)}
            if has_waits:
                starts, waits = table[:, -2], np.nan_to_num(table[:, -1])
            longest_bin_h = max(longest_bin_h, float(np.nanmax(length)))
            base = (rep * len(services) + svc) * HOURS_PER_WEEK
            first_hour = np.floor(start)
            for k in range(int(np.ceil(length.max())) + 1):
                hour = first_hour + k
                piece = (np.minimum(np.minimum(start + length, hour + 1), horizon_h)
                         - np.maximum(np.maximum(start, hour), warmup_h))
                piece = np.maximum(piece, 0.0)
                if not piece.any():
                    continue
                index = base + (hour % HOURS_PER_WEEK).astype(np.int64)
                share = np.where(length > 0, piece / length, 0.0)

                def add(total: np.ndarray, weights: np.ndarray) -> None:
                    total += np.bincount(index, weights=weights, minlength=slots)  # noqa: B023

                add(hours, piece)
                add(arrivals, count * share)
                for name in LEVEL_COLUMNS:
                    add(levels[name], values[name] * piece)
                if has_waits:
                    add(started, starts * share)
                    add(wait_sum, waits * starts * share)
    except (ValueError, KeyError, IndexError) as error:
        raise ResultsError(f"{path}: not a stratsim time series ({error})") from None
    with np.errstate(invalid="ignore", divide="ignore"):
        per_hour = lambda total: np.where(hours > 0, total / hours, np.nan).reshape(shape)  # noqa: E731
        return WeekProfile(
            services=tuple(services),
            arrivals_per_h=per_hour(arrivals),
            queue_mean=per_hour(levels["queue_mean"]),
            busy_mean=per_hour(levels["busy_mean"]),
            staffed_mean=per_hour(levels["staffed_mean"]),
            started_per_h=per_hour(started) if has_waits else None,
            wait_mean_min=np.where(started > 0, wait_sum / np.where(started > 0, started, 1), np.nan).reshape(shape)
            if has_waits else None,
            bin_h=max(longest_bin_h, 1.0),
        )
