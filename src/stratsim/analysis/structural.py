"""KPIs that a scenario makes zero by construction, whatever the random numbers.

Nobody reneges where no segment has a patience, nobody is blocked where the waiting room is
unlimited: such a KPI is 0 in every replication, and a table full of ``0 ± 0`` rows hides the
numbers that matter. The command line leaves these rows out of its table (``summary.json`` keeps
every KPI). Deciding it is a question about the compiled :class:`~stratsim.engine.model.Model`,
answered here, so the rule is in one place and testable without a run.
"""

from __future__ import annotations

from stratsim.engine.model import Model, StationSpec

NEVER_IN_THIS_RELEASE = frozenset({"deferred"})
"""Zero in every scenario this release runs: no customer shifts to a cheaper window."""


def zero_kpis_by_service(model: Model) -> dict[str, frozenset[str]]:
    """For each service id, the count KPIs (and their ``_share`` twins) that cannot be non-zero.

    * ``blocked``: the waiting room is unlimited (no ``queue_capacity``), or every segment
      sending it demand balks before the room is full (``balk_at`` < ``queue_capacity``: only
      joining customers make the queue grow, and none joins at ``balk_at`` waiting) and no
      requests (dependency, complaints desk), which never balk, reach it;
    * ``balked``: no segment sending it demand has a ``balk_at`` below the waiting room's size
      (blocking is decided first, so a queue as long as the room blocks rather than balks; with
      ``queue_capacity: 0`` every customer finding the servers busy is blocked);
    * ``reneged``: no segment sending it demand has a ``patience``, or there is no waiting room
      (nobody waits, so nobody gives up waiting);
    * ``unavailable``: the service is offered throughout (no lifecycle change, no retirement);
    * ``redirected``: no service that can become unavailable falls back to it;
    * ``complaints``, ``churned``: no segment sending it demand can complain (or churn: a customer
      base and a churn probability);
    * ``deferred``: always (:data:`NEVER_IN_THIS_RELEASE`).
    """
    return {station.id: _with_shares(_station_zeros(model, station)) for station in model.stations}


def structurally_zero_kpis(model: Model) -> frozenset[str]:
    """The KPIs that cannot be non-zero at any service, hence not for the portfolio, a tier or a
    segment either (each of those counts customers of the services)."""
    by_service = list(zero_kpis_by_service(model).values())
    if not by_service:
        return _with_shares(NEVER_IN_THIS_RELEASE)
    return frozenset.intersection(*by_service)


def _station_zeros(model: Model, station: StationSpec) -> frozenset[str]:
    demands = [demand for demand in model.demands if demand.station_index == station.index]
    capacity = station.queue_capacity
    balk_limits = [demand.balk_at for demand in demands]
    zeros = set(NEVER_IN_THIS_RELEASE)
    if capacity is None or all(limit is not None and limit < capacity for limit in balk_limits):
        zeros.add("blocked")
    if all(limit is None or (capacity is not None and limit >= capacity) for limit in balk_limits):
        zeros.add("balked")
    if capacity == 0 or all(demand.patience is None for demand in demands):
        zeros.add("reneged")
    if any(index == station.index for _, index in model.extra_pairs):
        zeros -= {"blocked", "balked", "reneged"}  # fallback customers of other segments
    if capacity is not None and _receives_requests(model, station):
        zeros.discard("blocked")  # requests never balk: a full waiting room blocks them
    zeros |= _lifecycle_zeros(model, station) | _relationship_zeros(model, demands)
    return frozenset(zeros)


def _receives_requests(model: Model, station: StationSpec) -> bool:
    """Whether requests reach the station: it is a dependency's target or a complaints desk."""
    return (any(edge.target_index == station.index for edge in model.dependencies)
            or any(r.desk is not None and r.desk.station_index == station.index for r in model.relationships))


def _lifecycle_zeros(model: Model, station: StationSpec) -> set[str]:
    changing = model.strategy.retirable if model.strategy is not None else frozenset()
    zeros = set()
    if station.index not in changing:
        zeros.add("unavailable")
    lifecycle = model.lifecycle
    if lifecycle is None or not any(
            route.station_index == station.index and demand.station_index in changing
            for demand, chain in zip(model.demands, lifecycle.fallbacks) for route in chain):
        zeros.add("redirected")
    return zeros


def _relationship_zeros(model: Model, demands: list) -> set[str]:
    segments = {demand.segment_index for demand in demands}
    relations = [r for r in model.relationships if r.segment_index in segments and r.complaint_probability > 0]
    zeros = set()
    if not relations:
        zeros.add("complaints")
    if not any(r.customers is not None and r.churn > 0 for r in relations):
        zeros.add("churned")
    return zeros


def _with_shares(kpis: frozenset[str]) -> frozenset[str]:
    """The KPIs and their shares of arrivals (``blocked`` → ``blocked_share``)."""
    return frozenset(kpis | {f"{kpi}_share" for kpi in kpis})
