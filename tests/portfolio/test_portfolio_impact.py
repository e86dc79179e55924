"""Impact analysis: transitive dependents, retirement, and the offered-load estimate of a staff
loss, checked by hand on the test portfolio (20 customers/h: 70 % portal, 30 % helpdesk)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stratsim.engine.compile import compile_scenario
from stratsim.portfolio.graph import portfolio_graph
from stratsim.portfolio.impact import (
    dependencies,
    dependents,
    impact_lists,
    retirement_impact,
    service_loads,
    staff_loss_impact,
    traffic_rates,
    waits_for,
)
from stratsim.scenario import load_scenario_text

from tests.portfolio.portfolio_testkit import PORTFOLIO_YAML, portfolio_data, service, validated


@pytest.fixture(scope="module")
def portfolio():
    scenario = load_scenario_text(PORTFOLIO_YAML)
    return compile_scenario(scenario), portfolio_graph(scenario)


def test_transitive_dependents_and_dependencies(portfolio):
    _, graph = portfolio
    assert impact_lists(graph) == {"helpdesk": [], "identity": ["helpdesk", "portal"],
                                   "network": ["helpdesk", "identity", "portal"], "portal": [],
                                   "storage": ["portal"]}
    assert dependents(graph, "network") == ["helpdesk", "identity", "portal"]
    assert dependencies(graph, "portal") == ["identity", "network", "storage"]


def test_only_blocking_chains_wait(portfolio):
    _, graph = portfolio
    assert waits_for(graph, "identity") == ["portal"]
    assert waits_for(graph, "network") == []   # identity → network is async
    assert waits_for(graph, "helpdesk") == []


def test_retirement_names_the_live_dependents_and_the_fallback():
    data = portfolio_data()
    service(data, "helpdesk")["status"] = "retired"
    service(data, "helpdesk")["depends_on"] = []
    service(data, "storage")["fallback"] = "network"
    data["services"].append({"id": "fax", "status": "retired", "staff": 0,
                             "service_time": {"dist": "exponential", "mean": "5min"},
                             "depends_on": [{"service": "helpdesk", "share": 1.0}]})
    graph = portfolio_graph(validated(data))
    impact = retirement_impact(graph, "identity")
    assert (impact.affected, impact.live_affected, impact.fallback) == (["portal"], ["portal"], None)
    impact = retirement_impact(graph, "helpdesk")
    assert (impact.affected, impact.live_affected) == (["fax"], [])
    assert retirement_impact(graph, "storage").fallback == "network"


def test_offered_loads_add_the_requests_of_the_dependents(portfolio):
    model, graph = portfolio
    loads = service_loads(model, graph)
    rates = {s: load.arrival_rate_per_h[0] for s, load in loads.items()}
    # portal 14/h, helpdesk 6/h; identity 0.5·14 + 0.2·6; storage 0.3·14; network 1.0·identity
    assert rates == pytest.approx({"portal": 14, "helpdesk": 6, "identity": 8.2, "storage": 4.2,
                                   "network": 8.2})
    assert loads["identity"].mean_load_erlangs == pytest.approx(8.2 * 0.1)
    assert loads["portal"].utilisation == pytest.approx(14 / 6 / 3)
    assert not any(load.overloaded for load in loads.values())


def test_traffic_equations_with_an_async_cycle():
    data = portfolio_data()
    service(data, "network")["depends_on"] = [{"service": "identity", "share": 0.5}]
    graph = portfolio_graph(validated(data))
    own = {s: np.zeros(168) for s in graph.nodes}
    own["identity"] = np.ones(168)
    rates = traffic_rates(own, graph)
    # identity = 1 + 0.5 network, network = identity: identity = 2
    assert rates["identity"][0] == pytest.approx(2.0) and rates["network"][0] == pytest.approx(2.0)


def test_requests_circulating_for_ever_are_an_unbounded_load():
    """The loader refuses such a file; the estimate still says "unbounded" for a graph that
    has one (built by hand here)."""
    graph = portfolio_graph(validated(portfolio_data()))
    graph.add_edge("network", "identity", share=1.0, mode="async")
    own = {s: np.ones(168) for s in graph.nodes}
    rates = traffic_rates(own, graph)
    assert math.isinf(rates["identity"][0]) and math.isinf(rates["network"][0])
    assert rates["portal"][0] == 1.0   # upstream of the cycle: its own demand only


def test_a_retired_service_sends_its_demand_to_its_fallback_and_no_requests():
    data = portfolio_data()
    service(data, "portal").update(status="retired", fallback="helpdesk")
    scenario = validated(data)
    loads = service_loads(compile_scenario(scenario), portfolio_graph(scenario))
    assert loads["portal"].arrival_rate_per_h[0] == 0
    assert loads["helpdesk"].arrival_rate_per_h[0] == pytest.approx(20)
    assert loads["identity"].arrival_rate_per_h[0] == pytest.approx(0.2 * 20)
    assert loads["storage"].arrival_rate_per_h[0] == 0


def test_half_the_staff_overloads_a_service_whose_load_exceeds_half_its_staff(portfolio):
    model, graph = portfolio
    helpdesk = staff_loss_impact(model, graph, "helpdesk")   # load 2.0 Erlangs, staff 4 → 2
    assert helpdesk.newly_overloaded == ["helpdesk"] and helpdesk.affected == ["helpdesk"]
    identity = staff_loss_impact(model, graph, "identity")   # load 0.82, staff 2 → 1
    assert identity.newly_overloaded == [] and identity.affected == ["identity", "helpdesk", "portal"]
    assert identity.waiting == ["portal"]
    assert identity.after["identity"].utilisation == pytest.approx(0.82)
    # a harsher loss, a third of the staff left, tips identity over
    assert staff_loss_impact(model, graph, "identity", 1 / 3).newly_overloaded == ["identity"]


def test_peak_hours_count_the_hours_where_load_reaches_staff():
    data = portfolio_data()
    data["segments"][0]["daily_profile"] = [0.5] * 12 + [1.5] * 12   # same mean, afternoon peak
    scenario = validated(data)
    impact = staff_loss_impact(compile_scenario(scenario), portfolio_graph(scenario), "identity",
                               0.6)
    after = impact.after["identity"]   # load 0.41 / 1.23 Erlangs against 1.2 staff
    assert not after.overloaded and after.peak_hours == 12 * 7
    assert impact.newly_peaking == ["identity"]
