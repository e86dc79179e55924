"""One replication: build the stations and demand of a compiled model, run, measure.

Order of a run: stations start with the staff their roster gives at time 0; demand sources
schedule their first arrivals; at the end of the warm-up every source switches to the
measured cells and the stations' clock sums are snapshotted; at the horizon the sums are
snapshotted again, the customers in system are counted, and arrivals stop; the system then
drains (rosters still apply) until the last customer leaves, so every counted wait is complete.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy
from simpy.events import Event

from stratsim.engine.cells import Cell
from stratsim.engine.demand import DemandSource
from stratsim.engine.events import Callback
from stratsim.engine.metrics import KpiRecord, replication_kpis
from stratsim.engine.model import Model, StationSpec
from stratsim.engine.recording import BinRecorder, BinRow, StationSums
from stratsim.engine.staffing import RosterDriver
from stratsim.engine.station import Station


def _cells_for(model: Model) -> dict[tuple[int, int], list[Cell]]:
    """One cell per tier of each (segment, station) pair, indexed like the station's tiers."""
    cells: dict[tuple[int, int], list[Cell]] = {}
    for demand in model.demands:
        spec: StationSpec = model.stations[demand.station_index]
        cells[demand.segment_index, demand.station_index] = [
            Cell(demand.segment_index, spec.index, t, spec.price * tier.price_factor, tier.sla_wait_h)
            for t, tier in enumerate(spec.tiers)
        ]
    return cells


class Replication:
    """The state of one replication while it runs."""

    def __init__(
        self, model: Model, seed: int, replication: int, sink: Callable[[BinRow], None] | None
    ) -> None:
        self.model = model
        self.env = simpy.Environment()
        self.stations = [Station(self.env, spec, spec.staff_at(0.0)) for spec in model.stations]
        self.measured = _cells_for(model)
        warm = _cells_for(model) if model.warmup_h > 0 else self.measured
        self.sources = [
            DemandSource(
                self.env, demand, self.stations[demand.station_index],
                warm[demand.segment_index, demand.station_index],
                seed, replication, model.horizon_h,
            )
            for demand in model.demands
        ]
        self.rosters = [
            RosterDriver(self.env, station, station.spec.schedule) for station in self.stations
        ]
        self.recorder = (
            BinRecorder(self.env, self.stations, model.time_bin_h, model.horizon_h, sink)
            if sink is not None
            else None
        )
        self.window_start: list[StationSums] = [StationSums.of(s, 0.0) for s in self.stations]

    def run(self) -> KpiRecord:
        model = self.model
        for part in (*self.rosters, *self.sources):
            part.start()
        if self.recorder is not None:
            self.recorder.start()
        if model.warmup_h > 0:
            Callback(self.env, model.warmup_h, self._end_warmup)
        self.env.run(until=model.horizon_h)
        window_end = [StationSums.of(s, model.horizon_h) for s in self.stations]
        if self.recorder is not None:
            self.recorder.finish()
        cells = [cell for group in self.measured.values() for cell in group]
        for cell in cells:
            cell.in_system_at_horizon = cell.in_system
        self._drain()
        sums = [end.minus(start) for end, start in zip(window_end, self.window_start)]
        return replication_kpis(model, cells, sums)

    def _end_warmup(self, event: Event) -> None:
        now = self.env._now
        self.window_start = [StationSums.of(s, now) for s in self.stations]
        for source in self.sources:
            source.use_cells(
                self.measured[source.spec.segment_index, source.spec.station_index]
            )

    def _drain(self) -> None:
        stations = self.stations
        step = self.env.step
        while any(station.waiting or station.busy for station in stations):
            step()


def run_replication(
    model: Model, seed: int, replication: int, sink: Callable[[BinRow], None] | None = None
) -> KpiRecord:
    """Simulate replication number ``replication`` of ``model`` and return its KPIs.

    ``sink``, if given, receives one :class:`BinRow` per service and time bin, in time order.
    """
    return Replication(model, seed, replication, sink).run()
