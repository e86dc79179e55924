"""One replication: build the stations and demand of a compiled model, run, measure.

Order of a run (``docs/model.md``, "Measurement" and "The drain"):

1. stations start with the staff their roster gives at time 0; demand sources schedule
   their first arrivals; arrivals before the warm-up ends are counted in warm-up cells that
   are never reported;
2. at the end of the warm-up the stations' clock sums are snapshotted, sources switch to the
   measured cells, and stations start booking completions to the period accounts;
3. at the horizon the sums are snapshotted again, the counted customers in system are
   noted, stations stop booking completions, the time series ends, and sources switch to
   drain cells that are never reported — arrivals go on, so the queue a counted customer
   sees after the horizon is the queue it would really see;
4. the drain runs until every counted customer has left, or until it has lasted as long as
   the horizon itself; counted customers still present then are ``unfinished``.

Those bookkeeping steps run before every other event at their instant (``Priority``).

A model with a strategy (``model.strategy``) also gets a
:class:`~stratsim.engine.strategy.StrategyRuntime`: stations whose price can change book each
customer's quoted price, demand pairs the strategy can change re-time their arrivals, rosters
go through the runtime (which adds surge staff), and its log rows go to ``rule_sink``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from stratsim.economics.finance import budget_months, showback_record
from stratsim.engine.cells import DRAIN, MEASURED, WARM, Account, Cell
from stratsim.engine.demand import DemandSource, DynamicDemandSource
from stratsim.engine.dependencies import DependencyNetwork, station_class
from stratsim.engine.lifecycle import CohortBook, wire_fallbacks
from stratsim.engine.events import Clock, Priority, run_until, run_while, schedule
from stratsim.engine.metrics import KpiRecord, replication_kpis, wait_histograms
from stratsim.engine.model import Model
from stratsim.engine.months import MonthlyCosts
from stratsim.engine.recording import BinBlock, BinRecorder, BinRow, StationSums
from stratsim.engine.relationship import (DeskRequests, cell_class, customer_base, desk_requests,
                                          start_relationships)
from stratsim.engine.staffing import RosterDriver
from stratsim.engine.station import PricedStation, Station
from stratsim.engine.strategy import RuleRow, StrategyRuntime

PairKey = tuple[int, int]
#: Receives the wait-histogram counts of one service tier: (service id, tier id or None, counts).
WaitsSink = Callable[[str, "str | None", np.ndarray], None]


def _priced(model: Model) -> frozenset[int]:
    return model.strategy.priced if model.strategy is not None else frozenset()


def _accounts_for(model: Model) -> dict[PairKey, list[Account]]:
    """One period account per tier of each (segment, station) pair, indexed like the tiers: the
    demand pairs, and the pairs only fallbacks send customers to."""
    priced = _priced(model)
    pairs = [(demand.segment_index, demand.station_index) for demand in model.demands]
    return {
        (segment, index): [
            Account(station.price * tier.price_factor, tier.price_factor, station.index in priced)
            for tier in station.tiers
        ]
        for segment, index in (*pairs, *model.extra_pairs)
        for station in (model.stations[index],)
    }


def _cells_for(model: Model, accounts: dict[PairKey, list[Account]]) -> dict[PairKey, list[Cell]]:
    """One cohort cell per tier of each (segment, station) pair, booking to its account."""
    cells: dict[PairKey, list[Cell]] = {}
    for key, pair_accounts in accounts.items():
        segment, station = key
        spec = model.stations[station]
        kind = cell_class(model, segment, station)
        cells[key] = [
            kind(segment, station, t, pair_accounts[t], tier.sla_wait_h)
            for t, tier in enumerate(spec.tiers)
        ]
    return cells


class Replication:
    """The state of one replication while it runs."""

    def __init__(
        self, model: Model, seed: int, replication: int, sink: Callable[[BinRow], None] | None,
        *, waits_sink: WaitsSink | None = None,
        rule_sink: Callable[[RuleRow], None] | None = None,
        block_sink: Callable[[BinBlock], None] | None = None,
    ) -> None:
        self.model = model
        self.waits_sink = waits_sink
        self.env = Clock()
        priced = _priced(model)
        self.stations = [
            (station_class(model, spec.index, spec.index in priced) if model.dependencies
             else PricedStation if spec.index in priced else Station)(self.env, spec, spec.staff_at(0.0))
            for spec in model.stations
        ]
        accounts = _accounts_for(model)
        self.measured = _cells_for(model, accounts)
        self.counted = [cell for group in self.measured.values() for cell in group]
        self.drain_cells = _cells_for(model, accounts)
        warm = _cells_for(model, accounts) if model.warmup_h > 0 else self.measured
        self.book = CohortBook(warm, WARM if model.warmup_h > 0 else MEASURED)
        self.network = (DependencyNetwork(self.env, model, self.stations, seed, replication, priced,
                                          self.book) if model.dependencies else None)
        if self.network is not None:
            self.counted += self.network.measured_cells()
        self.desks = desk_requests(model, priced)
        for desk in self.desks.values():
            self.counted += desk.measured
        self.months = (MonthlyCosts(self.env, model, self.stations, _accounts_by_station(model, self.counted))
                       if model.dependencies or model.budget_per_month is not None else None)
        dynamic = model.dynamic_demands
        self.sources = [
            (DynamicDemandSource if k in dynamic else DemandSource)(
                self.env, demand, self.stations[demand.station_index],
                warm[demand.segment_index, demand.station_index],
                seed, replication, model.drain_limit_h,
            )
            for k, demand in enumerate(model.demands)
        ]
        self.strategy = (
            StrategyRuntime(self.env, model, self.stations, self.sources,
                            _with_requests(_cells_by_station(warm, self.measured, self.drain_cells),
                                           self.network, self.desks), rule_sink)
            if model.strategy is not None else None
        )
        wire_fallbacks(self.env, model.lifecycle, self.sources, self.stations, self.book, seed, replication)
        relations = start_relationships(
            self.env, model, self.sources, self.stations,
            [cell for group in _cells_by_station(warm, self.measured, self.drain_cells).values() for cell in group],
            self.book, seed, replication, self.desks) if model.relationships else {}
        self.rosters = [
            RosterDriver(self.env, station, station.spec.schedule) if self.strategy is None
            else RosterDriver(self.env, station, station.spec.roster,
                              lambda staff, i=i: self.strategy.on_roster(i, staff))  # type: ignore[union-attr]
            for i, station in enumerate(self.stations)
        ]
        if sink is not None and block_sink is None:
            def block_sink(block: BinBlock) -> None:
                for row in block.rows():
                    sink(row)
        self.recorder = (
            BinRecorder(self.stations, model.time_bin_h, model.horizon_h, block_sink,
                        customer_base(relations, model) if relations else None)
            if block_sink is not None
            else None
        )
        self.window_start: list[StationSums] = []
        self.window_end: list[StationSums] = []

    def run(self) -> KpiRecord:
        model = self.model
        for part in (*self.rosters, *self.sources):
            part.start()
        if self.months is not None:
            self.months.start()
        if self.strategy is not None:
            self.strategy.start()
        if self.recorder is not None:
            self.recorder.start()
        if model.warmup_h > 0:
            schedule(self.env, model.warmup_h, Priority.BOOKKEEPING, self._end_warmup)
        else:
            self._start_window(0.0)
        horizon = schedule(self.env, model.horizon_h, Priority.BOOKKEEPING, self._at_horizon)
        run_until(self.env, horizon)
        self._drain()
        for cell in self.counted:
            cell.unfinished = cell.in_system
        sums = [end.minus(start) for end, start in zip(self.window_end, self.window_start)]
        if self.waits_sink is not None:
            for service, tier, counts in wait_histograms(model, self.counted):
                self.waits_sink(service, tier, counts)
        if self.strategy is None:
            record = replication_kpis(model, self.counted, sums)
        else:
            offered_h, campaign_cost = self.strategy.window_money()
            record = replication_kpis(model, self.counted, sums, offered_h, campaign_cost,
                                      self.strategy.launch_cost)
            record["rules"] = self.strategy.record()
        if self.network is not None or self.months is not None:
            record.update(finance_kpis(model, record, self.network, self.months,
                                       self.window_start, self.window_end, self.strategy))
        return record

    def _start_window(self, now: float) -> None:
        self.window_start = [StationSums.of(s, now) for s in self.stations]
        for station in self.stations:
            station.counting = True

    def _end_warmup(self, _: None) -> None:
        self._start_window(self.env._now)
        self.book.switch(self.measured, MEASURED)
        for source in self.sources:
            source.use_cells(self.measured[source.spec.segment_index, source.spec.station_index])

    def _at_horizon(self, _: None) -> None:
        now = self.env._now
        self.window_end = [StationSums.of(s, now) for s in self.stations]
        for station in self.stations:
            station.counting = False
        if self.recorder is not None:
            self.recorder.finish()
        for cell in self.counted:
            cell.in_system_at_horizon = cell.in_system
        self._continue_demand_uncounted()

    def _continue_demand_uncounted(self) -> None:
        """After the horizon, arrivals go on into cells that are never reported."""
        self.book.switch(self.drain_cells, DRAIN)
        for source in self.sources:
            source.use_cells(self.drain_cells[source.spec.segment_index, source.spec.station_index])

    def _drain(self) -> None:
        """Run until no counted customer is left, for at most the horizon's length again."""
        counted = self.counted
        run_while(self.env, self.model.drain_limit_h, lambda: any(cell.in_system for cell in counted))


