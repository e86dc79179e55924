"""The service lifecycle: pipeline, catalogue and retired services, launches and fallbacks.

Semantics (``docs/model.md``, "Service lifecycle"):

* a ``catalogue`` service is offered from time 0; a ``pipeline`` one from its ``launch`` (the
  file's time, or a plan action ``launch``, whichever comes first); a ``retired`` one never; a
  ``retire`` time (or a plan action or review) ends the offer, refused and logged while live
  services depend on it. Launches and retirements are dated strategy actions, so they run in
  the strategy's fixed order at their instant (:mod:`stratsim.engine.strategy`);
* while a service is not offered, its staff are off duty (no staff cost), its fixed cost stops,
  and each arriving customer goes to the first service of its ``fallback`` chain that is offered
  at that instant (counted there as ``arrivals`` and ``redirected``), else is ``unavailable``;
* a launch books the service's ``costs.launch`` once, at the launch instant, if it lies in the
  measured window ``[warmup, horizon)``: money is a period account, and the launch is an
  expense of the period in which it happens.

A redirected customer keeps its segment, its cohort and its patience; its work content (and its
tier, where its segment has several at the fallback) is drawn from streams of its own
(``FALLBACK_WORK``, ``FALLBACK_TIER``), keyed by (segment, service, fallback), so the fallback's
own customers see the same draws whether or not anybody is redirected to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from stratsim.economics.satisfaction import SCORE_LOST
from stratsim.engine.cells import FREE_QUOTE, Cell
from stratsim.engine.distributions import compile_distribution, sampler
from stratsim.engine.events import RENEGE, Clock, schedule
from stratsim.engine.model import DemandSpec, LifecycleSpec, RouteSpec, StationSpec
from stratsim.engine.rng import Origin, Role, batched, entity_key, fallback_id, make_stream
from stratsim.engine.station import QuotedCustomer, Station
from stratsim.scenario.models import Scenario, Service
from stratsim.strategy.plan import ActionSpec

PairKey = tuple[int, int]


def uses_lifecycle(scenario: Scenario) -> bool:
    """Whether any service leaves the default lifecycle (catalogue, throughout)."""
    return any(s.status != "catalogue" or s.launch is not None or s.retire is not None
               for s in scenario.services) or any(a.launch for a in scenario.strategy.plan.actions)


def lifecycle_actions(scenario: Scenario, index: dict[str, int]) -> tuple[ActionSpec, ...]:
    """The file's ``launch`` and ``retire`` times as dated actions labelled ``<service>.launch``
    and ``<service>.retire``."""
    actions = []
    for service in scenario.services:
        i = index[service.id]
        if service.launch is not None:
            actions.append(ActionSpec(f"{service.id}.launch", service.launch, "launch", i, 0.0))
        if service.retire is not None:
            actions.append(ActionSpec(f"{service.id}.retire", service.retire, "retire", i, 0.0))
    return tuple(actions)


def changing_stations(scenario: Scenario, index: dict[str, int]) -> frozenset[int]:
    """Stations whose availability is not "offered throughout": not in the catalogue at time 0,
    or with a retirement or launch in the file or the plan."""
    changing = {index[s.id] for s in scenario.services
                if s.status != "catalogue" or s.launch is not None or s.retire is not None}
    changing |= {index[a.launch] for a in scenario.strategy.plan.actions if a.launch}
    return frozenset(changing)


def fallback_chain(scenario: Scenario, service: Service) -> list[Service]:
    """The fallbacks of a service in the order they are tried (the checks refuse loops)."""
    chain: list[Service] = []
    current = service
    while current.fallback is not None and current.fallback not in {s.id for s in chain}:
        current = scenario.services_by_id[current.fallback]
        if current.id == service.id:
            break
        chain.append(current)
    return chain


def compile_lifecycle(
    scenario: Scenario, stations: tuple[StationSpec, ...], demands: tuple[DemandSpec, ...],
    tier_choice: Callable[[int, StationSpec], tuple[tuple[float, int], ...]],
    retirable: frozenset[int],
) -> LifecycleSpec | None:
    """The lifecycle part of the model, or ``None`` when every service is always offered, or
    when no service that can stop being offered has a fallback and none leaves the catalogue.

    ``tier_choice(segment index, station)`` is the segment's tier mix at a station;
    ``retirable`` the stations whose availability can change (lifecycle, retire actions, reviews
    that retire): only their demand is ever redirected.
    """
    services = scenario.services_by_id
    redirecting = any(services[stations[i].id].fallback is not None for i in retirable)
    if not (uses_lifecycle(scenario) or redirecting):
        return None
    index = {station.id: station.index for station in stations}
    fallbacks = []
    for demand in demands:
        segment = scenario.segments[demand.segment_index]
        service = services[stations[demand.station_index].id]
        if demand.station_index not in retirable:
            fallbacks.append(())
            continue
        fallbacks.append(tuple(
            RouteSpec(index[f.id], entity_key(fallback_id(segment.id, service.id, f.id)),
                      tier_choice(demand.segment_index, stations[index[f.id]]),
                      compile_distribution(f.service_time))
            for f in fallback_chain(scenario, service)))
    return LifecycleSpec(
        offered_at_start=tuple(services[s.id].status == "catalogue" for s in stations),
        retired_at_start=tuple(services[s.id].status == "retired" for s in stations),
        launch_cost=tuple(float(services[s.id].costs.launch) for s in stations),
        fallbacks=tuple(fallbacks),
    )


def fallback_pairs(lifecycle: LifecycleSpec | None, demands: tuple[DemandSpec, ...]) -> set[PairKey]:
    """The (segment, station) pairs redirected customers can be counted in."""
    if lifecycle is None:
        return set()
    return {(demand.segment_index, step.station_index)
            for demand, chain in zip(demands, lifecycle.fallbacks) for step in chain}


class CohortBook:
    """Which cohort's cells arrivals are counted in now: warm-up, measured, or drain.

    The replication switches it (:meth:`switch`) at the end of the warm-up and at the horizon,
    so a customer sent to another station (a fallback) lands in the cells of the same cohort as
    the demand sources' own customers, and a complaints-desk request in its desk's request cells
    of that cohort (``cohort``: :data:`~stratsim.engine.cells.WARM`, ``MEASURED`` or ``DRAIN``).
    """

    def __init__(self, current: dict[PairKey, list[Cell]], cohort: int) -> None:
        self.current = current
        self.cohort = cohort

    def switch(self, current: dict[PairKey, list[Cell]], cohort: int) -> None:
        """From now on, arrivals count in ``current`` (the cells of cohort ``cohort``)."""
        self.current = current
        self.cohort = cohort

    def cells(self, segment: int, station: int) -> list[Cell]:
        return self.current[segment, station]


class RoutedCustomer(QuotedCustomer):
    """A customer sent by a :class:`Router`; ``origin`` = (:class:`~stratsim.engine.rng.Origin`,
    the route's entity) keys the random streams it draws at the station (dependency decisions)."""

    __slots__ = ("origin",)


class CellBook(Protocol):
    """Where a :class:`Router` finds the cells of the current cohort at a station."""

    def cells(self, segment: int, station: int) -> list[Cell]: ...


class Router:
    """Sends a segment's customer to one station of a route: tier, work, cell, arrival.

    ``free``: what it sends is a request, not a sale (a complaint to the desk): quoted no price.
    """

    def __init__(self, env: Clock, route: RouteSpec, station: Station, segment: int,
                 book: CellBook, seed: int, replication: int, work_role: Role, tier_role: Role,
                 origin: Origin, *, free: bool = False) -> None:
        self.env = env
        self.route = route
        self.free = free
        self.origin = (origin, route.entity)
        self.station = station
        self.segment = segment
        self.book = book
        self._work = batched(sampler(route.service_time, make_stream(seed, replication, work_role,
                                                                     route.entity))).__next__
        self._tier_uniform = (batched(make_stream(seed, replication, tier_role, route.entity).random).__next__
                              if len(route.tier_choice) > 1 else None)

    def _tier(self) -> int:
        choice = self.route.tier_choice
        if self._tier_uniform is None:
            return choice[0][1]
        u = self._tier_uniform()
        return next((tier for cumulative, tier in choice if u < cumulative), choice[-1][1])

    def send(self, now: float, balk_at: int, patience: float | None, complaint_u: float | None = None) -> Cell:
        """One customer arrives at the route's station now; returns the cell it is counted in.
        ``complaint_u``: the uniform the customer drew at its first arrival, kept (a segment that
        may complain)."""
        tier = self._tier()
        station = self.station
        cell = self.book.cells(self.segment, self.route.station_index)[tier]
        customer = RoutedCustomer(now, self._work(), station.spec.tiers[tier].level, cell)
        customer.quote = FREE_QUOTE if self.free else (station.price, 1.0)
        customer.origin = self.origin
        if complaint_u is not None:
            customer.complaint_u = complaint_u
        if station.arrive(customer, now, balk_at) and patience is not None:
            schedule(self.env, now + patience, RENEGE, station.renege, customer)
        return cell

    def turn_away(self, now: float) -> Cell:
        """One customer finds the route's station not offered: counted there as ``unavailable``
        (score 1). Its tier and work are drawn all the same, so the route's later customers get
        the draws they get when the station is offered."""
        tier = self._tier()
        self._work()
        station = self.station
        station.advance(now)   # the arrival falls in the time series' current bin
        station.arrivals_total += 1
        cell = self.book.cells(self.segment, self.route.station_index)[tier]
        cell.arrivals += 1
        cell.unavailable += 1
        cell.satisfaction_sum += SCORE_LOST
        return cell


class Redirect:
    """The fallback chain of one demand pair: the first offered station takes the customer."""

    def __init__(self, routers: list[Router]) -> None:
        self.routers = routers

    def send(self, now: float, balk_at: int, patience: float | None, complaint_u: float | None) -> bool:
        """Redirect a customer whose service is not offered; ``False`` if no fallback is offered."""
        for router in self.routers:
            if router.station.offered:
                router.send(now, balk_at, patience, complaint_u).redirected += 1
                return True
        return False


def wire_fallbacks(env: Clock, lifecycle: LifecycleSpec | None, sources: list,
                   stations: list[Station], book: CohortBook, seed: int, replication: int) -> None:
    """Give each dynamic demand source with a fallback chain its :class:`Redirect`."""
    if lifecycle is None:
        return
    for k, chain in enumerate(lifecycle.fallbacks):
        source = sources[k]
        if not chain or not hasattr(source, "redirect"):
            continue
        segment = source.spec.segment_index
        source.redirect = Redirect([
            Router(env, route, stations[route.station_index], segment, book, seed, replication,
                   Role.FALLBACK_WORK, Role.FALLBACK_TIER, Origin.FALLBACK)
            for route in chain])
