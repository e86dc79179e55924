"""Compile a validated :class:`~stratsim.scenario.Scenario` into the engine's :class:`Model`.

Compilation does, once, everything that does not change during a run: durations to hours,
profiles and mix and static price response multiplied into one rate per hour of the week,
roster windows to staff change points, tiers to queue levels, stream keys from ids.
"""

from __future__ import annotations

import math

from stratsim.clock import HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_YEAR
from stratsim.engine.distributions import compile_distribution
from stratsim.engine.model import (
    DemandSpec,
    DependencySpec,
    Model,
    SegmentSpec,
    StationSpec,
    TierSpec,
)
from stratsim.engine.lifecycle import (
    changing_stations,
    compile_lifecycle,
    fallback_chain,
    fallback_pairs,
    lifecycle_actions,
)
from stratsim.engine.relationship import compile_relationships
from stratsim.engine.rng import dependency_id, entity_key, fallback_id, pair_id
from stratsim.errors import Issue, ScenarioError
from stratsim.scenario.models import Scenario, Segment, Service
from stratsim.strategy.plan import compile_strategy
from stratsim.strategy.pricing import price_response as response_at
from stratsim.strategy.rosters import BASE_STAFF, weekly_schedule

DEFAULT_TIER = "default"


def compile_tiers(service: Service) -> tuple[TierSpec, ...]:
    """Tiers with queue levels: distinct priorities ranked, 0 = served first.

    A service without declared tiers has one implicit tier, ``default``.
    """
    service_sla = service.sla.wait if service.sla is not None else None
    if not service.tiers:
        return (TierSpec(DEFAULT_TIER, 0, 0, 1.0, service_sla),)
    ranks = {p: level for level, p in enumerate(sorted({t.priority for t in service.tiers}))}
    return tuple(
        TierSpec(t.id, t.priority, ranks[t.priority], t.price_factor,
                 t.sla.wait if t.sla is not None else service_sla)
        for t in service.tiers
    )


def reference_price(scenario: Scenario, service: Service) -> float:
    """The position's market price for the service, else its own price."""
    return scenario.strategy.position.market_price.get(service.id, service.price)


def compile_station(scenario: Scenario, service: Service, index: int) -> StationSpec:
    windows = scenario.strategy.pattern.rosters.get(service.id, [])
    dependents = sorted(s.id for s in scenario.services
                        if any(d.service == service.id for d in s.depends_on))
    return StationSpec(
        id=service.id,
        index=index,
        base_staff=service.staff,
        schedule=weekly_schedule(windows, service.staff),
        queue_capacity=service.queue_capacity,
        service_time=compile_distribution(service.service_time),
        tiers=compile_tiers(service),
        has_declared_tiers=bool(service.tiers),
        price=0.0 if service.internal else service.price,
        staff_hour_cost=service.costs.staff_hour,
        per_request_cost=service.costs.per_request,
        fixed_cost_per_day=service.costs.fixed_per_day,
        roster=weekly_schedule(windows, BASE_STAFF),
        overtime_factor=service.costs.overtime_factor,
        reference_price=reference_price(scenario, service),
        dependents=tuple(dependents),
        internal=service.internal,
    )


def canonical_tier_order(station: StationSpec) -> list[int]:
    """Indexes of a station's tiers by (priority, id): the order choices walk, never the file's."""
    return sorted(range(len(station.tiers)),
                  key=lambda i: (station.tiers[i].priority, station.tiers[i].id))


def tier_choice(segment: Segment, station: StationSpec) -> tuple[tuple[float, int], ...]:
    """Cumulative tier shares of a segment at a station; without a tier mix, the last tier.

    Tiers are walked in canonical order (priority, then id), so the k-th customer of a pair
    gets the same tier however the file lists them. "Last" is the lowest-priority tier (the
    largest priority number; the largest id on a tie). A station without declared tiers has
    only its default tier, whatever the segment's mix.
    """
    order = canonical_tier_order(station)
    if segment.tiers and station.has_declared_tiers:
        choice, cumulative = [], 0.0
        for index in order:
            share = segment.tiers.get(station.tiers[index].id, 0.0)
            if share > 0:
                cumulative += share
                choice.append((cumulative, index))
        choice[-1] = (1.0, choice[-1][1])  # guard against rounding: a uniform draw is always < 1
        return tuple(choice)
    return ((1.0, order[-1]),)


def price_response(scenario: Scenario, segment: Segment, service: Service) -> float:
    """Demand factor ``(price / reference price) ^ elasticity`` at the list price.

    The reference is the position's market price for the service, else its own price, so
    ``rate`` is the demand at the reference price. A free service with a market price is refused
    by the scenario checks.
    """
    return response_at(service.price, reference_price(scenario, service), segment.price_elasticity)


