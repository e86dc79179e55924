"""Business relationship management: complaints, a complaints desk, and churn of the customer base.

Semantics (``docs/model.md``, "Relationship"):

* every customer of a segment with a relationship (``customers`` or ``complaints`` in the file)
  gets a satisfaction score when its outcome is known — at the start of service, or when it is
  blocked, balks, reneges or finds the service unavailable — and complains then with probability
  :func:`~stratsim.economics.relationship.complaint_probability` of that score; a customer held
  by blocking requests (:mod:`stratsim.engine.dependencies`) at its completion, on its final score;
* a complaint sends one request to the segment's complaints ``desk`` when it has one (an
  arrival at the desk, at the same instant, after the events already due then, in the
  segment's tier mix there, with no price, no patience and no balking). Like a dependency
  request (:mod:`stratsim.engine.dependencies`) it belongs to the cohort of its arrival at the
  desk, and its cells (:class:`DeskRequests`, segment ``REQUEST_SEGMENT``) count in the desk's
  service and tier KPIs only, never in a segment's nor the portfolio's customer KPIs: the
  complaining customer is counted once, where it complained. Desk requests are plain cells, so
  they are not themselves complained about;
* with a customer base, a complaint costs the segment one customer with probability ``churn``;
  the segment's arrival rate, at every service, is then its rate × remaining / initial base from
  that instant on (an exact re-timing of the pending arrivals, as for a price change).

Hook: the customer cells of such a segment are :class:`RelationCell`\\ s, whose ``satisfaction_sum`` is a
property: every score the stations add to it is also handed to the segment's
:class:`Relationship`, with the customer scored (``Cell.scoring``, which the stations set just
before adding a score: one attribute store, the only cost to a cell of any other segment, a plain
:class:`~stratsim.engine.cells.Cell`).

Random numbers: a ``COMPLAINT`` uniform per arriving customer of a segment that may complain,
drawn at its arrival from its demand pair's stream like its other attributes, and kept when it
is sent to a fallback service; its complaint is decided on that uniform whenever and wherever it
is scored. So the k-th customer of a pair complains or not on the same uniform in every
scenario, and only a customer whose own score changes can change its decision (common random
numbers). One ``CHURN`` stream per segment (a uniform per complaint, when it has a base), and
``DESK_WORK`` / ``DESK_TIER`` per segment for the desk requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from stratsim.economics.relationship import complaint_probability
from stratsim.economics.satisfaction import BEST, SCORE_LOST
from stratsim.engine.cells import DRAIN, MEASURED, REQUEST_SEGMENT, WARM, Account, Cell
from stratsim.engine.events import ARRIVAL, Clock, schedule
from stratsim.engine.lifecycle import CohortBook, Router
from stratsim.engine.model import Model, RelationshipSpec, RouteSpec, StationSpec
from stratsim.engine.rng import Origin, Role, batched, entity_key, make_stream
from stratsim.engine.station import UNLIMITED, Station
from stratsim.scenario.models import Complaints, Scenario

_SUM = Cell.satisfaction_sum  # the slot under the property of RelationCell
SNAP = 1e-6
"""Scores this close to 5 or 1 are those ends: a sum of scores rounds each score it adds by at
most an ulp of the sum (about 1e-9 at a million customers)."""


class RelationCell(Cell):
    """A cell of a segment with a relationship: each score added is an outcome to complain about."""

    __slots__ = ("relation",)

    def __init__(self, segment: int, station: int, tier: int, account: Account,
                 sla_wait_h: float | None) -> None:
        self.relation: Relationship | None = None
        super().__init__(segment, station, tier, account, sla_wait_h)

    @property
    def satisfaction_sum(self) -> float:  # type: ignore[override]
        return _SUM.__get__(self, Cell)

    @satisfaction_sum.setter
    def satisfaction_sum(self, value: float) -> None:
        relation = self.relation
        if relation is not None:
            relation.scored(self, _snap(value - _SUM.__get__(self, Cell)))
        _SUM.__set__(self, value)

    def rescore(self, before: float, after: float) -> None:
        """A held customer's final score: ``after`` replaces ``before`` in the sum (a correction,
        not a new customer), and the customer's complaint is decided on it now. Its start of
        service was not heard (:meth:`DependentStation._start` mutes it): its outcome is known
        only at its completion, and it must complain once, on the score it ends with."""
        _SUM.__set__(self, _SUM.__get__(self, Cell) + (after - before))
        relation = self.relation
        if relation is not None:
            relation.scored(self, after)


def _snap(score: float) -> float:
    """A score recovered from a running sum, with the sum's rounding removed at the ends of the
    scale (a fully satisfied customer must never complain)."""
    if score > BEST - SNAP:
        return BEST
    if score < SCORE_LOST + SNAP:
        return SCORE_LOST
    return score


def compile_relationships(
    scenario: Scenario, stations: tuple[StationSpec, ...],
    tier_choice: Callable[[int, StationSpec], tuple[tuple[float, int], ...]],
) -> tuple[RelationshipSpec, ...]:
    """The relationship of every segment that declares ``customers`` or ``complaints``."""
    index = {station.id: station for station in stations}
    specs = []
    for i, segment in enumerate(scenario.segments):
        if segment.customers is None and segment.complaints is None:
            continue
        complaints = segment.complaints or Complaints()
        desk = None
        if complaints.desk is not None:
            station = index[complaints.desk]
            desk = RouteSpec(station.index, entity_key(segment.id), tier_choice(i, station),
                             station.service_time)
        specs.append(RelationshipSpec(i, entity_key(segment.id), complaints.probability,
                                      complaints.churn, segment.customers, desk))
    return tuple(specs)


def cell_class(model: Model, segment: int, station: int) -> type[Cell]:
    """:class:`RelationCell` for the customer cells of a segment that may complain, else
    :class:`Cell` (a segment's complaints-desk requests are not customer cells at all)."""
    for relation in model.relationships:
        if relation.segment_index == segment:
            return RelationCell if relation.complaint_probability > 0 else Cell
    return Cell


class DeskRequests:
    """The cells of one segment's complaints-desk requests: one per cohort and desk tier.

    Their segment is ``REQUEST_SEGMENT``, so the requests count in the desk's service and tier
    KPIs (arrivals, waits, served, utilisation, cost) and not as the segment's customers. One
    account per tier, shared by the cohorts, books the window's completions (per-request cost,
    allocation) at no price: a complaint is not a sale. :meth:`cells` is the Router's view: the
    cells of the cohort the replication's :class:`CohortBook` is in (bound by :meth:`follow`).
    """

    def __init__(self, desk: StationSpec, priced: bool) -> None:
        accounts = [Account(0.0, tier.price_factor, priced) for tier in desk.tiers]
        self.cohorts = tuple(
            [Cell(REQUEST_SEGMENT, desk.index, t, accounts[t], tier.sla_wait_h) for t, tier in enumerate(desk.tiers)]
            for _ in (WARM, MEASURED, DRAIN))
        self.book: CohortBook | None = None

    def follow(self, book: CohortBook) -> DeskRequests:
        """Take the cohort from ``book`` from now on."""
        self.book = book
        return self

    def cells(self, segment: int, station: int) -> list[Cell]:
        return self.cohorts[self.book.cohort]  # type: ignore[union-attr]

    @property
    def measured(self) -> list[Cell]:
        """The cells of the measured cohort (reported at the desk, drained)."""
        return self.cohorts[MEASURED]

    @property
    def all_cells(self) -> list[Cell]:
        """Every cohort's cells (what rules see of the desk)."""
        return [cell for cohort in self.cohorts for cell in cohort]


def desk_requests(model: Model, priced: frozenset[int]) -> dict[int, DeskRequests]:
    """The desk request cells of each segment with a complaints desk, by segment index."""
    return {r.segment_index: DeskRequests(model.stations[r.desk.station_index], r.desk.station_index in priced)
            for r in model.relationships if r.desk is not None}


class Relationship:
    """The complaints and customer base of one segment during one replication."""

    def __init__(self, env: Clock, spec: RelationshipSpec, model: Model, sources: list,
                 stations: list[Station], book: CohortBook, seed: int, replication: int,
                 desk_cells: DeskRequests | None) -> None:
        self.env = env
        self.spec = spec
        self.remaining = spec.customers
        self.sources = [s for s in sources if s.spec.segment_index == spec.segment_index
                        and hasattr(s, "set_base_share")]
        if spec.complaint_probability > 0:
            for source in sources:
                if source.spec.segment_index == spec.segment_index:
                    source.draw_complaint_uniforms(batched(make_stream(
                        seed, replication, Role.COMPLAINT, source.spec.entity).random).__next__)
        self._churn = batched(make_stream(seed, replication, Role.CHURN, spec.entity).random).__next__
        self.desk: Router | None = None
        if spec.desk is not None:
            assert desk_cells is not None, "a desk's requests are counted in the cells desk_requests made"
            self.desk = Router(env, spec.desk, stations[spec.desk.station_index], REQUEST_SEGMENT,
                               desk_cells.follow(book), seed, replication, Role.DESK_WORK, Role.DESK_TIER,
                               Origin.DESK, free=True)

    def scored(self, cell: Cell, score: float) -> None:
        """The customer ``cell`` is scoring (``cell.scoring``) got ``score``: it may complain,
        be heard, and churn. ``cell.scoring`` is cleared once read: a score added without its
        customer named fails at once instead of deciding on another customer's uniform."""
        customer, cell.scoring = cell.scoring, None
        if customer.complaint_u >= complaint_probability(score, self.spec.complaint_probability):  # type: ignore[union-attr]
            return
        cell.complaints += 1
        if self.desk is not None:
            schedule(self.env, self.env._now, ARRIVAL, self._to_desk)
        if self.remaining is not None and self.spec.churn > 0.0 and self._churn() < self.spec.churn:
            if self.remaining > 0:
                self.remaining -= 1
                cell.churned += 1
                share = self.remaining / self.spec.customers  # type: ignore[operator]
                for source in self.sources:
                    source.set_base_share(share, self.env._now)

    def _to_desk(self, _: None) -> None:
        """A complaint reaches the desk; one that is not offered (before its launch, after its
        retirement) turns it away as ``unavailable`` (it would wait for staff that never come)."""
        desk = self.desk
        if desk.station.offered:  # type: ignore[union-attr]
            desk.send(self.env._now, UNLIMITED, None)  # type: ignore[union-attr]
        else:
            desk.turn_away(self.env._now)  # type: ignore[union-attr]


def start_relationships(env: Clock, model: Model, sources: list, stations: list[Station],
                        cells: Iterable[Cell], book: CohortBook, seed: int, replication: int,
                        desks: dict[int, DeskRequests]) -> dict[int, Relationship]:
    """One :class:`Relationship` per segment that has one, bound to its customer cells; its
    complaints go to ``desks[segment]`` (:func:`desk_requests`: the replication counts them)."""
    relations = {spec.segment_index: Relationship(env, spec, model, sources, stations, book, seed, replication,
                                                  desks.get(spec.segment_index))
                 for spec in model.relationships}
    for cell in cells:
        if isinstance(cell, RelationCell):
            cell.relation = relations[cell.segment]
    return relations


def customer_base(relations: dict[int, Relationship], model: Model) -> Callable[[int], float | None]:
    """For the time series: the remaining customers of the segments with a base that send demand
    to a station (``None`` where none does)."""
    by_station: dict[int, list[Relationship]] = {}
    for demand in model.demands:
        relation = relations.get(demand.segment_index)
        if relation is not None and relation.remaining is not None:
            by_station.setdefault(demand.station_index, []).append(relation)

    def base(station: int) -> float | None:
        found = by_station.get(station)
        return None if not found else float(sum(r.remaining for r in found))  # type: ignore[misc]
    return base