def _accounts_by_station(model: Model, cells: list[Cell]) -> list[list[Account]]:
    """The period accounts of each station (every cohort's cells share them), each once."""
    found: list[dict[int, Account]] = [{} for _ in model.stations]
    for cell in cells:
        found[cell.station][id(cell.account)] = cell.account
    return [list(accounts.values()) for accounts in found]


def finance_kpis(model: Model, record: KpiRecord, network: DependencyNetwork | None,
                 months: MonthlyCosts | None, window_start: list[StationSums],
                 window_end: list[StationSums], strategy: StrategyRuntime | None = None) -> KpiRecord:
    """The dependency flows, the showback and the months' cost against budget of a replication."""
    extra: KpiRecord = {}
    if network is not None:
        extra.update(network.record())
        internal = frozenset(spec.id for spec in model.stations if spec.internal)
        requests = {(e.source, e.target): extra["flows"][e.id]["sent"] for e in model.dependencies}
        extra.update(showback_record(record["services"], internal, requests))
    if months is not None:
        spans = ((strategy.offered_between, strategy.launch_cost_between) if strategy is not None
                 else (None, None))
        extra["months"] = budget_months(model.budget_per_month, months.record(window_start, window_end, *spans))
    return extra


def _cells_by_station(*groups: dict[PairKey, list[Cell]]) -> dict[int, list[Cell]]:
    """Every cell of each station, all cohorts (warm-up, measured, drain), each once."""
    found: dict[int, dict[int, Cell]] = {}
    for group in groups:
        for (_, station), cells in group.items():
            for cell in cells:
                found.setdefault(station, {})[id(cell)] = cell
    return {station: list(cells.values()) for station, cells in found.items()}


