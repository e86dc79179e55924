"""KPIs that a scenario makes zero by construction, whatever the random numbers.

Nobody reneges where no segment has a patience, nobody is blocked where the waiting room is
unlimited: such a KPI is 0 in every replication, and a table full of ``0 ± 0`` rows hides the
numbers that matter. The command line leaves these rows out of its table (``summary.json`` keeps
every KPI). Deciding it is a question about the compiled :class:`~stratsim.engine.model.Model`,
answered here, so the rule is in one place and testable without a run.
"""

from __future__ import annotations

from stratsim.engine.model import Model, StationSpec

NEVER_IN_THIS_RELEASE = frozenset({"unavailable", "deferred"})
"""Zero in every scenario this release runs: services are always in the catalogue (lifecycle is
not simulated) and no customer shifts to a cheaper window (flexibility is not simulated)."""


def zero_kpis_by_service(model: Model) -> dict[str, frozenset[str]]:
    """For each service id, the count KPIs (and their ``_share`` twins) that cannot be non-zero.

    * ``blocked``: the waiting room is unlimited (no ``queue_capacity``), or every segment
      sending it demand balks before the room is full (``balk_at`` < ``queue_capacity``: only
      joining customers make the queue grow, and none joins at ``balk_at`` waiting);
    * ``balked``: no segment sending it demand has a ``balk_at`` below the waiting room's size
      (blocking is decided first, so a queue as long as the room blocks rather than balks; with
      ``queue_capacity: 0`` every customer finding the servers busy is blocked);
    * ``reneged``: no segment sending it demand has a ``patience``, or there is no waiting room
      (nobody waits, so nobody gives up waiting);
    * ``unavailable``, ``deferred``: always (:data:`NEVER_IN_THIS_RELEASE`).
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
    return frozenset(zeros)


def _with_shares(kpis: frozenset[str]) -> frozenset[str]:
    """The KPIs and their shares of arrivals (``blocked`` → ``blocked_share``)."""
    return frozenset(kpis | {f"{kpi}_share" for kpi in kpis})
