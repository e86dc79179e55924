"""Dependencies in the engine: where requests are counted, blocked requests, the drain, and a
scenario without dependencies left exactly as it was."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from strategy_testkit import run, scenario, segment, served_look, service

from stratsim.engine.cells import MEASURED
from stratsim.engine.compile import compile_scenario
from stratsim.engine.replication import Replication, run_replication
from stratsim.engine.station import PricedStation, Station
from stratsim.runner.results import kpi_rows
from stratsim.scenario.models import Scenario


def doc(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "stratsim": 1, "name": "deps", "horizon": 300.0, "warmup": 20.0,
        "services": [
            {"id": "app", "staff": 2, "price": 10, "service_time": {"dist": "exponential", "mean": 1.0},
             "costs": {"per_request": 1.0},
             "depends_on": [{"service": "auth", "share": 0.5, "mode": "blocking"},
                            {"service": "log", "share": 1.0}]},
            {"id": "auth", "staff": 1, "internal": True, "service_time": {"dist": "exponential", "mean": 0.25},
             "costs": {"per_request": 2.0, "staff_hour": 10.0}},
            {"id": "log", "staff": 1, "internal": True, "service_time": {"dist": "exponential", "mean": 0.1}},
        ],
        "segments": [{"id": "all", "rate": 1.2, "mix": {"app": 1.0}}],
    }
    data.update(overrides)
    return data


def model_of(data: dict[str, Any]):
    return compile_scenario(Scenario.model_validate(data))


def test_compiled_edges_are_in_canonical_order_with_stable_keys():
    model = model_of(doc())
    assert [(e.source, e.target, e.share, e.blocking) for e in model.dependencies] == [
        ("app", "auth", 0.5, True), ("app", "log", 1.0, False)]
    assert [e.id for e in model.dependencies] == ["app=>auth", "app=>log"]
    assert model.stations[1].internal and not model.stations[0].internal


def test_requests_count_at_their_target_and_nowhere_else():
    record = run_replication(model_of(doc()), seed=3, replication=0)
    services, segment, portfolio = record["services"], record["segments"]["all"], record["kpis"]
    assert services["log"]["arrivals"] == record["flows"]["app=>log"]["sent"] > 0
    assert services["auth"]["arrivals"] == record["flows"]["app=>auth"]["sent"] > 0
    assert segment["arrivals"] == portfolio["arrivals"] == services["app"]["arrivals"]
    assert services["auth"]["revenue"] == 0.0
    assert services["auth"]["cost_requests"] == 2.0 * services["auth"]["completed"]


def test_a_blocked_request_finishes_at_once_and_its_customer_completes():
    """auth has no waiting room: requests finding its server busy are blocked there, and the
    customers who sent them still complete (nobody is left in the system)."""
    data = doc()
    data["services"][1]["queue_capacity"] = 0
    record = run_replication(model_of(data), seed=3, replication=0)
    assert record["services"]["auth"]["blocked"] > 0
    assert record["services"]["app"]["unfinished"] == 0
    assert record["services"]["app"]["served"] == record["services"]["app"]["arrivals"]


def test_the_drain_waits_for_counted_requests():
    rep = Replication(model_of(doc()), seed=5, replication=0, sink=None)
    rep.run()
    assert all(cell.in_system == 0 for cell in rep.counted)
    assert rep.network is not None and not rep.network.held


def test_without_dependencies_the_engine_is_the_plain_one():
    data = doc()
    for service in data["services"]:
        service.pop("depends_on", None)
    rep = Replication(model_of(data), seed=5, replication=0, sink=None)
    assert rep.network is None and rep.months is None
    assert {type(s) for s in rep.stations} <= {Station, PricedStation}
    record = rep.run()
    assert set(record) == {"kpis", "services", "segments"}
    assert {row[0] for row in kpi_rows(record)} == {"portfolio", "service", "segment"}


def test_flow_rows_in_replications_csv():
    record = run_replication(model_of(doc()), seed=3, replication=0)
    rows = {(scope, ident, kpi) for scope, ident, _, kpi, _ in kpi_rows(record)}
    assert ("flow", "app=>auth", "added_sojourn_mean_min") in rows
    assert ("flow", "app=>log", "sent") in rows
    assert ("sojourn", "app", "sojourn_mean_min") in rows
    assert ("showback", "app", "allocated_from:auth") in rows
    assert ("showback", "", "internal_cost") in rows
    assert ("month", "1", "cost") in rows


def test_dependency_draws_do_not_move_other_streams():
    """Adding an edge leaves the arrivals and work of the source's customers as they were."""
    data = doc()
    plain = copy.deepcopy(data)
    plain["services"][0]["depends_on"] = [{"service": "log", "share": 1.0}]
    one = run_replication(model_of(data), seed=9, replication=2)
    two = run_replication(model_of(plain), seed=9, replication=2)
    assert one["services"]["app"]["arrivals"] == two["services"]["app"]["arrivals"]
    assert one["flows"]["app=>log"]["sent"] == two["flows"]["app=>log"]["sent"]  # A serves alike


