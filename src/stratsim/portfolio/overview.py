"""Everything ``stratsim graph`` shows about a portfolio, computed in one place.

The command line only prints and draws: this module builds the graph of a validated scenario
and runs the impact analysis for every service (transitive dependents, retirement, and the
offered-load estimate of losing half the staff; see :mod:`stratsim.portfolio.impact`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from stratsim.engine.compile import compile_scenario
from stratsim.portfolio.graph import portfolio_graph
from stratsim.portfolio.impact import (
    RetirementImpact,
    ServiceLoad,
    StaffLossImpact,
    impact_lists,
    retirement_impact,
    service_loads,
    staff_loss_impact,
)
from stratsim.scenario.models import Scenario

#: The staff loss the overview tries on every service: half its staff-hours.
STAFF_LOSS_FACTOR = 0.5


@dataclass(frozen=True)
class PortfolioOverview:
    """A portfolio's graph with its impact analysis, service by service (by id)."""

    name: str
    graph: nx.DiGraph
    #: Service → every service that depends on it, transitively.
    dependents: dict[str, list[str]]
    #: The estimated offered load and staff of every service, as the scenario stands.
    loads: dict[str, ServiceLoad]
    retirements: dict[str, RetirementImpact]
    staff_losses: dict[str, StaffLossImpact]
    #: Per-service values from a run's results (``kpi``'s mean), or None without results.
    values: dict[str, float] | None = None
    kpi: str = "utilization"


def portfolio_overview(scenario: Scenario, values: Mapping[str, float] | None = None,
                       kpi: str = "utilization",
                       staff_factor: float = STAFF_LOSS_FACTOR) -> PortfolioOverview:
    """The graph and impact analysis of a validated scenario; ``values`` from a run, if any."""
    graph = portfolio_graph(scenario)
    model = compile_scenario(scenario)
    services = sorted(graph.nodes)
    return PortfolioOverview(
        name=scenario.name, graph=graph, dependents=impact_lists(graph),
        loads=service_loads(model, graph),
        retirements={s: retirement_impact(graph, s) for s in services},
        staff_losses={s: staff_loss_impact(model, graph, s, staff_factor) for s in services},
        values=dict(values) if values is not None else None, kpi=kpi)
