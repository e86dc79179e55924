"""Impact analysis: what a retirement or a staff loss would touch, from the graph and capacity.

Pure functions of a portfolio graph (:func:`~stratsim.portfolio.graph.portfolio_graph`) and,
for the capacity estimate, of the compiled model. An edge ``A → B`` says that ``A`` depends on
``B``, so the services that depend on ``B``, directly or through others, are its ancestors.

**Retirement.** Retiring ``X`` touches every service that depends on it, transitively (a live
one makes the retirement an error or a refused review), and moves ``X``'s own demand to its
``fallback`` if it has one.

**Staff loss.** Losing a share of ``X``'s staff touches ``X`` and everything that depends on
it (their customers' blocking requests, or their async requests, queue at ``X``). Which
services become **overloaded** is estimated from offered load, as the run's capacity check
does (:mod:`stratsim.analysis.capacity`), with the requests the dependencies send added:

- each service's own arrival rate in each hour of the week, at the horizon's growth
  (:func:`~stratsim.analysis.capacity.own_rate_by_hour`);
- plus the requests of the services depending on it, from the traffic equations of a Jackson
  network, ``λ = γ + Pᵀλ`` (``P[A, B]`` = the share of A's customers sending a request to B;
  a request served by B sends its own requests on, like any customer of B), solved hour by
  hour as if a request arrived in the hour its customer did;
- offered load = rate × mean service time (Erlangs), against the staff on duty in each hour
  (the roster's time average), the lost share taken off every hour of ``X``'s staff;
- a service is **overloaded** when its week's mean load reaches its week's mean staff: no
  steady state, the queue grows for as long as that lasts (unless customers are lost:
  blocked, balking or giving up); its **peak hours** are the hours where load reaches staff.

Retired services (status ``retired``) send their demand to their fallback and no requests;
pipeline services count as launched (the portfolio once everything is offered). An overloaded
service passes on fewer requests than it is offered, so the downstream loads are upper bounds:
the estimate errs on the side of caution. It is an estimate from mean rates; the simulation
is the measure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from stratsim.analysis.capacity import own_rate_by_hour, staff_by_hour
from stratsim.analysis.traffic import traffic_rates as solve_traffic
from stratsim.clock import HOURS_PER_WEEK
from stratsim.engine.model import Model
from stratsim.portfolio.lifecycle import RETIRED

BLOCKING = "blocking"


def dependents(graph: nx.DiGraph, service: str) -> list[str]:
    """Every service that depends on ``service``, directly or through others, by id."""
    return sorted(nx.ancestors(graph, service))


def dependencies(graph: nx.DiGraph, service: str) -> list[str]:
    """Every service ``service`` depends on, directly or through others, by id."""
    return sorted(nx.descendants(graph, service))


def waits_for(graph: nx.DiGraph, service: str) -> list[str]:
    """The services whose customers' completion waits for ``service``: chains of blocking
    edges ending at it (their sojourn grows when ``service`` queues), by id."""
    blocking = graph.edge_subgraph([(a, b) for a, b, mode in graph.edges(data="mode")
                                    if mode == BLOCKING])
    return sorted(nx.ancestors(blocking, service)) if service in blocking else []


def impact_lists(graph: nx.DiGraph) -> dict[str, list[str]]:
    """For each service, everything that depends on it transitively (by id)."""
    return {service: dependents(graph, service) for service in sorted(graph.nodes)}


@dataclass(frozen=True)
class RetirementImpact:
    """What retiring ``service`` touches."""

    service: str
    #: Services that depend on it, transitively (by id): they lose a dependency.
    affected: list[str]
    #: Live ones among them (not retired themselves): a retirement they block.
    live_affected: list[str]
    #: The service that takes its demand (its ``fallback``), or None: its demand goes unserved.
    fallback: str | None


def retirement_impact(graph: nx.DiGraph, service: str) -> RetirementImpact:
    """What retiring ``service`` touches: its transitive dependents and its fallback."""
    affected = dependents(graph, service)
    live = [s for s in affected if graph.nodes[s]["status"] != RETIRED]
    return RetirementImpact(service, affected, live, graph.nodes[service].get("fallback"))


@dataclass(frozen=True)
class ServiceLoad:
    """A service's estimated offered load and staff over the week (168 hours)."""

    service: str
    arrival_rate_per_h: list[float]
    load_erlangs: list[float]
    staff: list[float]

    @property
    def mean_load_erlangs(self) -> float:
        return math.fsum(self.load_erlangs) / HOURS_PER_WEEK

    @property
    def mean_staff(self) -> float:
        return math.fsum(self.staff) / HOURS_PER_WEEK

    @property
    def utilisation(self) -> float:
        """Week's mean load over week's mean staff (infinite with load and no staff)."""
        if self.mean_staff > 0:
            return self.mean_load_erlangs / self.mean_staff
        return math.inf if self.mean_load_erlangs > 0 else 0.0

    @property
    def overloaded(self) -> bool:
        """The week's mean load reaches the week's mean staff: no steady state."""
        return self.mean_load_erlangs > 0 and self.utilisation >= 1.0

    @property
    def peak_hours(self) -> int:
        """Hours of the week in which the load reaches the staff."""
        return sum(1 for load, staff in zip(self.load_erlangs, self.staff) if load > 0 and load >= staff)