def test_withdrawing_a_target_releases_the_customers_waiting_for_its_requests():
    """Requests waiting at a service that is withdrawn (retired) leave as unavailable there, and
    the customers that sent them blocking complete instead of waiting forever."""
    data = doc()
    data["services"][1]["service_time"] = {"dist": "exponential", "mean": 2.0}  # auth overloaded
    rep = Replication(model_of(data), seed=5, replication=0, sink=None)
    for part in (*rep.rosters, *rep.sources):
        part.start()
    rep._start_window(0.0)
    rep.book.switch(rep.measured, MEASURED)   # measured from time 0, as the window is
    rep.env.run(until=50.0)
    auth = rep.stations[1]
    assert auth.waiting > 0 and rep.network.held
    auth.withdraw()
    rep.env.run(until=100.0)  # the requests in service at auth finish; later ones are unavailable
    assert not rep.network.held
    assert sum(cell.unavailable for cell in rep.network.measured_cells()) > 0


def test_capacity_check_counts_the_requests_a_service_receives():
    """The traffic equations: log gets all of app's 1.2/h, auth half of it."""
    from stratsim.analysis.capacity import rate_by_hour

    model = model_of(doc())
    rates = {spec.id: rate_by_hour(model, spec)[0] for spec in model.stations}
    assert rates == pytest.approx({"app": 1.2, "auth": 0.6, "log": 1.2})


def _decisions_of_own_customers(data: dict[str, Any], service_id: str, monkeypatch) -> list:
    """(arrival time, targets it will send to) of each customer of segment 0 at ``service_id``."""
    from stratsim.engine import dependencies
    from stratsim.engine.dependencies import DependentStation, Request
    seen: list = []
    arrive = DependentStation.arrive

    def spy(station, customer, now, balk_at):
        admitted = arrive(station, customer, now, balk_at)
        own = not isinstance(customer, Request) and getattr(customer, "origin", None) is None
        if station.spec.id == service_id and own and customer.cell.segment == 0:
            seen.append((now, tuple(edge.spec.target for edge in customer.sends)))
        return admitted

    monkeypatch.setattr(dependencies.DependentStation, "arrive", spy)
    run_replication(model_of(data), seed=4, replication=1)
    monkeypatch.undo()
    return seen


def test_what_else_reaches_a_service_leaves_its_own_customers_decisions_alone(monkeypatch):
    """Common random numbers: b's own customers decide on b=>d alike whether or not requests
    from an upstream edge a=>b, or customers redirected from a retired service c, reach b too
    (each origin of arrivals has its own decision stream; one shared stream per edge handed
    the k-th uniform to whoever arrived k-th, which was then about half of them different)."""
    fast = {"dist": "exponential", "mean": 0.01}

    def data(upstream: bool, fallback: bool) -> dict[str, Any]:
        services = [{"id": "b", "staff": 50, "service_time": fast, "depends_on": [{"service": "d", "share": 0.5}]},
                    {"id": "d", "staff": 50, "service_time": fast},
                    {"id": "a", "staff": 50, "service_time": fast,
                     "depends_on": [{"service": "b", "share": 0.5}] if upstream else []},
                    {"id": "c", "staff": 50, "service_time": fast, **({"retire": 20.0, "fallback": "b"} if fallback else {})}]
        segments = [{"id": "g", "rate": 5.0, "mix": {"b": 1.0}}, {"id": "h", "rate": 5.0, "mix": {"a": 0.5, "c": 0.5}}]
        return doc(services=services, segments=segments, horizon=100.0, warmup=0.0)

    alone = _decisions_of_own_customers(data(False, False), "b", monkeypatch)
    assert len(alone) > 400 and any(sends for _, sends in alone) and not all(sends for _, sends in alone)
    for upstream, fallback in ((True, False), (False, True)):
        assert _decisions_of_own_customers(data(upstream, fallback), "b", monkeypatch) == alone, (upstream, fallback)


def test_rules_see_the_requests_a_service_serves():
    """An internal service serves only requests: a rule's served('auth') over its windows must
    add up to auth's completions of the window (the rules' cells once left the request cells
    out, and saw 0)."""
    sc = scenario([service("app", depends_on=[{"service": "auth", "share": 1.0}]),
                   service("auth", staff=2, service_time={"dist": "exponential", "mean": 0.25},
                           internal=True, price=0.0)],
                  [segment("g", {"app": 1.0}, rate=6.0)],
                  served_look("auth", "app"), horizon=40.0)
    result = run(sc)
    seen = result.seen("look")
    assert len(seen) == 4   # windows [0, 10), …, [30, 40): the whole measured window
    assert sum(seen) == result.record["services"]["auth"]["completed"] > 0


def test_showback_allocates_an_internal_services_launch_cost():
    """auth is a pipeline internal service launched inside the window (launch cost 1000), with
    app, the only service sending it requests: its cost, launch included, is allocated to app, so
    allocated + unallocated = internal cost = auth's cost (showback once left the launch out)."""
    launch = 1000.0
    sc = scenario([service("app", depends_on=[{"service": "auth", "share": 0.5}], status="pipeline", launch=60.0),
                   service("auth", staff=2, internal=True, price=0.0, status="pipeline", launch=60.0,
                           costs={"staff_hour": 4.0, "launch": launch})],
                  [segment("g", {"app": 1.0}, rate=6.0)], horizon=200.0, warmup=20.0)
    record = run(sc).record
    auth, totals = record["services"]["auth"], record["showback_totals"]
    assert auth["cost_launch"] == launch and auth["cost"] > launch
    assert totals["internal_cost"] == auth["cost"]
    assert math.fsum((totals["allocated_cost"], totals["unallocated_cost"])) == totals["internal_cost"]
    assert record["showback"]["app"]["allocated_cost"] == totals["internal_cost"]   # app sent every request
    assert record["showback"]["app"]["margin"] == pytest.approx(
        record["services"]["app"]["profit"] - auth["cost"], rel=1e-12)
