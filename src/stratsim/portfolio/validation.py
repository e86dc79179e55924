"""Portfolio validation: dependencies and lifecycle that no single field can check.

Run by the scenario loader with the other whole-scenario checks (:mod:`stratsim.scenario.checks`),
on plain data, so a file with field errors still gets these findings in the same pass. Each
finding carries the path of the value at fault (the loader adds file, line and column), such as
``services[helpdesk].depends_on[identity].service``. The rules:

- a dependency names a service that exists, other than the service itself;
- blocking dependencies form no cycle (a customer would wait for itself); the cycle is named,
  ``helpdesk → identity → helpdesk``;
- no cycle of dependencies passes requests round for ever (its shares send on at least one
  request for each one received): the load would have no bound;
- a service that is offered at some time during the run depends on no retired service, and on
  no service that is not offered at that time: a pipeline service before its launch, or a
  service after its ``retire``. A service is offered from time 0 (catalogue) or from its launch
  (pipeline: the ``launch`` field or the plan's earliest dated ``launch`` action) until its
  ``retire``; a retired service is never offered. Only the run's horizon counts: a service that
  retires after the horizon is offered throughout.

Values of the wrong type are left alone here (they are field errors, reported elsewhere).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from stratsim.portfolio.lifecycle import RETIRED, OfferedWindow, offered_window
from stratsim.scenario.paths import Finding, show
from stratsim.scenario.plain import first_ids as _service_ids
from stratsim.scenario.plain import hours as _hours
from stratsim.scenario.plain import mappings as _mappings
from stratsim.scenario.plain import unknown_reference


def _launch_actions(data: dict[Any, Any]) -> dict[str, float]:
    """The earliest dated ``launch`` action of each service in ``strategy.plan.actions``."""
    strategy = data.get("strategy") if isinstance(data.get("strategy"), dict) else {}
    plan = strategy.get("plan") if isinstance(strategy.get("plan"), dict) else {}
    earliest: dict[str, float] = {}
    for _, action in _mappings(plan.get("actions")):
        target, at = action.get("launch"), _hours(action.get("at"))
        if isinstance(target, str) and at is not None:
            earliest[target] = min(at, earliest.get(target, math.inf))
    return earliest


def _windows(data: dict[Any, Any], services: list[tuple[int, dict[Any, Any]]]
             ) -> dict[str, OfferedWindow | None]:
    """Each service's offered window; None where a lifecycle value is invalid (a field error)."""
    launched = _launch_actions(data)
    windows: dict[str, OfferedWindow | None] = {}
    for _, service in services:
        ident, status = service.get("id"), service.get("status", "catalogue")
        if not isinstance(ident, str) or ident in windows:
            continue
        launch, retire = _hours(service.get("launch")), _hours(service.get("retire"))
        bad = (service.get("launch") is not None and launch is None) or \
              (service.get("retire") is not None and retire is None)  # fmt: skip
        if bad or status not in ("catalogue", "pipeline", "retired"):
            windows[ident] = None
            continue
        if ident in launched:
            launch = min(launched[ident], launch if launch is not None else math.inf)
        windows[ident] = offered_window(status, launch, retire)
    return windows


def _when(hours: float) -> str:
    return f"{hours:g}h" if hours < 48 else f"{hours:g}h (day {hours / 24:g})"


def _gap(own: str, target: str, mine: OfferedWindow, theirs: OfferedWindow,
         horizon_h: float) -> str:
    """Why ``target`` is not offered whenever ``own`` is, in the planner's words."""
    head = f"service {show(own)} is offered from {_when(mine.from_h)}"
    if mine.from_h < theirs.from_h:
        launch = "never launches" if math.isinf(theirs.from_h) else \
            f"launches only at {_when(theirs.from_h)}"  # fmt: skip
        return (f"{head} but depends on pipeline service {show(target)}, which {launch}; "
                f"launch {show(own)} no earlier, or launch {show(target)} sooner")
    end = min(mine.until_h, horizon_h)
    return (f"{head} until {_when(end) if math.isfinite(end) else 'the horizon'} but depends on "
            f"service {show(target)}, which retires at {_when(theirs.until_h)}; retire "
            f"{show(own)} no later, or keep {show(target)} longer")


def _dependency_findings(data: dict[Any, Any]) -> Iterator[Finding]:
    """Unknown services, self-dependencies and dependencies on services not offered in time."""
    services = _mappings(data.get("services"))
    ids = _service_ids(services)
    windows = _windows(data, services)
    statuses = {svc["id"]: svc.get("status") for _, svc in reversed(services)
                if isinstance(svc.get("id"), str)}  # reversed: the first of duplicates wins
    horizon = _hours(data.get("horizon"))
    horizon_h = horizon if horizon is not None else math.inf
    for i, service in services:
        own = service.get("id")
        if not isinstance(own, str):
            continue
        for k, dependency in _mappings(service.get("depends_on")):
            target, path = dependency.get("service"), ("services", i, "depends_on", k, "service")
            if not isinstance(target, str):
                continue
            if target == own:
                yield Finding(path, f"service {show(own)} depends on itself")
            elif target not in ids:
                yield Finding(path, unknown_reference("service", target, ids))
            else:
                retired = statuses.get(target) == RETIRED
                message = _lifecycle_problem(own, target, windows, retired, horizon_h)
                if message:
                    yield Finding(path, message)


