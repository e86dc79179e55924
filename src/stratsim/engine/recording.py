"""Time series per time bin, and the snapshots that bound the measured window.

The engine never writes files: each finished bin is handed to a ``sink`` callable as a
:class:`BinRow`, and the runner streams the rows to disk. Only the current bin's starting
values are held, so memory does not grow with the run length.

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
        station.advance(now)
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
    """A station's cumulative sums at ``now`` (its waiting and busy sums already advanced).

    The staffed, price, staff and surge areas are :meth:`Station.staffed_area` and its siblings
    written out: this runs once per station and bin, as often as a long run has customers."""
    duty_h = now - s.duty_since_h
    return (s.queue_area, s.busy_area, s.staffed_area_before + s.staffed * (now - s.staffed_since_h),
            s.arrivals_total, s.started_total, s.wait_total_h,
            s.price_area_before + s.price * (now - s.price_since_h),
            s.staff_area_before + s.staff * duty_h, s.surge_area_before + s.surge * duty_h)


class BinRecorder:
    """Emits one :class:`BinRow` per station for every time bin up to the horizon."""

    def __init__(
        self,
        stations: list[Station],
        bin_h: float,
        horizon_h: float,
        sink: Callable[[BinRow], None],
        customers: Callable[[int], float | None] | None = None,
    ) -> None:
        self.stations = stations
        self.bin_h = bin_h
        self.horizon_h = horizon_h
        self.sink = sink
        self.customers = customers
        self.bin_start_h = 0.0
        self.bin_index = 0
        self.previous = [_sums(station, 0.0) for station in stations]
        self.finished = False

    def start(self) -> None:
        """Attach to the stations: from now on their changes close the bins they pass."""
        for station in self.stations:
            station.recorder = self
        self._set_due(self._next_end())

    def close_until(self, now: float) -> None:
        """Close every bin that ended at or before ``now`` (called by a station about to change
        at ``now``, before the change)."""
        end = self._next_end()
        while end <= now:
            self._emit(end)
            end = self._next_end()
        self._set_due(end)

    def finish(self) -> None:
        """Close the bins up to the horizon, the last one shorter if the horizon falls inside
        it; called once the clock stands at the horizon. Later changes close nothing."""
        self.close_until(self.horizon_h)
        if self.bin_start_h < self.horizon_h:
            self._emit(self.horizon_h)
        self.finished = True
        self._set_due(math.inf)

    def _next_end(self) -> float:
        """End of the current bin; ``inf`` once the next bin would end within rounding of the
        horizon: that bin is the last one, closed by :meth:`finish` (3 × 0.7 h falls a hair
        short of 2.1 h and must not leave a bin of 4e-16 h)."""
        end = (self.bin_index + 1) * self.bin_h
        if self.finished or end >= self.horizon_h - 1e-9 * self.bin_h:
            return math.inf
        return end

    def _set_due(self, due_h: float) -> None:
        for station in self.stations:
            station.bin_due_h = due_h

    def _emit(self, now: float) -> None:
        start = self.bin_start_h
        length = now - start
        sink, previous, customers = self.sink, self.previous, self.customers
        make_row = tuple.__new__   # BinRow(...) through its generated __new__ costs a call more
        for i, station in enumerate(self.stations):
            station.integrate(now)
            current = _sums(station, now)
            (queue, busy, staffed, arrivals, started, wait_sum, price, staff, surge) = previous[i]
            starts = current[4] - started
            sink(make_row(BinRow, (
                start, length, station.spec.id, current[3] - arrivals,
                (current[0] - queue) / length, (current[1] - busy) / length,
                (current[2] - staffed) / length, starts,
                (current[5] - wait_sum) * MINUTES_PER_HOUR / starts if starts else None,
                (current[6] - price) / length, (current[7] - staff) / length,
                (current[8] - surge) / length,
                customers(i) if customers is not None else None,
            )))
            previous[i] = current
        self.bin_start_h = now
        self.bin_index += 1
