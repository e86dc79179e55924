"""Build the portfolio graph of a validated scenario.

Nodes are the services, edges their dependencies: an edge ``A → B`` says that customers of
``A`` send requests to ``B`` (``A`` depends on ``B``). Every node carries the service's
portfolio attributes and every edge its ``share`` and ``mode``, so the impact analysis, the
``stratsim graph`` text and the picture all read one structure. Nodes and edges are added in a
canonical order (by service id, then by the id of the service depended on), never the file's
order, so anything derived from the graph is the same whatever order the file lists them in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from stratsim.portfolio.lifecycle import CATALOGUE, OfferedWindow, offered_window

if TYPE_CHECKING:   # the models import the scenario checks, which import the portfolio
    import networkx as nx

    from stratsim.scenario.models import Scenario, Service

ASYNC, BLOCKING = "async", "blocking"


def _node_attributes(scenario: Scenario, service: Service) -> dict[str, object]:
    low, high = staff_range(scenario, service)
    return {
        "name": service.name or service.id,
        "status": service.status,
        "internal": service.internal,
        "launch_h": service.launch,
        "retire_h": service.retire,
        "fallback": service.fallback,
        "staff": service.staff,
        "staff_min": low,
        "staff_max": high,
    }


def staff_range(scenario: Scenario, service: Service) -> tuple[int, int]:
    """The fewest and the most staff on duty over the week under the service's roster (its base
    staff twice without one): a rostered team's base staff alone says little."""
    from stratsim.engine.compile import compile_station

    spec = compile_station(scenario, service, 0)
    levels = [staff for _, staff in spec.schedule.changes] or [spec.base_staff]
    return min(levels), max(levels)


def staff_text(node: dict[str, object]) -> str:
    """``staff 3``, or ``staff 1–6`` for a roster that changes it over the week."""
    low, high = node["staff_min"], node["staff_max"]
    return f"staff {low}" if low == high else f"staff {low}–{high}"


def portfolio_graph(scenario: Scenario) -> nx.DiGraph:
    """The portfolio of a validated scenario as a ``DiGraph``.

    Node attributes: ``name`` (display name, else the id), ``status`` (catalogue, pipeline or
    retired), ``internal`` (bool), ``launch_h`` and ``retire_h`` (hours, or None), ``fallback``
    (a service id or None), ``staff`` (base servers) and ``staff_min``/``staff_max`` (the fewest
    and the most on duty over the week, under its roster). Edge ``A → B`` for each entry of A's
    ``depends_on``, with ``share`` (probability a customer of A sends a request to B) and
    ``mode`` (``async`` or ``blocking``).
    """
    import networkx as nx   # here, not at import: a report without a portfolio never needs it

    graph = nx.DiGraph(name=scenario.name)
    for service in sorted(scenario.services, key=lambda s: s.id):
        graph.add_node(service.id, **_node_attributes(scenario, service))
    for service in sorted(scenario.services, key=lambda s: s.id):
        for dependency in sorted(service.depends_on, key=lambda d: d.service):
            graph.add_edge(service.id, dependency.service, share=dependency.share,
                           mode=dependency.mode)
    return graph


def window_of(graph: nx.DiGraph, service: str) -> OfferedWindow:
    """The offered window of a node of a portfolio graph."""
    node = graph.nodes[service]
    return offered_window(node["status"], node["launch_h"], node["retire_h"])


def has_portfolio_structure(scenario: Scenario) -> bool:
    """Whether the scenario uses dependencies or lifecycle fields (so a graph says something)."""
    return any(s.depends_on or s.status != CATALOGUE or s.launch is not None
               or s.retire is not None or s.fallback is not None for s in scenario.services)


def dependencies_of(graph: nx.DiGraph, service: str) -> list[tuple[str, float, str]]:
    """``(service depended on, share, mode)`` for a service's direct dependencies, by id."""
    return [(target, graph.edges[service, target]["share"], graph.edges[service, target]["mode"])
            for target in sorted(graph.successors(service))]


def sorted_ids(ids: Iterable[str]) -> list[str]:
    """Service ids in the canonical order (by id)."""
    return sorted(ids)
