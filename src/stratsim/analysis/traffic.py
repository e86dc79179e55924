"""The traffic equations of a network of services: how many requests each one receives.

A customer served by ``A`` sends a request to ``B`` with probability ``P[A, B]`` (the share of a
``depends_on`` edge), and a request served by ``B`` sends its own requests on, like any customer
of ``B``. In the steady state of such a (Jackson) network each service's arrival rate is its own
demand plus the requests it receives,

    λ = γ + Pᵀ λ,   so   λ = (I − Pᵀ)⁻¹ γ,

solved here for every hour of the week as if a request arrived in the hour its customer did.
The solution exists when requests die out (the spectral radius of ``P`` is below 1); where a
cycle of edges passes every request on for ever, the services on it and downstream of it have
an unbounded rate. Both the run's capacity check and the portfolio's impact analysis use it.
"""

from __future__ import annotations

import numpy as np

#: A spectral radius this close to 1 counts as 1: the requests never die out.
_RADIUS_TOLERANCE = 1e-12


def traffic_rates(own_rates: np.ndarray, routing: np.ndarray) -> np.ndarray:
    """Arrival rates with the requests received, one row per service.

    ``own_rates`` holds each service's own demand (services × hours, per hour); ``routing[a, b]``
    is the share of ``a``'s customers that send a request to ``b``. Rows of services that
    requests would flood for ever are ``inf``; rates are never negative.
    """
    if routing.size == 0 or not routing.any():
        return own_rates.astype(float, copy=True)
    if _spectral_radius(routing) >= 1.0 - _RADIUS_TOLERANCE:
        return _unbounded(own_rates, routing)
    rates = np.linalg.solve(np.eye(len(routing)) - routing.T, own_rates)
    return np.maximum(rates, 0.0)


def _spectral_radius(matrix: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(matrix)))) if matrix.size else 0.0


def _unbounded(own_rates: np.ndarray, routing: np.ndarray) -> np.ndarray:
    """Rates when requests circulate for ever: ``inf`` on every strongly connected group of
    services whose own routing keeps requests alive, and on everything downstream of one; the
    other services keep their own demand (the flood is the finding, not the exact rest)."""
    import networkx as nx   # only for this rare case: a cycle of shares that multiply to 1

    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(routing)))
    graph.add_edges_from(zip(*np.nonzero(routing)))
    closed: set[int] = set()
    for component in nx.strongly_connected_components(graph):
        members = sorted(component)
        if _spectral_radius(routing[np.ix_(members, members)]) >= 1.0 - _RADIUS_TOLERANCE:
            closed |= component
    flooded = closed | {d for s in closed for d in nx.descendants(graph, s)}
    rates = own_rates.astype(float, copy=True)
    rates[sorted(flooded)] = np.inf
    return rates
