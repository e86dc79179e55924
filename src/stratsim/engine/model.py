"""The compiled model: what one replication needs, in plain, picklable data.

A validated :class:`~stratsim.scenario.Scenario` is compiled once (``engine.compile``) into
these frozen dataclasses: durations in hours, profiles multiplied into one rate per hour of
the week, roster windows turned into staff change points, tiers resolved to queue levels.
The engine reads nothing else, so it never depends on how the scenario was written, and the
model can be shipped to worker processes as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratsim.engine.distributions import DurationDistribution
from stratsim.strategy.rosters import StaffSchedule

if TYPE_CHECKING:
    from stratsim.strategy.plan import StrategySpec


@dataclass(frozen=True)
class TierSpec:
    """A service tier: its queue ``level`` (0 is served first), price factor and SLA wait."""

    id: str
    priority: int
    level: int
    price_factor: float
    sla_wait_h: float | None


@dataclass(frozen=True)
class StationSpec:
    """A service as the engine sees it: servers, waiting room, work, tiers, money."""

    id: str
    index: int
    base_staff: int
    schedule: StaffSchedule
    queue_capacity: int | None
    service_time: DurationDistribution
    tiers: tuple[TierSpec, ...]
    has_declared_tiers: bool
    price: float
    staff_hour_cost: float
    per_request_cost: float
    fixed_cost_per_day: float
    roster: StaffSchedule = StaffSchedule(())
    """The roster with :data:`~stratsim.strategy.rosters.BASE_STAFF` where the base staff is on
    duty, so a dated ``set_staff`` (which changes the base) can be applied at run time."""
    overtime_factor: float = 1.5
    reference_price: float = 0.0
    """The price at which segments' ``rate`` holds: the market price, else the file's price."""
    dependents: tuple[str, ...] = ()
    """Ids of the services that depend on this one (a retirement is refused while they live)."""
    internal: bool = False
    """A supporting service (no revenue): showback allocates its cost to the services using it."""

    @property
    def levels(self) -> int:
        """Number of distinct priority levels (queues) at this station."""
        return 1 + max(tier.level for tier in self.tiers)

    def staff_at(self, hour_of_week: float) -> int:
        return self.schedule.staff_at(hour_of_week, self.base_staff)


@dataclass(frozen=True)
class DemandSpec:
    """The demand of one segment for one service: a non-homogeneous Poisson process.

    ``rate_by_hour`` holds the arrival rate (per hour) for each of the 168 hours of the
    week, at time 0; the rate at time t is that times ``exp(growth_per_hour * t)``.
    ``tier_choice`` lists ``(cumulative share, tier index)`` pairs; a single entry means no
    draw is needed.
    """

    segment_index: int
    station_index: int
    entity: int
    rate_by_hour: tuple[float, ...]
    growth_per_hour: float
    tier_choice: tuple[tuple[float, int], ...]
    patience: DurationDistribution | None
    balk_at: int | None
    elasticity: float = 0.0
    flexibility: float = 0.0
    static_response: float = 1.0
    """The price response ``(price / reference) ^ elasticity`` at the file's price, already in
    ``rate_by_hour``; a price changed at run time multiplies the rate by its response over this."""

    @property
    def is_constant_rate(self) -> bool:
        return self.growth_per_hour == 0.0 and len(set(self.rate_by_hour)) == 1


@dataclass(frozen=True)
class DependencySpec:
    """One ``depends_on`` edge: a customer (or request) served by ``source`` sends a request to
    ``target`` with probability ``share``; ``blocking`` makes its completion wait for it.

    ``entity`` is the stream key of the edge (:func:`~stratsim.engine.rng.dependency_id`): the
    ``DEPENDENCY`` streams (one per origin of the arrivals) decide which arrivals at the source
    send, the ``WORK`` stream draws the requests' work content at the target.
    """

    source: str
    target: str
    source_index: int
    target_index: int
    share: float
    blocking: bool
    entity: int

    @property
    def id(self) -> str:
        """``"source=>target"``: the edge's name in ``summary.json`` and ``replications.csv``."""
        return f"{self.source}=>{self.target}"


