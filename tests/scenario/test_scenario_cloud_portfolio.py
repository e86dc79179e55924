"""The cloud-portfolio example and its variant say true things about themselves: a portfolio of
8 to 12 services on shared identity, network and storage, a launch and a retirement inside the
year, and a short run whose flows and showback add up."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from stratsim.analysis.capacity import staff_by_hour
from stratsim.clock import HOURS_PER_WEEK
from stratsim.engine.compile import compile_scenario
from stratsim.portfolio.graph import portfolio_graph
from stratsim.portfolio.impact import dependents
from stratsim.runner.results import manifest, write_run_files
from stratsim.runner.simulation import simulate
from stratsim.scenario import load_scenario
from stratsim.scenario.models import Scenario

SCENARIOS = Path(__file__).parents[2] / "scenarios"
BASELINE = SCENARIOS / "cloud-portfolio.yaml"
VARIANT = SCENARIOS / "cloud-portfolio-identity-evening.yaml"
SHARED = ("identity", "network", "storage")
HOURS_PER_YEAR = 8760.0
SHORT_WEEKS = 27
"""A short run still past the launch (week 13) and the retirement (week 26)."""


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def variant() -> Scenario:
    return load_scenario(VARIANT)


def _service(scenario: Scenario, service_id: str):
    return next(s for s in scenario.services if s.id == service_id)


def test_both_files_validate_as_a_year_of_20_replications(baseline: Scenario, variant: Scenario) -> None:
    for scenario in (baseline, variant):
        assert scenario.horizon == HOURS_PER_YEAR and scenario.replications == 20
        measured_h = scenario.horizon - scenario.warmup
        assert scenario.warmup > 0 and measured_h % HOURS_PER_WEEK == 0   # whole weeks measured
    assert variant.name != baseline.name


def test_a_portfolio_of_8_to_12_services_on_shared_identity_network_and_storage(baseline: Scenario) -> None:
    assert 8 <= len(baseline.services) <= 12
    graph = portfolio_graph(baseline)
    facing = {s.id for s in baseline.services if not s.internal}
    for shared in SHARED:
        assert _service(baseline, shared).internal, shared
        assert set(dependents(graph, shared)) & facing, shared   # customer-facing services rest on it
    modes = [edge.mode for service in baseline.services for edge in service.depends_on]
    assert "blocking" in modes and modes.count("async") > modes.count("blocking")
    for service in baseline.services:
        assert (service.price > 0) == (service.id in facing), service.id   # priced exactly when sold


def test_a_pipeline_service_launches_and_a_legacy_service_retires_within_the_year(baseline: Scenario) -> None:
    graph = portfolio_graph(baseline)
    (pipeline,) = [s for s in baseline.services if s.status == "pipeline"]
    assert baseline.warmup < pipeline.launch < baseline.horizon   # its launch cost falls in the window
    assert pipeline.costs.launch > 0 and _service(baseline, pipeline.fallback).status == "catalogue"
    (retiring,) = [s for s in baseline.services if s.retire is not None]
    assert pipeline.launch < retiring.retire < baseline.horizon
    assert _service(baseline, retiring.fallback).status == "catalogue"
    assert list(graph.predecessors(retiring.id)) == []   # nothing live depends on it after retirement


def test_segments_a_customer_base_a_complaints_desk_and_a_budget(baseline: Scenario) -> None:
    assert len(baseline.segments) >= 3
    assert len({(str(s.daily_profile), str(s.weekly_profile)) for s in baseline.segments}) >= 2
    based = [s for s in baseline.segments if s.customers is not None]
    assert based and all(s.complaints is not None and s.complaints.desk for s in based)
    desk = _service(baseline, based[0].complaints.desk)
    assert all(desk.id not in s.mix for s in baseline.segments)
    assert baseline.strategy.plan.budget is not None and baseline.strategy.plan.budget.per_month > 0
    assert baseline.strategy.perspective.objectives and baseline.strategy.perspective.constraints


def test_the_variant_adds_one_identity_engineer_every_evening_and_changes_nothing_else(
        baseline: Scenario, variant: Scenario) -> None:
    assert variant.services == baseline.services and variant.segments == baseline.segments
    rosters = baseline.strategy.pattern.rosters
    assert {k: v for k, v in variant.strategy.pattern.rosters.items() if k != "identity"} == {
        k: v for k, v in rosters.items() if k != "identity"}
    staff = {name: staff_by_hour(next(st for st in compile_scenario(sc).stations if st.id == "identity"))
             for name, sc in (("baseline", baseline), ("variant", variant))}
    added = [v - b for b, v in zip(staff["baseline"], staff["variant"])]
    assert added == [1.0 if hour % 24 >= 18 else 0.0 for hour in range(HOURS_PER_WEEK)]
    measured_days = (variant.horizon - variant.warmup) / 24
    extra_hours = 6 * measured_days                        # the header's "about 2,200 engineer-hours"
    assert extra_hours == pytest.approx(2200, rel=0.01)
    assert extra_hours * _service(variant, "identity").costs.staff_hour == pytest.approx(160_000, rel=0.02)


@pytest.fixture(scope="module")
def short_run(tmp_path_factory, baseline: Scenario):
    """One replication of the first 27 weeks: past the launch and the retirement."""
    folder = tmp_path_factory.mktemp("cloud-portfolio")
    short = baseline.model_copy(update={"horizon": SHORT_WEEKS * HOURS_PER_WEEK})
    result = simulate(short, replications=1, timeseries_dir=folder)
    write_run_files(folder, result, manifest(result, scenario_file=None, scenario_file_sha256=None, jobs=1,
                                             backend="serial", started_at="", wall_time_s=0.0, warnings=[]))
    return result.records[0], json.loads((folder / "summary.json").read_text())


def test_a_short_run_has_a_flow_on_every_edge(baseline: Scenario, short_run) -> None:
    _, summary = short_run
    edges = {(s.id, d.service): d for s in baseline.services for d in s.depends_on}
    flows = {(f["from"], f["to"]): f for f in summary["flows"]}
    assert set(flows) == set(edges)
    for key, flow in flows.items():
        assert flow["sent"]["mean"] > 0, key
        assert flow["realised_share"]["mean"] == pytest.approx(edges[key].share, abs=0.05), key
        assert (flow.get("added_sojourn_mean_min") is not None) == (edges[key].mode == "blocking"), key


def test_a_short_run_shows_back_exactly_the_internal_cost(baseline: Scenario, short_run) -> None:
    record, summary = short_run
    internal = [s.id for s in baseline.services if s.internal]
    totals = record["showback_totals"]
    assert totals["internal_cost"] == pytest.approx(math.fsum(record["services"][s]["cost"] for s in internal),
                                                    rel=1e-12)
    allocated = math.fsum(v["allocated_cost"] for v in record["showback"].values())
    assert allocated + totals["unallocated_cost"] == pytest.approx(totals["internal_cost"], rel=1e-12)
    desk = baseline.segments[0].complaints.desk
    assert totals["unallocated_cost"] == pytest.approx(record["services"][desk]["cost"], rel=1e-9)  # nobody sends it requests
    facing = {s.id for s in baseline.services if not s.internal}
    assert set(summary["finance"]["showback"]["services"]) == facing
    assert all(record["showback"][s]["allocated_cost"] > 0 for s in facing)   # each one uses a shared service


def test_a_short_run_launches_once_and_sends_demand_to_the_fallbacks(baseline: Scenario, short_run) -> None:
    record, _ = short_run
    (pipeline,) = [s for s in baseline.services if s.status == "pipeline"]
    assert record["services"][pipeline.id]["cost_launch"] == pipeline.costs.launch
    assert record["services"][pipeline.fallback]["redirected"] > 0
    fired = record["rules"]
    assert fired[f"{pipeline.id}.launch"]["fired"] == 1
    (retiring,) = [s for s in baseline.services if s.retire is not None]
    assert fired[f"{retiring.id}.retire"]["fired"] == 1


def test_a_short_run_s_budget_months_add_up_to_its_cost(baseline: Scenario, short_run) -> None:
    """With a launch and a retirement inside the window, the months still add up to the cost."""
    record, summary = short_run
    months = [record["months"][str(k)]["cost"] for k in range(1, len(record["months"]) + 1)]
    assert len(months) == math.ceil((SHORT_WEEKS * HOURS_PER_WEEK - baseline.warmup) / (30 * 24))   # 30-day months
    assert math.fsum(months) == pytest.approx(record["kpis"]["cost"] - record["kpis"]["promotion_cost"], rel=1e-12)
    assert [m["month"] for m in summary["finance"]["budget"]["months"]] == list(range(1, len(months) + 1))
