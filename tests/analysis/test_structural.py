"""KPIs a scenario makes zero by construction: decided on the compiled model, checked by a run."""

from __future__ import annotations

import pytest

from stratsim.analysis.structural import structurally_zero_kpis, zero_kpis_by_service
from stratsim.engine.compile import compile_scenario
from stratsim.runner.simulation import simulate
from stratsim.scenario import load_scenario_text

# Two overloaded services: "full" has every way of losing a customer, "plain" none of them.
SCENARIO = """\
stratsim: 1
name: zeros
horizon: 2d
replications: 3
services:
  - {{id: full, staff: 1, queue_capacity: 3, service_time: {{dist: exponential, mean: 30min}}}}
  - {{id: plain, staff: 1{plain_capacity}, service_time: {{dist: exponential, mean: 30min}}}}
segments:
  - {{id: impatient, rate: 2, mix: {{full: 1}}, balk_at: 1, patience: {{dist: exponential, mean: 10min}}}}
  - {{id: pushy, rate: 2, mix: {{full: 1}}}}
  - {{id: calm, rate: 1.5, mix: {{plain: 1}}}}
"""
ALWAYS = {"unavailable", "unavailable_share", "deferred", "deferred_share", "redirected",
          "redirected_share", "complaints", "complaints_share", "churned", "churned_share"}
LOSSES = {"blocked", "blocked_share", "balked", "balked_share", "reneged", "reneged_share"}


def model(plain_capacity: str = ""):
    return compile_scenario(load_scenario_text(SCENARIO.format(plain_capacity=plain_capacity)))


def test_each_service_gets_the_kpis_its_own_rules_make_zero() -> None:
    zeros = zero_kpis_by_service(model())
    assert zeros["full"] == ALWAYS
    assert zeros["plain"] == ALWAYS | LOSSES


def test_the_scenario_hides_only_what_is_zero_at_every_service() -> None:
    assert structurally_zero_kpis(model()) == ALWAYS


def test_no_waiting_room_means_no_balking_and_no_reneging() -> None:
    text = SCENARIO.format(plain_capacity="").replace("queue_capacity: 3", "queue_capacity: 0")
    zeros = zero_kpis_by_service(compile_scenario(load_scenario_text(text)))
    assert zeros["full"] == ALWAYS | {"balked", "balked_share", "reneged", "reneged_share"}


def test_a_finite_waiting_room_can_block() -> None:
    zeros = zero_kpis_by_service(model(", queue_capacity: 2"))
    assert "blocked" not in zeros["plain"] and {"balked", "reneged"} <= zeros["plain"]


@pytest.mark.parametrize(("balk_at", "zero", "possible"), [
    (2, "blocked", "balked"),   # everyone balks at 2 waiting: the 3 places never fill
    (3, "balked", "blocked"),   # 3 waiting fill the room: blocked, decided before balking
    (4, "balked", "blocked"),
])
def test_balking_against_the_waiting_room(balk_at: int, zero: str, possible: str) -> None:
    text = SCENARIO.format(plain_capacity="").replace("rate: 2, mix: {full: 1}, balk_at: 1",
                                                      f"rate: 8, mix: {{full: 1}}, balk_at: {balk_at}")
    text = text.replace("  - {id: pushy, rate: 2, mix: {full: 1}}\n", "")
    scenario = load_scenario_text(text)
    zeros = zero_kpis_by_service(compile_scenario(scenario))["full"]
    assert zero in zeros and possible not in zeros
    reps = [record["services"]["full"] for record in simulate(scenario).records]
    assert all(kpis[zero] == 0 for kpis in reps) and sum(kpis[possible] for kpis in reps) > 0


@pytest.fixture(scope="module")
def records():
    scenario = load_scenario_text(SCENARIO.format(plain_capacity=""))
    return compile_scenario(scenario), simulate(scenario).records


def test_a_run_agrees_kpis_declared_zero_are_zero(records) -> None:
    compiled, reps = records
    for service, zeros in zero_kpis_by_service(compiled).items():
        for record in reps:
            kpis = record["services"][service]
            assert all(kpis[k] in (0, None) for k in zeros if k in kpis), (service, kpis)


def test_a_run_shows_the_others_are_not_zero_by_construction(records) -> None:
    """The overloaded "full" service loses customers in every way it allows (the rule hides no
    KPI that can be non-zero)."""
    _, reps = records
    for kpi in ("blocked", "balked", "reneged"):
        assert sum(record["services"]["full"][kpi] for record in reps) > 0, kpi


def test_lifecycle_and_relationship_kpis_are_shown_where_they_can_be_non_zero() -> None:
    text = SCENARIO.format(plain_capacity="").replace(
        "  - {id: plain, staff: 1,", "  - {id: plain, staff: 1, status: pipeline, launch: 1d, fallback: full,"
    ).replace("{id: calm, rate: 1.5, mix: {plain: 1}}", "{id: calm, rate: 1.5, mix: {plain: 1}, customers: 50}")
    zeros = zero_kpis_by_service(compile_scenario(load_scenario_text(text)))
    assert not {"unavailable", "complaints", "churned"} & zeros["plain"]
    assert "redirected" not in zeros["full"] and "unavailable" in zeros["full"]
    assert {"complaints", "churned"} <= zeros["full"]  # its segments have no relationship


@pytest.mark.parametrize("capacity", ["", ", queue_capacity: 2"])
def test_a_complaints_desk_gets_requests_that_never_balk_or_renege_and_can_be_blocked(capacity: str) -> None:
    """The calm segment's complaints go to "desk" as requests (no patience, no balking): the
    desk can block them only with a finite waiting room; nobody of the segments is its customer,
    so no complaint is made there."""
    text = SCENARIO.format(plain_capacity="").replace(
        "segments:", f"  - {{id: desk, staff: 1{capacity}, service_time: {{dist: exponential, mean: 30min}}}}\n"
                     "segments:").replace(
        "{id: calm, rate: 1.5, mix: {plain: 1}}",
        "{id: calm, rate: 1.5, mix: {plain: 1}, complaints: {probability: 1, desk: desk}}")
    zeros = zero_kpis_by_service(compile_scenario(load_scenario_text(text)))
    assert {"balked", "reneged", "complaints", "churned"} <= zeros["desk"]
    assert ("blocked" in zeros["desk"]) == (capacity == "")