@dataclass(frozen=True)
class RouteSpec:
    """A station that customers of one segment are sent to besides their own demand: a fallback
    of an unavailable service, or a complaints desk. ``entity`` keys the route's random streams;
    ``tier_choice`` is the segment's tier mix there (as in :class:`DemandSpec`)."""

    station_index: int
    entity: int
    tier_choice: tuple[tuple[float, int], ...]
    service_time: DurationDistribution


@dataclass(frozen=True)
class LifecycleSpec:
    """The service lifecycle (``engine.lifecycle``): per station, whether it is offered at time 0
    and its launch cost; per demand pair (indexes of ``Model.demands``), the fallbacks to try in
    order when its service is not offered (empty: its demand is then unavailable)."""

    offered_at_start: tuple[bool, ...]
    retired_at_start: tuple[bool, ...]
    launch_cost: tuple[float, ...]
    fallbacks: tuple[tuple[RouteSpec, ...], ...]


@dataclass(frozen=True)
class RelationshipSpec:
    """Complaints and churn of one segment (``engine.relationship``).

    A customer whose satisfaction score is ``s`` complains with probability
    ``complaint_probability × (5 − s) / 4``; a complaint churns one customer of the base with
    probability ``churn`` (when the segment has a base, ``customers``); each complaint sends one
    request to the ``desk`` when there is one.
    """

    segment_index: int
    entity: int
    complaint_probability: float
    churn: float
    customers: int | None
    desk: RouteSpec | None


@dataclass(frozen=True)
class SegmentSpec:
    id: str
    index: int


@dataclass(frozen=True)
class Model:
    """Everything one replication simulates."""

    name: str
    horizon_h: float
    warmup_h: float
    time_bin_h: float
    stations: tuple[StationSpec, ...]
    segments: tuple[SegmentSpec, ...]
    demands: tuple[DemandSpec, ...]
    strategy: StrategySpec | None = None
    """The plan's actions, pricing and promotions and the pattern's rules and reviews; ``None``
    when the scenario has none (then nothing of the strategy runs, and nothing costs)."""
    dependencies: tuple[DependencySpec, ...] = ()
    """Every ``depends_on`` edge, in canonical order (source id, then target id), never the
    file's; empty = no service depends on another (the engine then runs exactly as without)."""
    budget_per_month: float | None = None
    """``strategy.plan.budget.per_month`` (a month = 30 days); ``None`` = no budget. With a
    budget (or dependencies) a replication also records its cost month by month."""
    lifecycle: LifecycleSpec | None = None
    """Launches, retirements and fallbacks from the services' lifecycle fields; ``None`` when no
    service uses them (then every service is offered throughout, as before)."""
    relationships: tuple[RelationshipSpec, ...] = ()
    """Complaints and churn of the segments that declare ``customers`` or ``complaints``."""
    extra_pairs: tuple[tuple[int, int], ...] = ()
    """(segment, station) pairs without demand of their own that still receive the segment's
    customers (fallbacks): they get cells like the demand pairs. A complaints desk receives
    requests, not customers: its request cells are made at run time (``engine.relationship``)."""

    @property
    def dynamic_demands(self) -> frozenset[int]:
        """Demand pairs whose rate or availability can change during the run: the strategy's
        (lifecycle included), and those of segments whose customer base can churn."""
        dynamic = self.strategy.dynamic if self.strategy is not None else frozenset()
        churning = {r.segment_index for r in self.relationships
                    if r.customers is not None and r.churn > 0 and r.complaint_probability > 0}
        if not churning:
            return dynamic
        return dynamic | {k for k, d in enumerate(self.demands) if d.segment_index in churning}

    @property
    def window_h(self) -> float:
        """Length of the measured window [warmup, horizon)."""
        return self.horizon_h - self.warmup_h

    @property
    def drain_limit_h(self) -> float:
        """The drain after the horizon lasts at most as long as the horizon itself."""
        return 2.0 * self.horizon_h