def _with_requests(cells: dict[int, list[Cell]], network: DependencyNetwork | None,
                   desks: dict[int, DeskRequests]) -> dict[int, list[Cell]]:
    """Add the request cells of every edge and complaints desk, every cohort, to their targets'
    cells: what the rules see of a service (``served``, ``wait_mean``, ``margin``…) includes
    the requests it receives, as its KPIs do."""
    requests = [cell for edge in network.edges for cell in edge.cells] if network is not None else []
    requests += [cell for desk in desks.values() for cell in desk.all_cells]
    for cell in requests:
        cells.setdefault(cell.station, []).append(cell)
    return cells


def run_replication(
    model: Model, seed: int, replication: int, sink: Callable[[BinRow], None] | None = None,
    *, waits_sink: WaitsSink | None = None,
    rule_sink: Callable[[RuleRow], None] | None = None,
    block_sink: Callable[[BinBlock], None] | None = None,
) -> KpiRecord:
    """Simulate replication number ``replication`` of ``model`` and return its KPIs.

    ``sink``, if given, receives one :class:`BinRow` per service and time bin up to the
    horizon, in time order, a block's rows at once (so a row arrives up to
    :data:`~stratsim.engine.recording.BLOCK_BINS` bins after its bin ended); ``block_sink``
    instead receives the same bins a :class:`~stratsim.engine.recording.BinBlock` at a time
    (the fast way for long runs);
    ``waits_sink``, if given, the wait-histogram counts of the
    measured cohort of each service tier, once, at the end; ``rule_sink`` every
    :class:`~stratsim.engine.strategy.RuleRow` of the strategy's log, in time order. A model
    with a strategy adds ``rules`` to the record: per item, its firings and refusals in the
    measured window.
    """
    return Replication(model, seed, replication, sink, waits_sink=waits_sink, rule_sink=rule_sink,
                       block_sink=block_sink).run()
