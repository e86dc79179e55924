"""Time series per time bin, and the snapshots that bound the measured window.

The engine never writes files: finished bins are handed to a ``sink`` callable in blocks of
:data:`BLOCK_BINS` (a :class:`BinBlock`, which gives them as columns or as :class:`BinRow` s),
and the runner streams them to disk. At most one block is held, so memory does not grow with
the run length.

Bins are closed **lazily**, without an event of their own: every change of a station's state
first integrates its clock sums up to the change (``Station.advance``), and a change at or after
the end of the current bin first closes every bin that ended before it, for every station
(:meth:`BinRecorder.close_until`). Between two changes a station's state is constant, so the
sums at a bin's end are exact, and a change at the very instant a bin ends falls in the next
bin — as if the bin had been closed by an event that runs before everything else at its
instant. The rows are the same as with one bookkeeping event per bin, at a fraction of the
cost: a long run has as many bins as customers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from stratsim.engine.station import Station

TIMESERIES_FIELDS = (
    "time_h", "bin_h", "service", "arrivals", "queue_mean", "busy_mean", "staffed_mean",
    "started", "wait_mean_min",
    # the strategy's view (appended; earlier columns keep their places):
    "price_mean", "staff_mean", "surge_mean",
    # the relationship's view (appended):
    "customers",
)
MINUTES_PER_HOUR = 60.0
#: Numbers in a station's cumulative sums (:func:`_sums`).
SUMS = 9


class BinRow(NamedTuple):
    """One service over one time bin: arrivals, time-averaged queue, busy and staffed, and the
    customers who started service in the bin with their mean wait (``None`` when none did).

    A named tuple in :data:`TIMESERIES_FIELDS` order: cheap to make once per bin and service,
    and written to ``timeseries.csv`` as it is.
    """

    time_h: float
    bin_h: float
    service: str
    arrivals: int
    queue_mean: float
    busy_mean: float
    staffed_mean: float
    started: int
    wait_mean_min: float | None
    price_mean: float = 0.0
    staff_mean: float = 0.0
    surge_mean: float = 0.0
    customers: float | None = None
    """The customer base left, at the bin's end, of the segments with a base that use the service
    (``None`` where none does)."""

    def as_tuple(self) -> tuple:
        return tuple(self)


@dataclass(frozen=True)
class StationSums:
    """A station's clock integrals at one instant (server-hours), its arrival count, and its
    starts of service with the sum of their waits (hours)."""

    queue_area: float
    busy_area: float
    staffed_area: float
    arrivals: int
    started: int
    wait_sum_h: float
    price_area: float = 0.0
    staff_area: float = 0.0
    surge_area: float = 0.0

    @classmethod
    def of(cls, station: Station, now: float) -> "StationSums":
        station.advance(now)   # closes the time series' bins that ended by now
        return cls(*_sums(station, now))

    def minus(self, earlier: "StationSums") -> "StationSums":
        return StationSums(
            self.queue_area - earlier.queue_area,
            self.busy_area - earlier.busy_area,
            self.staffed_area - earlier.staffed_area,
            self.arrivals - earlier.arrivals,
            self.started - earlier.started,
            self.wait_sum_h - earlier.wait_sum_h,
            self.price_area - earlier.price_area,
            self.staff_area - earlier.staff_area,
            self.surge_area - earlier.surge_area,
        )


def _sums(s: Station, now: float) -> tuple[float, float, float, int, int, float, float, float, float]:
    """A station's cumulative sums at ``now``, its waiting and busy integrals brought up to
    ``now`` first.

    :meth:`Station.advance` (without its bin check) and :meth:`Station.staffed_area` and its
    siblings written out: this runs once per station and bin, as often as a long run has
    customers."""
    dt = now - s.last_h
    if dt > 0.0:
        s.queue_area += s.waiting * dt
        s.busy_area += s.busy * dt
        s.last_h = now
    duty_h = now - s.duty_since_h
    return (s.queue_area, s.busy_area, s.staffed_area_before + s.staffed * (now - s.staffed_since_h),
            s.arrivals_total, s.started_total, s.wait_total_h,
            s.price_area_before + s.price * (now - s.price_since_h),
            s.staff_area_before + s.staff * duty_h, s.surge_area_before + s.surge * duty_h)


#: Bins per :class:`BinBlock`: enough that numpy does the arithmetic of a long run, few enough
#: that the sums waiting for it stay in the processor's cache (4,096 bins cost the M/M/3
#: benchmark 0.2 s more than 256: a long run keeps a whole block of float objects alive).
BLOCK_BINS = 256


@dataclass(frozen=True)
class BinBlock:
    """Consecutive time bins of every station, as the cumulative sums that bound them.

    ``sums[i, 0]`` holds station ``i``'s :func:`_sums` at the first bin's start and
    ``sums[i, k + 1]`` those at the end of bin ``k``, so a bin's figures are differences of
    two rows. The recorder takes one snapshot per station and bin (cheap) and leaves the
    arithmetic to :meth:`columns`, which numpy does for a whole block at once: a long run has
    as many bins as customers. The figures are exactly those of :class:`BinRow` computed one
    by one (the same IEEE operations in the same order).
    """

    services: tuple[str, ...]
    starts_h: np.ndarray
    """Start of each bin (hours), shape ``(bins,)``."""
    ends_h: np.ndarray
    """End of each bin (hours), shape ``(bins,)``."""
    sums: np.ndarray
    """Cumulative sums, shape ``(stations, bins + 1, 9)``."""
    customers: tuple[tuple[float | None, ...], ...] | None = None
    """Per station, the customer base at each bin's end (``None`` without relationships)."""

    def __len__(self) -> int:
        """Rows: bins × stations."""
        return len(self.starts_h) * len(self.services)

    def arrays(self) -> dict[str, np.ndarray]:
        """The block's figures as numpy arrays, one entry per row, in the order of
        :meth:`columns`: ``time_h``, ``bin_h``, ``station`` (an index into :attr:`services`),
        ``arrivals``, ``queue_mean``, ``busy_mean``, ``staffed_mean``, ``started``,
        ``wait_mean_min`` (0 where nobody started), ``price_mean``, ``staff_mean``, ``surge_mean``."""
        stations = len(self.services)
        lengths = self.ends_h - self.starts_h
        change = np.diff(self.sums, axis=1).transpose(1, 0, 2)   # (bins, stations, 9)
        per_hour = change / lengths[:, None, None]
        started = change[:, :, 4].ravel()
        return {
            "time_h": np.repeat(self.starts_h, stations),
            "bin_h": np.repeat(lengths, stations),
            "station": np.tile(np.arange(stations), len(self.starts_h)),
            "arrivals": change[:, :, 3].ravel().astype(np.int64),
            "queue_mean": per_hour[:, :, 0].ravel(),
            "busy_mean": per_hour[:, :, 1].ravel(),
            "staffed_mean": per_hour[:, :, 2].ravel(),
            "started": started.astype(np.int64),
            "wait_mean_min": np.divide(change[:, :, 5].ravel() * MINUTES_PER_HOUR, started,
                                       out=np.zeros_like(started), where=started > 0),
            "price_mean": per_hour[:, :, 6].ravel(),
            "staff_mean": per_hour[:, :, 7].ravel(),
            "surge_mean": per_hour[:, :, 8].ravel(),
        }

    def columns(self, arrays: dict[str, np.ndarray] | None = None) -> dict[str, list]:
        """Every :data:`TIMESERIES_FIELDS` column as a list, rows in time order and, within a
        bin, in station order (as :class:`BinRecorder` hands rows to a per-row sink); from
        ``arrays`` when :meth:`arrays` was called already."""
        arrays = self.arrays() if arrays is None else arrays
        customers = ([None] * len(self) if self.customers is None
                     else [value for row in zip(*self.customers, strict=True) for value in row])
        if len(customers) != len(self):
            raise ValueError(f"a block of {len(self)} rows has {len(customers)} customer bases")
        started = arrays["started"].tolist()
        columns: dict[str, list] = {name: values.tolist() for name, values in arrays.items()
                                    if name not in ("station", "started", "wait_mean_min")}
        columns["service"] = list(self.services) * len(self.starts_h)
        columns["started"] = started
        columns["wait_mean_min"] = [w if n else None for w, n in zip(arrays["wait_mean_min"].tolist(), started)]
        columns["customers"] = customers
        return columns

    def rows(self) -> list[BinRow]:
        """The block's :class:`BinRow` s, in the order of :meth:`columns`."""
        columns = self.columns()
        make_row = tuple.__new__
        values = zip(*(columns[field] for field in TIMESERIES_FIELDS), strict=True)
        return [make_row(BinRow, row) for row in values]