def _lifecycle_problem(own: str, target: str, windows: dict[str, OfferedWindow | None],
                       retired: bool, horizon_h: float) -> str | None:
    """The message when ``own`` is offered at a time ``target`` is not; None when it never is."""
    mine, theirs = windows.get(own), windows.get(target)
    if mine is None or theirs is None or mine.from_h >= min(mine.until_h, horizon_h):
        return None   # a lifecycle field error (reported elsewhere), or never offered in the run
    if retired:
        return (f"service {show(own)} depends on retired service {show(target)}; drop the "
                f"dependency, or retire {show(own)} too")
    if theirs.covers(mine, horizon_h):
        return None
    return _gap(own, target, mine, theirs, horizon_h)


def _fallback_findings(data: dict[Any, Any]) -> Iterator[Finding]:
    services = _mappings(data.get("services"))
    ids = _service_ids(services)
    for i, service in services:
        own, fallback = service.get("id"), service.get("fallback")
        if not isinstance(own, str) or not isinstance(fallback, str):
            continue
        if fallback == own:
            yield Finding(("services", i, "fallback"), "a service cannot fall back to itself")
        elif fallback not in ids:
            yield Finding(("services", i, "fallback"), unknown_reference("service", fallback, ids))


def _blocking_cycle_findings(data: dict[Any, Any]) -> Iterator[Finding]:
    """One finding per cycle of blocking dependencies, at the ``mode`` of its first edge.

    A group of services whose blocking dependencies form cycles (a strongly connected
    component) is reported once, starting from the service listed first in the file, with one
    cycle named in full: ``helpdesk → identity → helpdesk``.
    """
    services = _mappings(data.get("services"))
    ids = _service_ids(services)
    edges: list[tuple[str, str, tuple[Any, ...]]] = []
    for i, service in services:
        own = service.get("id")
        for k, dependency in _mappings(service.get("depends_on")):
            target = dependency.get("service")
            if not isinstance(own, str) or not isinstance(target, str) or own == target:
                continue
            if dependency.get("mode") == "blocking" and target in ids:
                edges.append((own, target, ("services", i, "depends_on", k, "mode")))
    if not edges:
        return   # most portfolios: nothing to search, and networkx (0.3 s to import) need not load
    import networkx as nx

    graph = nx.DiGraph()
    for own, target, path in edges:
        if not graph.has_edge(own, target):
            graph.add_edge(own, target, path=path)
    components = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    for component in sorted(components, key=lambda c: min(ids[s] for s in c)):
        start = min(component, key=lambda s: ids[s])
        cycle = nx.find_cycle(graph.subgraph(component), source=start)
        names = " → ".join([cycle[0][0], *(target for _, target in cycle)])
        yield Finding(
            graph.edges[cycle[0]]["path"],
            f"cycle of blocking dependencies: {names} (a customer would wait for itself); make "
            "one of these dependencies async",
        )


def _endless_request_findings(data: dict[Any, Any]) -> Iterator[Finding]:
    """One finding per group of services that pass requests round for ever.

    A request served by a service sends requests on, like any customer of it. When a cycle of
    dependencies sends on, on average, at least one request for every request it receives (the
    spectral radius of the share matrix on the cycle is ≥ 1, as with ``a → b`` and ``b → a`` both
    at share 1), every customer starts an endless stream of work: no capacity can carry it. The
    finding is placed at the ``share`` of the cycle's first edge.
    """
    services = _mappings(data.get("services"))
    ids = _service_ids(services)
    edges: dict[tuple[str, str], tuple[float, tuple[Any, ...]]] = {}
    for i, service in services:
        own = service.get("id")
        for k, dependency in _mappings(service.get("depends_on")):
            target, share = dependency.get("service"), dependency.get("share", 1.0)
            if not isinstance(own, str) or target not in ids or own == target:
                continue
            if isinstance(share, (int, float)) and not isinstance(share, bool) and 0 < share <= 1:
                edges.setdefault((own, target), (float(share), ("services", i, "depends_on", k, "share")))
    if not edges:
        return
    import numpy as np

    order = sorted({s for edge in edges for s in edge}, key=lambda s: ids[s])
    index = {s: n for n, s in enumerate(order)}
    routing = np.zeros((len(order), len(order)))
    for (own, target), (share, _) in edges.items():
        routing[index[own], index[target]] = share
    if _spectral_radius(routing) < 1.0 - 1e-12:
        return   # requests die out: the usual case, settled without a graph search
    import networkx as nx

    graph = nx.DiGraph(list(edges))
    for component in sorted(nx.strongly_connected_components(graph), key=lambda c: min(ids[s] for s in c)):
        members = sorted(component, key=lambda s: ids[s])
        rows = [index[s] for s in members]
        if len(members) < 2 or _spectral_radius(routing[np.ix_(rows, rows)]) < 1.0 - 1e-12:
            continue
        cycle = nx.find_cycle(graph.subgraph(component), source=members[0])
        names = " → ".join([cycle[0][0], *(target for _, target in cycle)])
        yield Finding(
            edges[cycle[0][0], cycle[0][1]][1],
            f"requests circulate for ever on {names}: each request these services receive sends "
            "at least one more on, so their load has no bound; lower a share or drop a dependency",
        )


def _spectral_radius(matrix: Any) -> float:
    import numpy as np

    return float(np.max(np.abs(np.linalg.eigvals(matrix)))) if matrix.size else 0.0


def portfolio_findings(data: Any) -> list[Finding]:
    """Every dependency and lifecycle problem of plain scenario data, as located findings.

    ``data`` is the mapping a scenario file holds (or a scenario dumped with its aliases);
    values of the wrong type are skipped, as field errors are reported by the models.
    """
    if not isinstance(data, dict):
        return []
    return [*_dependency_findings(data), *_fallback_findings(data), *_blocking_cycle_findings(data),
            *_endless_request_findings(data)]
