"""Service dependencies at run time: requests one service sends to another (``depends_on``).

Semantics (``docs/model.md``, "Dependencies"):

* **the decision** — every arrival reaching a service A that depends on others (a customer, or a
  request from further up the graph) draws one uniform per outgoing edge, in canonical order
  (target id), from the ``DEPENDENCY`` stream of the edge *and the arrival's origin* (the
  demand pair, the fallback route or complaints desk that sent it, or the upstream edge of a
  request: :class:`~stratsim.engine.rng.Origin`); it will send a request on the edge if the
  uniform is below the edge's ``share``. The draw happens at arrival whatever then happens to
  the arrival, and each origin has its own stream, so the k-th customer of a pair decides alike
  in every scenario, whatever else reaches A (common random numbers);
* **the request** — sent when A's service of the arrival ends (only arrivals that A serves
  send). It reaches B at that instant (with the priority of an arrival), in B's
  lowest-priority tier, with a work content drawn from the edge's own ``WORK`` stream. It has
  no price (no revenue at B; B's per-request cost applies), no patience (never reneges) and
  never balks; if B's waiting room is full it is blocked (counted at B) and is finished at once;
* **async** edges only load B. **Blocking** edges: A's server is released when A's service
  ends, but the arrival's completion (``served``, the period booking of its revenue and
  per-request cost, its satisfaction) waits until every blocking request it sent has finished
  (served, or blocked at B). Requests chain: a request served by B sends its own requests on
  B's edges, and with a blocking edge its own completion waits for them;
* **measurement** — a request belongs to the arrival cohort of *its arrival at B*: its cells
  (one per edge and cohort, segment ``REQUEST_SEGMENT``) count in B's service and tier KPIs and
  in no segment's nor the portfolio's customer KPIs; the drain waits for the requests of the
  measured cohort like for customers.

Nothing here runs for a model without dependencies: the replication then builds plain
stations, and the customers never carry ``sends``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from stratsim.economics.satisfaction import BEST, SCORE_LOST, score_served
from stratsim.engine.cells import FREE_QUOTE, MEASURED, REQUEST_SEGMENT, Account, Cell
from stratsim.engine.distributions import sampler
from stratsim.engine.events import ARRIVAL, Clock, schedule
from stratsim.engine.model import DependencySpec, Model, StationSpec
from stratsim.engine.rng import Origin, Role, batched, make_origin_stream, make_stream
from stratsim.engine.station import UNLIMITED, WAITING, Customer, PricedStation, QuotedCustomer, Station

if TYPE_CHECKING:
    from stratsim.engine.lifecycle import CohortBook

MINUTES_PER_HOUR = 60.0


class Request(QuotedCustomer):
    """A request sent on a dependency edge; ``parent`` waits for it when the edge is blocking;
    ``origin`` keys the decisions it draws at its target (:meth:`DependentStation.arrive`)."""

    __slots__ = ("edge", "parent", "origin")


class Edge:
    """The run-time state of one edge: its streams, its cells per cohort and its counters."""

    def __init__(self, spec: DependencySpec, model: Model, seed: int, replication: int,
                 priced: bool) -> None:
        self.spec = spec
        self.share = spec.share
        self.blocking = spec.blocking
        self.seed = seed
        self.replication = replication
        self.origin = (Origin.REQUEST, spec.entity)
        """The origin of the requests sent on this edge, at their target."""
        target = model.stations[spec.target_index]
        self.work: Callable[[], float] = batched(
            sampler(target.service_time, make_stream(seed, replication, Role.WORK, spec.entity))).__next__
        tier = max(range(len(target.tiers)), key=lambda t: (target.tiers[t].priority, target.tiers[t].id))
        self.level = target.tiers[tier].level
        account = Account(0.0, target.tiers[tier].price_factor, priced)
        sla = target.tiers[tier].sla_wait_h
        self.cells = [Cell(REQUEST_SEGMENT, target.index, tier, account, sla) for _ in range(3)]
        self.added_sum_h = 0.0
        self.added_n = 0

    def decisions(self, origin: tuple[Origin, int]) -> Callable[[], float]:
        """The uniforms deciding whether the arrivals of one origin at the source send a request
        on this edge (stream ``DEPENDENCY``, keyed by the edge and the origin)."""
        kind, entity = origin
        return batched(make_origin_stream(self.seed, self.replication, Role.DEPENDENCY,
                                          self.spec.entity, kind, entity).random).__next__


class DependentStation(Station):
    """A station that sends requests (and/or receives blocking ones): draws each arrival's
    requests at arrival, sends them when its service ends, and holds the completion of an
    arrival until its blocking requests have finished."""

    network: DependencyNetwork
    out_edges: tuple[Edge, ...] = ()
    sends_blocking = False
    """Whether any of ``out_edges`` is blocking (then some arrivals' completions are held)."""

    def __init__(self, env: Clock, spec: StationSpec, staff: int) -> None:
        super().__init__(env, spec, staff)
        self.ends_in_window = 0
        self.sojourn_sum_h = 0.0
        self.sojourn_n = 0
        self.deciders: dict[tuple[Origin, int], tuple[tuple[Edge, Callable[[], float]], ...]] = {}
        self.pair_entities: dict[int, int] = {}
        """Stream key of each segment's own demand for this service (segment index → entity)."""

    def arrive(self, customer: Customer, now: float, balk_at: int) -> bool:
        if self.out_edges:
            origin = getattr(customer, "origin", None)
            if origin is None:  # a customer of a segment's own demand for this service
                origin = (Origin.DEMAND, self.pair_entities[customer.cell.segment])
            deciders = self.deciders.get(origin) or self._deciders(origin)
            customer.sends = tuple([edge for edge, uniform in deciders if uniform() < edge.share])
        else:
            customer.sends = ()
        return Station.arrive(self, customer, now, balk_at)

    def _deciders(self, origin: tuple[Origin, int]) -> tuple[tuple[Edge, Callable[[], float]], ...]:
        """Each out-edge with the decision stream of ``origin``, made at the origin's first arrival
        (each stream is keyed, so when it is made changes no number)."""
        deciders = tuple((edge, edge.decisions(origin)) for edge in self.out_edges)
        self.deciders[origin] = deciders
        return deciders

    def _depart(self, customer: Customer) -> None:
        now = self.env._now
        if self.counting:
            self.ends_in_window += 1
        held = 0
        for edge in customer.sends:
            self.network.send(edge, customer if edge.blocking else None, now)
            held += edge.blocking
        if held:
            self.network.hold(customer, held, self)
            self._release(now)
        else:
            super()._depart(customer)
            self.network.finished(customer, self, now)

    def _start(self, customer: Customer, now: float) -> None:
        """Start service; a customer that will be held by blocking requests is scored now for the
        KPIs but its relationship does not hear the score: it hears the final one at the
        customer's completion (:meth:`complete_held`), so the customer complains at most once."""
        if self.sends_blocking and any(edge.blocking for edge in customer.sends):
            cell = customer.cell
            relation = getattr(cell, "relation", None)
            if relation is not None:
                cell.relation = None  # type: ignore[attr-defined]
                Station._start(self, customer, now)
                cell.relation = relation  # type: ignore[attr-defined]
                cell.scoring = None   # not heard: ``complete_held`` names the customer again
                return
        Station._start(self, customer, now)

    def _release(self, now: float) -> None:
        """The server part of a departure (as :meth:`Station._depart`), without the completion."""
        self.advance(now)
        self.busy -= 1
        if self.busy >= self.staff:
            self._restaff(now)
        if self.waiting:
            self._start_waiting(now)

    def withdraw(self) -> None:
        """Retired: waiting requests leave unserved like customers, and their blocking senders
        stop waiting for them."""
        waiting = [c for queue in self.queues for c in queue
                   if c.state == WAITING and isinstance(c, Request)]
        super().withdraw()
        now = self.env._now
        for request in waiting:
            self.network.request_done(request, now)

    def complete_held(self, customer: Customer, now: float, service_end_h: float) -> None:
        """The last blocking request of a held arrival has finished: complete the arrival.

        Its satisfaction is re-scored with the time it waited for its requests added to its
        wait (the score at the start of service counted only the wait in queue); a customer of a
        segment with a relationship complains (or not) on that final score, now.
        """
        self.advance(now)  # a churn now must not show in a time-series bin that ended before
        cell = customer.cell
        cell.served += 1
        cell.in_system -= 1
        if isinstance(self, PricedStation):
            quote = customer.quote  # type: ignore[attr-defined]
            account = cell.account
            gross = quote[0] * account.tier_factor
            self.gross_total += gross
            self.discount_total += gross * (1.0 - quote[1])
            if self.counting:
                account.quotes[quote] = account.quotes.get(quote, 0) + 1  # type: ignore[index]
        if self.counting:
            cell.account.completed += 1
            cell.account.completed_work_h += customer.work_h
        tolerance = cell.tolerance_h
        queued = service_end_h - customer.arrival_h - customer.work_h
        experienced = now - customer.arrival_h - customer.work_h
        cell.scoring = customer
        cell.rescore(_score(queued, tolerance), _score(experienced, tolerance))
        self.network.finished(customer, self, now)


class DependentPricedStation(DependentStation, PricedStation):
    """A dependent station whose price can change (completions booked at the quoted price)."""


def _score(wait_h: float, tolerance_h: float) -> float:
    return BEST if wait_h <= tolerance_h else score_served(wait_h, tolerance_h)


def station_class(model: Model, index: int, priced: bool) -> type[Station]:
    """The station class of service ``index``: a dependent one if it takes part in an edge."""
    involved = any(index in (e.source_index, e.target_index) for e in model.dependencies)
    if not involved:
        return PricedStation if priced else Station
    return DependentPricedStation if priced else DependentStation


class DependencyNetwork:
    """Sends requests along the edges, holds blocking arrivals, counts flows per edge.

    Its request cells switch cohort at the end of the warm-up and at the horizon on their own
    bookkeeping events (before any arrival at that instant), like the demand sources' cells.
    """

    def __init__(self, env: Clock, model: Model, stations: Sequence[Station], seed: int,
                 replication: int, priced: frozenset[int], book: CohortBook) -> None:
        self.env = env
        self.model = model
        self.stations = stations
        self.edges = [Edge(spec, model, seed, replication, spec.target_index in priced)
                      for spec in model.dependencies]
        self.book = book   # the replication switches its cohort at the warm-up's end and the horizon
        self.held: dict[Customer, list[Any]] = {}
        for station in stations:
            if isinstance(station, DependentStation):
                station.network = self
                station.out_edges = tuple(
                    edge for edge in self.edges if edge.spec.source_index == station.spec.index)
                station.sends_blocking = any(edge.blocking for edge in station.out_edges)
                station.pair_entities = {d.segment_index: d.entity for d in model.demands
                                         if d.station_index == station.spec.index}

    def measured_cells(self) -> list[Cell]:
        """The request cells of the measured cohort (reported at the targets, drained)."""
        return [edge.cells[MEASURED] for edge in self.edges]

    # -- requests ---------------------------------------------------------------------
    def send(self, edge: Edge, parent: Customer | None, now: float) -> None:
        schedule(self.env, now, ARRIVAL, self._arrive, (edge, parent))

    def _arrive(self, sent: tuple[Edge, Customer | None]) -> None:
        edge, parent = sent
        now = self.env._now
        request = Request(now, edge.work(), edge.level, edge.cells[self.book.cohort])
        request.quote = FREE_QUOTE
        request.edge = edge
        request.parent = parent
        request.origin = edge.origin
        station = self.stations[edge.spec.target_index]
        if not station.offered:
            cell = request.cell
            cell.arrivals += 1
            cell.unavailable += 1
            cell.satisfaction_sum += SCORE_LOST
            station.arrivals_total += 1
            request.sends = ()
            self.request_done(request, now)
        elif not station.arrive(request, now, UNLIMITED) and request.state == WAITING:
            self.request_done(request, now)  # blocked: the waiting room was full

    def hold(self, customer: Customer, requests: int, station: DependentStation) -> None:
        """``customer``'s completion waits for ``requests`` blocking requests."""
        self.held[customer] = [requests, station, self.env._now]

    def finished(self, customer: Customer, station: Station, now: float) -> None:
        """``customer`` (or request) has completed at ``station``."""
        if isinstance(customer, Request):
            self.request_done(customer, now)
        elif self.model.warmup_h <= customer.arrival_h < self.model.horizon_h:
            station.sojourn_sum_h += now - customer.arrival_h  # type: ignore[attr-defined]
            station.sojourn_n += 1  # type: ignore[attr-defined]

    def request_done(self, request: Request, now: float) -> None:
        edge = request.edge
        if request.cell is edge.cells[MEASURED]:
            edge.added_sum_h += now - request.arrival_h
            edge.added_n += 1
        parent = request.parent
        if parent is None:
            return
        entry = self.held[parent]
        entry[0] -= 1
        if entry[0] == 0:
            del self.held[parent]
            entry[1].complete_held(parent, now, entry[2])

    # -- results ----------------------------------------------------------------------
    def record(self) -> dict[str, Any]:
        """``flows`` per edge and, for services with blocking edges, their customers' sojourn."""
        flows: dict[str, Any] = {}
        for edge in self.edges:
            sent = edge.cells[MEASURED].arrivals
            source = self.stations[edge.spec.source_index]
            ends = source.ends_in_window  # type: ignore[attr-defined]
            flow: dict[str, Any] = {"sent": sent, "share": sent / ends if ends else None}
            if edge.blocking:
                flow["added_sojourn_mean_min"] = (
                    edge.added_sum_h / edge.added_n * MINUTES_PER_HOUR if edge.added_n else None)
            flows[edge.spec.id] = flow
        sojourn: dict[str, Any] = {}
        for station in self.stations:
            if any(e.blocking for e in getattr(station, "out_edges", ())):
                n = station.sojourn_n  # type: ignore[attr-defined]
                total = station.sojourn_sum_h  # type: ignore[attr-defined]
                sojourn[station.spec.id] = {
                    "sojourn_mean_min": total / n * MINUTES_PER_HOUR if n else None}
        record: dict[str, Any] = {"flows": flows}
        if sojourn:
            record["sojourn"] = sojourn
        return record

