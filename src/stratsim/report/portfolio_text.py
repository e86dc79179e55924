"""The portfolio in plain lines for ``stratsim graph``: services, dependencies and impact.

Imports no matplotlib: the terminal command prints these lines whether or not it draws.
"""

from __future__ import annotations

import math

from stratsim.portfolio.graph import dependencies_of, staff_text
from stratsim.portfolio.impact import RetirementImpact, ServiceLoad, StaffLossImpact
from stratsim.portfolio.lifecycle import PIPELINE, RETIRED
from stratsim.portfolio.overview import PortfolioOverview


def _hours(hours: float) -> str:
    return f"{hours:g}h" if hours < 24 else f"day {hours / 24:g}"


def _status(node: dict) -> str:
    text = node["status"]
    if node["status"] == PIPELINE:
        text += f", launches {_hours(node['launch_h'])}" if node["launch_h"] is not None else ", no launch"
    if node["retire_h"] is not None and node["status"] != RETIRED:
        text += f", retires {_hours(node['retire_h'])}"
    if node["fallback"]:
        text += f", fallback {node['fallback']}"
    return text


def _names(services: list[str]) -> str:
    return ", ".join(services) if services else "nothing"


def _value(kpi: str, value: float | None) -> str:
    if value is None:
        return ""
    return f", {value * 100:.0f} % busy in the run" if kpi == "utilization" else \
        f", mean wait {value:.3g} min in the run"  # fmt: skip


def service_lines(overview: PortfolioOverview) -> list[str]:
    """One line per service: status, internal, staff, dependencies, and the run's value."""
    graph, lines = overview.graph, []
    for service in sorted(graph.nodes):
        node = graph.nodes[service]
        kind = "internal" if node["internal"] else "customer-facing"
        deps = ", ".join(f"{t} {share * 100:g} % {mode}" for t, share, mode in dependencies_of(graph, service))
        value = _value(overview.kpi, (overview.values or {}).get(service))
        lines.append(f"  {service}: {kind}, {_status(node)}, {staff_text(node)}{value}; "
                     f"depends on {deps or 'nothing'}")
    return lines


def _load_text(load: ServiceLoad) -> str:
    if math.isinf(load.mean_load_erlangs):
        return "unbounded load (requests circulate for ever)"
    return (f"load {load.mean_load_erlangs:.3g} Erlangs on {load.mean_staff:.3g} staff "
            f"({load.utilisation * 100:.0f} %)")


def staff_loss_line(impact: StaffLossImpact) -> str:
    """What losing the staff share would do to one service, as an estimate from offered load."""
    after = impact.after[impact.service]
    verdict = "overloaded: queues grow without bound" if after.overloaded else (
        f"copes over the week, load reaches staff in {after.peak_hours} h of the week"
        if after.peak_hours else "copes")
    others = [s for s in impact.newly_overloaded if s != impact.service]
    line = f"  {impact.service}: {_load_text(after)}, {verdict}"
    if len(impact.affected) > 1:
        line += f"; its delays reach {_names(impact.affected[1:])}"
    if impact.waiting:
        line += f" (customers of {_names(impact.waiting)} wait for it)"
    if others:
        line += f"; also overloaded: {_names(others)}"
    return line


def retirement_text(impact: RetirementImpact, internal: bool) -> str:
    """Who a retirement would touch, and where the retired service's customers would go."""
    if impact.live_affected:
        one = len(impact.live_affected) == 1
        text = (f"{_names(impact.live_affected)} depend{'s' * one} on it, so a run refuses to retire "
                f"it while {'that one is' if one else 'they are'} offered")
    else:
        text = "no offered service depends on it"
    if impact.fallback:
        text += f"; its customers go to {impact.fallback}"
    elif not internal:
        text += "; its customers are turned away (unavailable)"
    return text


def portfolio_lines(overview: PortfolioOverview) -> list[str]:
    """The whole text of ``stratsim graph``."""
    graph = overview.graph
    factor = next(iter(overview.staff_losses.values())).staff_factor if overview.staff_losses else 0.5
    lines = [f"Portfolio {overview.name}: {graph.number_of_nodes()} services, "
             f"{graph.number_of_edges()} dependencies", *service_lines(overview), "",
             "Depending on each service, directly or through others:"]
    lines += [f"  {s}: {_names(d)}" for s, d in overview.dependents.items()]
    lines += ["", "If a service were retired:"]
    for service, impact in overview.retirements.items():
        lines.append(f"  {service}: {retirement_text(impact, overview.graph.nodes[service]['internal'])}")
    lines += ["", f"If a service lost {100 - factor * 100:g} % of its staff (estimate from offered "
                  "load, dependencies' requests included; see docs/portfolio.md):"]
    lines += [staff_loss_line(impact) for impact in overview.staff_losses.values()]
    overloaded = sorted(s for s, load in overview.loads.items() if load.overloaded)
    if overloaded:
        lines += ["", f"Already overloaded as planned: {_names(overloaded)}"]
    return lines