class BinRecorder:
    """Hands a :class:`BinBlock` per :data:`BLOCK_BINS` bins (and a last, shorter one) to
    ``sink``, covering every time bin of every station up to the horizon."""

    def __init__(
        self,
        stations: list[Station],
        bin_h: float,
        horizon_h: float,
        sink: Callable[[BinBlock], None],
        customers: Callable[[int], float | None] | None = None,
    ) -> None:
        self.stations = stations
        self.services = tuple(station.spec.id for station in stations)
        self.bin_h = bin_h
        self.horizon_h = horizon_h
        self.sink = sink
        self.customers = customers
        self.bin_start_h = 0.0
        self.bin_index = 0
        self.block_start_h = 0.0
        self.ends: list[float] = []
        self.last_end_h = horizon_h - 1e-9 * bin_h
        self.snapshots: list[list[float]] = [list(_sums(station, 0.0)) for station in stations]
        """Per station, the sums at the block's start and at each bin end since, flat."""
        self._taken = list(zip(stations, self.snapshots))
        self.bases: list[list[float | None]] = [[] for _ in stations]
        self.finished = False
        self.next_end_h = self._next_end()
        """End of the current bin (:meth:`_next_end`), kept up to date as bins close."""

    def start(self) -> None:
        """Attach to the stations: from now on their changes close the bins they pass."""
        for station in self.stations:
            station.recorder = self
        self._set_due(self.next_end_h)

    def close_until(self, now: float) -> None:
        """Close every bin that ended at or before ``now`` (called by a station about to change
        at ``now``, before the change)."""
        end = self.next_end_h
        while end <= now:
            self._close(end)
            end = self.next_end_h
        for station in self.stations:   # self._set_due(end) written out: once per bin
            station.bin_due_h = end

    def finish(self) -> None:
        """Close the bins up to the horizon, the last one shorter if the horizon falls inside
        it, and hand over the last block; called once the clock stands at the horizon. Later
        changes close nothing."""
        self.close_until(self.horizon_h)
        if self.bin_start_h < self.horizon_h:
            self._close(self.horizon_h)
        self._flush()
        self.finished = True
        self.next_end_h = math.inf
        self._set_due(math.inf)

    def _next_end(self) -> float:
        """End of the current bin; ``inf`` once the next bin would end within rounding of the
        horizon: that bin is the last one, closed by :meth:`finish` (3 × 0.7 h falls a hair
        short of 2.1 h and must not leave a bin of 4e-16 h)."""
        end = (self.bin_index + 1) * self.bin_h
        if self.finished or end >= self.last_end_h:
            return math.inf
        return end

    def _set_due(self, due_h: float) -> None:
        for station in self.stations:
            station.bin_due_h = due_h

    def _close(self, now: float) -> None:
        """Take every station's sums at ``now``, the end of the current bin (once per bin and
        station of a long run: kept to few calls)."""
        for station, taken in self._taken:
            taken.extend(_sums(station, now))
        if self.customers is not None:
            for i, bases in enumerate(self.bases):
                bases.append(self.customers(i))
        self.ends.append(now)
        self.bin_start_h = now
        self.bin_index += 1
        self.next_end_h = self._next_end()
        if len(self.ends) >= BLOCK_BINS:
            self._flush()

    def _flush(self) -> None:
        """Hand the bins closed since the last block to the sink."""
        if not self.ends:
            return
        ends = np.array(self.ends)
        starts = np.empty_like(ends)
        starts[0] = self.block_start_h
        starts[1:] = ends[:-1]
        sums = np.array(self.snapshots, dtype=np.float64).reshape(len(self.stations), len(ends) + 1, SUMS)
        bases = tuple(map(tuple, self.bases)) if self.customers is not None else None
        self.block_start_h = self.ends[-1]
        self.ends.clear()
        for taken in self.snapshots:
            del taken[:-SUMS]
        for taken_bases in self.bases:
            taken_bases.clear()
        self.sink(BinBlock(self.services, starts, ends, sums, bases))
