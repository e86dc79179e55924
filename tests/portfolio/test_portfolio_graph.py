"""The portfolio graph: nodes with their portfolio attributes, edges with share and mode."""

from __future__ import annotations

import math

from stratsim.portfolio.graph import (
    dependencies_of,
    has_portfolio_structure,
    portfolio_graph,
    staff_text,
    window_of,
)
from stratsim.portfolio.lifecycle import OfferedWindow, offered_window
from stratsim.scenario import load_scenario_text

from tests.portfolio.portfolio_testkit import PORTFOLIO_YAML, portfolio_data, service, validated


def test_nodes_and_edges_carry_the_portfolio():
    graph = portfolio_graph(load_scenario_text(PORTFOLIO_YAML))
    assert sorted(graph.nodes) == ["helpdesk", "identity", "network", "portal", "storage"]
    assert graph.nodes["identity"] == {"name": "identity", "status": "catalogue", "internal": True,
                                       "launch_h": None, "retire_h": None, "fallback": None, "staff": 2,
                                       "staff_min": 2, "staff_max": 2}
    assert graph.edges["portal", "identity"] == {"share": 0.5, "mode": "blocking"}
    assert graph.edges["portal", "storage"] == {"share": 0.3, "mode": "async"}
    assert dependencies_of(graph, "portal") == [("identity", 0.5, "blocking"), ("storage", 0.3, "async")]
    assert graph.number_of_edges() == 4


def test_lifecycle_attributes_and_windows():
    data = portfolio_data()
    service(data, "storage").update(status="pipeline", launch="2d", retire="6d", fallback="network")
    service(data, "portal").update(status="pipeline", launch="3d", retire="5d")
    graph = portfolio_graph(validated(data))
    node = graph.nodes["storage"]
    assert (node["status"], node["launch_h"], node["retire_h"], node["fallback"]) == ("pipeline", 48, 144, "network")
    assert window_of(graph, "storage") == OfferedWindow(48, 144)
    assert window_of(graph, "storage").covers(window_of(graph, "portal"))
    assert not window_of(graph, "portal").covers(window_of(graph, "storage"))
    assert has_portfolio_structure(validated(data))


def test_windows_of_each_status():
    assert offered_window("catalogue", None, None) == OfferedWindow(0.0, math.inf)
    assert offered_window("pipeline", None, None).ever is False
    assert offered_window("retired", None, None).ever is False
    assert offered_window("pipeline", 10.0, 20.0).covers(OfferedWindow(30.0, 40.0), horizon_h=25.0)


def test_the_file_order_changes_nothing():
    data = portfolio_data()
    data["services"].reverse()
    for item in data["services"]:
        item.get("depends_on", []).reverse()
    a, b = portfolio_graph(load_scenario_text(PORTFOLIO_YAML)), portfolio_graph(validated(data))
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))


def test_a_plain_portfolio_has_no_structure_to_draw():
    data = portfolio_data()
    for item in data["services"]:
        item.pop("depends_on", None)
    assert not has_portfolio_structure(validated(data))
    assert has_portfolio_structure(validated(portfolio_data()))


def test_a_rostered_service_shows_its_fewest_and_most_staff_over_the_week():
    """Base staff 0 with a day roster of 3 is "staff 0–3", not "staff 0"."""
    data = portfolio_data()
    service(data, "storage")["staff"] = 0
    data["strategy"] = {"pattern": {"rosters": {"storage": [
        {"days": "mon-fri", "from": "08:00", "to": "18:00", "staff": 3},
        {"days": "sat-sun", "from": "10:00", "to": "14:00", "staff": 1}]}}}
    graph = portfolio_graph(validated(data))
    assert (graph.nodes["storage"]["staff_min"], graph.nodes["storage"]["staff_max"]) == (0, 3)
    assert staff_text(graph.nodes["storage"]) == "staff 0–3"
    assert staff_text(graph.nodes["identity"]) == "staff 2"
