"""The week per service for the report: ``week.csv``, or ``timeseries.csv`` folded onto the week.

A run writes ``week.csv`` (each replication's bins folded onto the 168 hours of the week as
they were written, :mod:`stratsim.analysis.week`); a results folder from before that file
existed is folded from ``timeseries.csv`` with the same arithmetic, read in chunks, so its
size, not memory, grows with the run. Across replications, the mean week and a Student-t 95 %
interval per hour follow (:func:`band`), the same statistics as the KPIs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stratsim.analysis.week import LEVEL_COLUMNS, WEEK_FIGURES, WeekFold, WeekProfile
from stratsim.clock import HOURS_PER_WEEK
from stratsim.errors import ResultsError
from stratsim.report.series_csv import parse_columns, read_chunks

__all__ = ["Band", "WeekProfile", "band", "read_week_csv", "read_week_profile"]


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
        several = n > 1   # a single replication has no interval, and needs no scipy
        half = (np.where(several, t_quantile_975(np.maximum(n - 1, 1)) * spread / np.sqrt(np.maximum(n, 1)), 0.0)
                if np.any(several) else np.zeros_like(mean))
    half = np.nan_to_num(half)
    return Band(mean, mean - half, mean + half)


def read_week_profile(path: Path, services: Sequence[str], replications: int,
                      warmup_h: float, horizon_h: float) -> WeekProfile:
    """Fold ``timeseries.csv`` at ``path`` onto the hours of the week (see the module docstring).

    ``services`` (in report order) and ``replications`` come from ``summary.json``; rows of
    other services are ignored. Raises :class:`ResultsError` for a file that is not a
    stratsim time series.
    """
    fold = WeekFold(replications, len(services), warmup_h, horizon_h)
    service_index = {service: i for i, service in enumerate(services)}
    try:
        for header, lines in read_chunks(path):
            has_waits = "started" in header and "wait_mean_min" in header
            known, svc = _known_services(lines, header, service_index)
            if fold.has_waits is None:   # the header says, even if no row of it is folded
                fold.has_waits = has_waits
            if not known.any():
                continue
            waits_columns = ["started", "wait_mean_min"] if has_waits else []
            table = parse_columns(lines, header, ["replication", "time_h", "bin_h", "arrivals",
                                                  *LEVEL_COLUMNS, *waits_columns],
                                  may_be_blank=waits_columns[1:])[known]
            rep = _replications(table[:, 0], replications, path)
            fold.add(rep, svc, table[:, 1], table[:, 2], table[:, 3], [table[:, 4 + k] for k in range(len(LEVEL_COLUMNS))],
                     table[:, -2] if has_waits else None, table[:, -1] if has_waits else None)
    except (ValueError, KeyError, IndexError) as error:
        raise ResultsError(f"{path}: not a stratsim time series ({error})") from None
    return fold.profile(services)


def read_week_csv(path: Path, services: Sequence[str], replications: int, bin_h: float = 1.0) -> WeekProfile:
    """The week of ``week.csv`` at ``path``: ``services`` in report order (rows of others
    ignored), ``replications`` from ``summary.json``; ``bin_h`` the time series' longest bin
    (see :attr:`WeekProfile.bin_h`).

    A run writes one row per replication, service and hour of the week; a file that lacks one
    or repeats one (cut short, edited, or left by another run) is a :class:`ResultsError`,
    never a week averaged over what happens to be there.
    """
    shape = (replications, len(services), HOURS_PER_WEEK)
    figures = {name: np.full(shape, np.nan) for name in WEEK_FIGURES}
    seen = np.zeros(shape, dtype=np.int64)
    service_index = {service: i for i, service in enumerate(services)}
    try:
        for header, lines in read_chunks(path):
            known, svc = _known_services(lines, header, service_index)
            table = parse_columns(lines, header, ["replication", "hour_of_week", *WEEK_FIGURES],
                                  may_be_blank=WEEK_FIGURES)[known]
            rep = _replications(table[:, 0], replications, path)
            hour = _whole_numbers(table[:, 1], HOURS_PER_WEEK, "hour_of_week", "0-167", path)
            np.add.at(seen, (rep, svc, hour), 1)
            for k, name in enumerate(WEEK_FIGURES):
                figures[name][rep, svc, hour] = table[:, 2 + k]
    except (ValueError, KeyError, IndexError) as error:
        raise ResultsError(f"{path}: not a stratsim week ({error})") from None
    if not (seen == 1).all():
        r, s, h = np.argwhere(seen != 1)[0]
        raise ResultsError(
            f"{path}: expected one row per replication, service and hour of the week "
            f"({replications} × {len(services)} × {HOURS_PER_WEEK}); replication {r}, {services[s]}, "
            f"hour {h} has {seen[r, s, h]} (a file cut short or from another run: rerun, or delete it "
            f"to fold timeseries.csv)")
    figures["hours_measured"] = np.nan_to_num(figures["hours_measured"])
    return WeekProfile(tuple(services), **figures, bin_h=max(bin_h, 1.0))


def _known_services(lines: list[str], header: list[str],
                    service_index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Which lines name a service of ``service_index``, and those services' indices."""
    names = parse_columns(lines, header, ["service"], dtype=str)[:, 0]
    known = np.isin(names, list(service_index))
    return known, np.array([service_index[name] for name in names[known]], dtype=np.int64)


def _replications(column: np.ndarray, replications: int, path: Path) -> np.ndarray:
    """A file's replication column as indices, refused unless each is one of the summary's."""
    return _whole_numbers(column, replications, "replication",
                          f"the summary's {replications} replications (0 to {replications - 1})", path)


def _whole_numbers(column: np.ndarray, stop: int, name: str, expected: str, path: Path) -> np.ndarray:
    """``column`` as integers in ``0 .. stop-1``; the first value that is not names the file."""
    bad = (column < 0) | (column >= stop) | (column != np.floor(column))
    if bad.any():
        raise ResultsError(f"{path}: {name} {column[bad][0]:g} is not in {expected}")
    return column.astype(np.int64)
