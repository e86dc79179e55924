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

from stratsim.analysis.week import LEVEL_COLUMNS, WeekFold, WeekProfile
from stratsim.clock import HOURS_PER_WEEK
from stratsim.errors import ResultsError
from stratsim.report.series_csv import parse_columns, read_chunks

__all__ = ["HOURS_PER_WEEK", "Band", "WeekProfile", "band", "read_week_csv", "read_week_profile"]


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
    fold = WeekFold(replications, len(services), warmup_h, horizon_h)
    service_index = {service: i for i, service in enumerate(services)}
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
            rep = _replications(table[:, 0], replications, path)
            fold.add(rep, np.array([service_index[name] for name in names[known]]),
                     table[:, 1], table[:, 2], table[:, 3], [table[:, 4 + k] for k in range(len(LEVEL_COLUMNS))],
                     table[:, -2] if has_waits else None, table[:, -1] if has_waits else None)
    except (ValueError, KeyError, IndexError) as error:
        raise ResultsError(f"{path}: not a stratsim time series ({error})") from None
    return fold.profile(services)


#: ``week.csv``'s figures, in :class:`WeekProfile`'s order.
WEEK_FIGURES = ("hours_measured", "arrivals_per_h", "queue_mean", "busy_mean", "staffed_mean",
                "started_per_h", "wait_mean_min")


def read_week_csv(path: Path, services: Sequence[str], replications: int, bin_h: float = 1.0) -> WeekProfile:
    """The week of ``week.csv`` at ``path``: ``services`` in report order (rows of others
    ignored, a service without rows all ``nan``), ``replications`` from ``summary.json``;
    ``bin_h`` the time series' longest bin (see :attr:`WeekProfile.bin_h`)."""
    shape = (replications, len(services), HOURS_PER_WEEK)
    figures = {name: np.full(shape, np.nan) for name in WEEK_FIGURES}
    service_index = {service: i for i, service in enumerate(services)}
    try:
        for header, lines in read_chunks(path):
            names = parse_columns(lines, header, ["service"], dtype=str)[:, 0]
            known = np.isin(names, list(service_index))
            table = parse_columns(lines, header, ["replication", "hour_of_week", *WEEK_FIGURES],
                                  may_be_blank=WEEK_FIGURES)[known]
            rep = _replications(table[:, 0], replications, path)
            hour = table[:, 1].astype(np.int64)
            if len(hour) and (hour.min() < 0 or hour.max() >= HOURS_PER_WEEK):
                raise ResultsError(f"{path}: hour_of_week {hour.max():g} is outside 0-167")
            svc = np.array([service_index[name] for name in names[known]], dtype=np.int64)
            for k, name in enumerate(WEEK_FIGURES):
                figures[name][rep, svc, hour] = table[:, 2 + k]
    except (ValueError, KeyError, IndexError) as error:
        raise ResultsError(f"{path}: not a stratsim week ({error})") from None
    return WeekProfile(tuple(services), figures["arrivals_per_h"], figures["queue_mean"], figures["busy_mean"],
                       figures["staffed_mean"], figures["started_per_h"], figures["wait_mean_min"],
                       bin_h=max(bin_h, 1.0), hours_measured=np.nan_to_num(figures["hours_measured"]))


def _replications(column: np.ndarray, replications: int, path: Path) -> np.ndarray:
    """A file's replication column as indices, refused unless each is one of the summary's."""
    rep = column.astype(np.int64)
    if len(rep) and (rep.min() < 0 or rep.max() >= replications or not np.array_equal(rep, column)):
        raise ResultsError(f"{path}: replication {column.max():g} is not in the summary's "
                           f"{replications} replications")
    return rep