def _own_rates(model: Model, graph: nx.DiGraph) -> dict[str, np.ndarray]:
    """Each service's own (segment) arrival rate by hour; a retired service's goes to its
    fallback (following fallbacks that are retired too), or nowhere."""
    rates = {spec.id: np.array(own_rate_by_hour(model, spec)) for spec in model.stations}
    for service in sorted(rates):
        if graph.nodes[service]["status"] != RETIRED:
            continue
        target, seen = graph.nodes[service].get("fallback"), {service}
        while target is not None and graph.nodes[target]["status"] == RETIRED and target not in seen:
            seen.add(target)
            target = graph.nodes[target].get("fallback")
        if target is not None and target not in seen:
            rates[target] = rates[target] + rates[service]
        rates[service] = np.zeros(HOURS_PER_WEEK)
    return rates


def traffic_rates(own: dict[str, np.ndarray], graph: nx.DiGraph) -> dict[str, np.ndarray]:
    """Arrival rates with the dependencies' requests (:func:`stratsim.analysis.traffic.traffic_rates`),
    for every hour; a retired service sends no requests, and where requests would circulate for
    ever the rates of the services on the cycle and downstream of it are infinite."""
    order = sorted(own)
    index = {s: i for i, s in enumerate(order)}
    routing = np.zeros((len(order), len(order)))
    for source, target, share in graph.edges(data="share"):
        if graph.nodes[source]["status"] != RETIRED:
            routing[index[source], index[target]] = share
    rates = solve_traffic(np.array([own[s] for s in order]), routing)
    return {s: rates[index[s]] for s in order}


def service_loads(model: Model, graph: nx.DiGraph,
                  staff_factor: dict[str, float] | None = None) -> dict[str, ServiceLoad]:
    """Estimated offered load and staff of every service, by hour of the week.

    ``staff_factor`` scales a service's staff in every hour (0.5: half its staff-hours).
    """
    rates = traffic_rates(_own_rates(model, graph), graph)
    factors = staff_factor or {}
    loads = {}
    for spec in model.stations:
        rate = rates[spec.id]
        staff = [s * factors.get(spec.id, 1.0) for s in staff_by_hour(spec)]
        loads[spec.id] = ServiceLoad(spec.id, [float(r) for r in rate],
                                     [float(r) * spec.service_time.mean_h for r in rate], staff)
    return loads


@dataclass(frozen=True)
class StaffLossImpact:
    """What losing a share of a service's staff touches, with the capacity estimate."""

    service: str
    staff_factor: float
    #: The service and every service depending on it, transitively (by id).
    affected: list[str]
    #: Services whose customers' completion waits for it (blocking chains), by id.
    waiting: list[str]
    before: dict[str, ServiceLoad] = field(repr=False)
    after: dict[str, ServiceLoad] = field(repr=False)

    @property
    def overloaded(self) -> list[str]:
        """Services overloaded after the loss (by id)."""
        return sorted(s for s, load in self.after.items() if load.overloaded)

    @property
    def newly_overloaded(self) -> list[str]:
        """Services overloaded after the loss that were not before (by id)."""
        return sorted(s for s, load in self.after.items() if load.overloaded and not self.before[s].overloaded)

    @property
    def newly_peaking(self) -> list[str]:
        """Services with more hours of load reaching staff than before, not overloaded over the
        week (queues build at peaks and clear), by id."""
        return sorted(s for s, load in self.after.items() if not load.overloaded
                      and load.peak_hours > self.before[s].peak_hours)


def staff_loss_impact(model: Model, graph: nx.DiGraph, service: str,
                      staff_factor: float = 0.5) -> StaffLossImpact:
    """What ``service`` keeping only ``staff_factor`` of its staff touches (default: half)."""
    return StaffLossImpact(
        service=service, staff_factor=staff_factor,
        affected=[service, *dependents(graph, service)], waiting=waits_for(graph, service),
        before=service_loads(model, graph), after=service_loads(model, graph, {service: staff_factor}))