def compile_demand(
    scenario: Scenario, segment: Segment, segment_index: int, station: StationSpec, service: Service
) -> DemandSpec:
    daily, weekly = segment.daily_factors, segment.weekly_factors
    response = price_response(scenario, segment, service)
    base = segment.rate * segment.mix[service.id] * response
    rates = tuple(base * daily[h % HOURS_PER_DAY] * weekly[h // HOURS_PER_DAY] for h in range(HOURS_PER_WEEK))
    if not all(math.isfinite(rate) for rate in rates):
        raise ScenarioError([Issue(
            scenario.name, None, None, f"segments[{segment.id}].price_elasticity",
            f"the demand of segment {segment.id!r} for service {service.id!r} overflows: its price "
            f"{service.price:g} is so far below the market price that the price response is infinite",
        )])
    return DemandSpec(
        segment_index=segment_index,
        station_index=station.index,
        entity=entity_key(pair_id(segment.id, service.id)),
        rate_by_hour=rates,
        growth_per_hour=math.log1p(segment.growth_per_year) / HOURS_PER_YEAR,
        tier_choice=tier_choice(segment, station),
        patience=compile_distribution(segment.patience) if segment.patience is not None else None,
        balk_at=segment.balk_at,
        elasticity=segment.price_elasticity,
        flexibility=segment.flexibility,
        static_response=response,
    )


def compile_dependencies(scenario: Scenario, stations: tuple[StationSpec, ...]) -> tuple[DependencySpec, ...]:
    """Every ``depends_on`` edge in canonical order (source id, then target id), so that
    reordering the file (services or their ``depends_on`` lists) changes no number."""
    index = {station.id: station.index for station in stations}
    edges = [
        DependencySpec(service.id, dep.service, index[service.id], index[dep.service], dep.share,
                       dep.mode == "blocking", entity_key(dependency_id(service.id, dep.service)))
        for service in scenario.services for dep in service.depends_on
    ]
    return tuple(sorted(edges, key=lambda edge: (edge.source, edge.target)))


def check_stream_keys(scenario: Scenario) -> None:
    """Refuse a scenario whose ids collide on their 32-bit stream keys (astronomically rare)."""
    ids = [s.id for s in scenario.services] + [s.id for s in scenario.segments]
    ids += [pair_id(seg.id, sid) for seg in scenario.segments for sid in seg.mix]
    ids += [dependency_id(s.id, d.service) for s in scenario.services for d in s.depends_on]
    ids += [fallback_id(seg.id, sid, f.id) for seg in scenario.segments for sid in seg.mix
            for f in fallback_chain(scenario, scenario.services_by_id[sid])]
    seen: dict[int, str] = {}
    for entity in ids:
        key = entity_key(entity)
        if key in seen and seen[key] != entity:
            raise ScenarioError([Issue(
                "<scenario>", None, None, "",
                f"ids {seen[key]!r} and {entity!r} share a random-stream key; rename one of them",
            )])
        seen[key] = entity


def compile_scenario(scenario: Scenario) -> Model:
    """The engine model of a validated scenario."""
    check_stream_keys(scenario)
    stations = tuple(compile_station(scenario, s, i) for i, s in enumerate(scenario.services))
    station_of = {station.id: station for station in stations}
    demands = tuple(
        compile_demand(scenario, segment, index, station_of[sid], scenario.services_by_id[sid])
        for index, segment in enumerate(scenario.segments)
        for sid, share in segment.mix.items()
        if share > 0
    )
    index = {station.id: station.index for station in stations}

    def tiers_at(segment: int, station: StationSpec) -> tuple[tuple[float, int], ...]:
        return tier_choice(scenario.segments[segment], station)

    strategy = compile_strategy(scenario, stations, demands, lifecycle_actions(scenario, index),
                                changing_stations(scenario, index))
    retirable = strategy.retirable if strategy is not None else frozenset()
    lifecycle = compile_lifecycle(scenario, stations, demands, tiers_at, retirable)
    relationships = compile_relationships(scenario, stations, tiers_at)
    own = {(d.segment_index, d.station_index) for d in demands}
    extra = sorted(fallback_pairs(lifecycle, demands) - own)
    return Model(
        name=scenario.name,
        horizon_h=scenario.horizon,
        warmup_h=scenario.warmup,
        time_bin_h=scenario.time_bin,
        stations=stations,
        segments=tuple(SegmentSpec(s.id, i) for i, s in enumerate(scenario.segments)),
        demands=demands,
        strategy=strategy,
        dependencies=compile_dependencies(scenario, stations),
        budget_per_month=budget.per_month if (budget := scenario.strategy.plan.budget) else None,
        lifecycle=lifecycle,
        relationships=relationships,
        extra_pairs=tuple(extra),
    )
