"""Time series per time bin, and the snapshots that bound the measured window.

The engine never writes files: each finished bin is handed to a ``sink`` callable as a
:class:`BinRow`, and the runner streams the rows to disk. Only the current bin's starting
values are held, so memory does not grow with the run length.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simpy.core import Environment
from simpy.events import Event

from stratsim.engine.events import Callback, Priority
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


@dataclass(frozen=True)
class BinRow:
    """One service over one time bin: arrivals, time-averaged queue, busy and staffed, and the
    customers who started service in the bin with their mean wait (``None`` when none did)."""

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
        return (self.time_h, self.bin_h, self.service, self.arrivals,
                self.queue_mean, self.busy_mean, self.staffed_mean, self.started, self.wait_mean_min,
                self.price_mean, self.staff_mean, self.surge_mean, self.customers)


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
        return cls(station.queue_area, station.busy_area, station.staffed_area(now),
                   station.arrivals_total, station.started_total, station.wait_total_h,
                   station.price_area(now), station.staff_area(now), station.surge_area(now))

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


class BinRecorder:
    """Emits one :class:`BinRow` per station at the end of every time bin up to the horizon."""

    def __init__(
        self,
        env: Environment,
        stations: list[Station],
        bin_h: float,
        horizon_h: float,
        sink: Callable[[BinRow], None],
        customers: Callable[[int], float | None] | None = None,
    ) -> None:
        self.env = env
        self.stations = stations
        self.bin_h = bin_h
        self.horizon_h = horizon_h
        self.sink = sink
        self.customers = customers
        self.bin_start_h = 0.0
        self.bin_index = 0
        self.previous = [StationSums.of(station, 0.0) for station in stations]

    def start(self) -> None:
        self._schedule_next()

    def _schedule_next(self) -> None:
        self.bin_index += 1
        end = self.bin_index * self.bin_h
        # A bin ending within rounding of the horizon is the last one, closed by finish():
        # 3 × 0.7 h falls a hair short of 2.1 h and must not leave a bin of 4e-16 h.
        if end < self.horizon_h - 1e-9 * self.bin_h:
            Callback(self.env, end, Priority.BOOKKEEPING, self._close_bin)

    def finish(self) -> None:
        """Close the last bin; called once the clock stands at the horizon."""
        self._emit(self.horizon_h)

    def _close_bin(self, event: Event) -> None:
        self._emit(self.env._now)
        self._schedule_next()

    def _emit(self, now: float) -> None:
        length = now - self.bin_start_h
        for i, station in enumerate(self.stations):
            current = StationSums.of(station, now)
            delta = current.minus(self.previous[i])
            self.previous[i] = current
            self.sink(BinRow(
                self.bin_start_h, length, station.spec.id, delta.arrivals,
                delta.queue_area / length, delta.busy_area / length, delta.staffed_area / length,
                delta.started,
                delta.wait_sum_h * MINUTES_PER_HOUR / delta.started if delta.started else None,
                delta.price_area / length, delta.staff_area / length, delta.surge_area / length,
                self.customers(i) if self.customers is not None else None,
            ))
        self.bin_start_h = now
