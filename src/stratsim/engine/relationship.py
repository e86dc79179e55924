"""Business relationship management: complaints, a complaints desk, and churn of the customer base.

Semantics (``docs/model.md``, "Relationship"):

* every customer of a segment with a relationship (``customers`` or ``complaints`` in the file)
  gets a satisfaction score when its outcome is known — at the start of service, or when it is
  blocked, balks, reneges or finds the service unavailable — and complains then with probability
  :func:`~stratsim.economics.relationship.complaint_probability` of that score;
* a complaint sends one request to the segment's complaints ``desk`` when it has one (an
  arrival of the segment at the desk, at the same instant, after the events already due then);
  desk requests themselves are not complained about;
* with a customer base, a complaint costs the segment one customer with probability ``churn``;
  the segment's arrival rate, at every service, is then its rate × remaining / initial base from
  that instant on (an exact re-timing of the pending arrivals, as for a price change).

Hook: the cells of such a segment are :class:`RelationCell`\\ s, whose ``satisfaction_sum`` is a
property: every score the stations add to it is also handed to the segment's
:class:`Relationship`. Stations are untouched, and every other cell is a plain
:class:`~stratsim.engine.cells.Cell` with no cost at all.

Random numbers: one ``COMPLAINT`` stream per (segment, service) pair (a uniform per scored
customer whose complaint probability is above 0), one ``CHURN`` stream per segment (a uniform
per complaint, when it has a base), and ``DESK_WORK`` / ``DESK_TIER`` per segment for the desk
requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from simpy.core import Environment
from simpy.events import Event

from stratsim.economics.relationship import complaint_probability
from stratsim.economics.satisfaction import BEST, SCORE_LOST
from stratsim.engine.cells import Account, Cell
from stratsim.engine.events import Callback, Priority
from stratsim.engine.lifecycle import CohortBook, Router
from stratsim.engine.model import Model, RelationshipSpec, RouteSpec, StationSpec
from stratsim.engine.rng import Role, batched, entity_key, make_stream, pair_id
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


    def rescore(self, delta: float) -> None:
        """A re-score corrects an outcome already heard, so it is not heard again: a complaint is
        decided once, when the outcome is known (a held customer's at the start of its service)."""
        _SUM.__set__(self, _SUM.__get__(self, Cell) + delta)


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


def desk_pairs(model_relationships: Iterable[RelationshipSpec]) -> set[tuple[int, int]]:
    """The (segment, desk station) pairs complaints are counted in."""
    return {(r.segment_index, r.desk.station_index) for r in model_relationships if r.desk is not None}


def cell_class(model: Model, segment: int, station: int) -> type[Cell]:
    """:class:`RelationCell` for the cells whose customers may complain, else :class:`Cell`."""
    for relation in model.relationships:
        if relation.segment_index == segment:
            desk = relation.desk.station_index if relation.desk is not None else None
            return RelationCell if station != desk and relation.complaint_probability > 0 else Cell
    return Cell


class Relationship:
    """The complaints and customer base of one segment during one replication."""

    def __init__(self, env: Environment, spec: RelationshipSpec, model: Model, sources: list,
                 stations: list[Station], book: CohortBook, seed: int, replication: int) -> None:
        self.env = env
        self.spec = spec
        self.remaining = spec.customers
        self.sources = [s for s in sources if s.spec.segment_index == spec.segment_index
                        and hasattr(s, "set_base_share")]
        segment_id = model.segments[spec.segment_index].id
        self._complaint = {
            station.index: batched(make_stream(seed, replication, Role.COMPLAINT,
                                               entity_key(pair_id(segment_id, station.id))).random).__next__
            for station in model.stations}
        self._churn = batched(make_stream(seed, replication, Role.CHURN, spec.entity).random).__next__
        self.desk = (Router(env, spec.desk, stations[spec.desk.station_index], spec.segment_index, book,
                            seed, replication, Role.DESK_WORK, Role.DESK_TIER)
                     if spec.desk is not None else None)

    def scored(self, cell: Cell, score: float) -> None:
        """A customer of ``cell`` got ``score``: it may complain, be heard, and churn."""
        p = complaint_probability(score, self.spec.complaint_probability)
        if p <= 0.0 or self._complaint[cell.station]() >= p:
            return
        cell.complaints += 1
        if self.desk is not None:
            Callback(self.env, self.env._now, Priority.ARRIVAL, self._to_desk)
        if self.remaining is not None and self.spec.churn > 0.0 and self._churn() < self.spec.churn:
            if self.remaining > 0:
                self.remaining -= 1
                cell.churned += 1
                share = self.remaining / self.spec.customers  # type: ignore[operator]
                for source in self.sources:
                    source.set_base_share(share, self.env._now)

    def _to_desk(self, event: Event) -> None:
        self.desk.send(self.env._now, UNLIMITED, None)  # type: ignore[union-attr]


def start_relationships(env: Environment, model: Model, sources: list, stations: list[Station],
                        cells: Iterable[Cell], book: CohortBook, seed: int,
                        replication: int) -> dict[int, Relationship]:
    """One :class:`Relationship` per segment that has one, bound to its cells."""
    relations = {spec.segment_index: Relationship(env, spec, model, sources, stations, book, seed, replication)
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
