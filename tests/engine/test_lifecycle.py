"""The service lifecycle at run time: pipeline services, launches, retirements, fallbacks, launch cost.

Counts are checked against Poisson: the demand of a pair is a Poisson process, so the number of
its customers redirected (or found unavailable) over a span of T hours at rate λ is Poisson(λ·T);
summed over R independent replications it is Poisson(R·λ·T), whose two-sided 99.9 % interval
(``poisson_count_interval``, from the Poisson variance) is the tolerance. Each count check also
shows it can fail: the same interval excludes the count a deliberately wrong model predicts.
"""

from __future__ import annotations

import pytest
from strategy_testkit import run, scenario, segment, service, within_poisson

from stratsim.engine.compile import compile_scenario
from stratsim.engine.strategy import APPLIED, REFUSED

RATE = 20.0          # customers per hour of segment g, half to each service
REPLICATIONS = 8


def _pipeline(**extra) -> list[dict]:
    chat = service("chat", status="pipeline", launch=100.0, costs={"launch": 5000}, **extra)
    return [chat, service("desk")]


def _total(sc, path: tuple[str, str, str]) -> int:
    level, sid, kpi = path
    return sum(run(sc, replication=r).record[level][sid][kpi] for r in range(REPLICATIONS))


def test_a_pipeline_service_serves_nobody_and_has_no_staff_before_its_launch() -> None:
    sc = scenario(_pipeline(fallback="desk"), [segment("g", {"chat": 0.5, "desk": 0.5}, rate=RATE)])
    bins = run(sc).bins["chat"]
    before = [row for row in bins if row.time_h + row.bin_h <= 100.0]
    after = [row for row in bins if row.time_h >= 100.0]
    assert before and all(row.arrivals == row.started == 0 and row.staffed_mean == 0 for row in before)
    assert all(row.staffed_mean == 200 for row in after)
    assert sum(row.started for row in after) > 0.9 * 0.5 * RATE * 200


def test_the_fallback_receives_the_demand_of_the_pipeline_service_until_the_launch() -> None:
    """Measured from the warm-up (50 h) to the launch (100 h): λ·T = 10/h × 50 h per replication."""
    sc = scenario(_pipeline(fallback="desk"), [segment("g", {"chat": 0.5, "desk": 0.5}, rate=RATE)],
                  warmup=50.0)
    redirected = _total(sc, ("services", "desk", "redirected"))
    expected = REPLICATIONS * 0.5 * RATE * (100.0 - 50.0)
    assert within_poisson(redirected, expected)
    wrong = REPLICATIONS * 0.5 * RATE * 100.0   # wrong model: redirected from time 0, warm-up counted
    assert not within_poisson(redirected, wrong)
    record = run(sc).record
    assert record["services"]["chat"]["unavailable"] == 0 and record["services"]["chat"]["redirected"] == 0
    # a redirected customer is one arrival, at the fallback: the portfolio counts it once
    assert record["kpis"]["arrivals"] == record["services"]["chat"]["arrivals"] + record["services"]["desk"]["arrivals"]


def test_without_a_fallback_the_demand_before_launch_is_unavailable() -> None:
    sc = scenario(_pipeline(), [segment("g", {"chat": 0.5, "desk": 0.5}, rate=RATE)], warmup=50.0)
    unavailable = _total(sc, ("services", "chat", "unavailable"))
    expected = REPLICATIONS * 0.5 * RATE * 50.0
    assert within_poisson(unavailable, expected)
    assert not within_poisson(unavailable, expected * 2)   # wrong: unavailable from time 0
    assert _total(sc, ("services", "desk", "redirected")) == 0


def test_a_retired_service_receives_nothing_after_its_retirement() -> None:
    services = [service("old", retire=150.0), service("desk")]
    sc = scenario(services, [segment("g", {"old": 0.5, "desk": 0.5}, rate=RATE)])
    one = run(sc)
    after = [row for row in one.bins["old"] if row.time_h >= 150.0]
    assert after and all(row.started == row.staffed_mean == 0 for row in after)  # arrivals: unavailable
    assert sum(row.arrivals for row in one.bins["old"] if row.time_h < 150.0) > 0
    assert [r.outcome for r in one.rows("old.retire")] == [APPLIED]
    unavailable = _total(sc, ("services", "old", "unavailable"))
    expected = REPLICATIONS * 0.5 * RATE * (300.0 - 150.0)
    assert within_poisson(unavailable, expected)
    assert not within_poisson(unavailable, REPLICATIONS * 0.5 * RATE * 300.0)


def test_a_plan_retirement_of_a_catalogue_service_sends_its_demand_to_its_fallback() -> None:
    plan = {"plan": {"actions": [{"at": 150.0, "retire": "old"}]}}
    sc = scenario([service("old", fallback="desk"), service("desk")],
                  [segment("g", {"old": 0.5, "desk": 0.5}, rate=RATE)], plan)
    redirected = _total(sc, ("services", "desk", "redirected"))
    assert within_poisson(redirected, REPLICATIONS * 0.5 * RATE * 150.0)
    assert not within_poisson(redirected, REPLICATIONS * 0.5 * RATE * 300.0)
    assert _total(sc, ("services", "old", "unavailable")) == 0


def test_a_service_retired_from_the_start_is_never_offered_and_falls_back() -> None:
    services = [service("old", status="retired", fallback="desk"), service("desk")]
    sc = scenario(services, [segment("g", {"old": 0.5, "desk": 0.5}, rate=RATE)])
    record = run(sc).record["services"]
    assert record["old"]["arrivals"] == record["old"]["staffed_hours"] == record["old"]["cost"] == 0
    assert within_poisson(record["desk"]["redirected"], 0.5 * RATE * 300.0)


def test_the_fallback_chain_takes_the_first_service_offered() -> None:
    """chat (pipeline) → bot (pipeline, launched at 60 h) → desk: before 60 h desk takes chat's
    demand, from 60 h to 100 h bot does."""
    services = [service("chat", status="pipeline", launch=100.0, fallback="bot"),
                service("bot", status="pipeline", launch=60.0, fallback="desk"), service("desk")]
    sc = scenario(services, [segment("g", {"chat": 0.5, "desk": 0.5}, rate=RATE)])
    desk = _total(sc, ("services", "desk", "redirected"))
    bot = _total(sc, ("services", "bot", "redirected"))
    assert within_poisson(desk, REPLICATIONS * 0.5 * RATE * 60.0)
    assert within_poisson(bot, REPLICATIONS * 0.5 * RATE * 40.0)
    assert not within_poisson(bot, REPLICATIONS * 0.5 * RATE * 100.0)


def test_the_launch_cost_is_booked_once_in_the_window_that_holds_the_launch() -> None:
    segments = [segment("g", {"chat": 0.5, "desk": 0.5}, rate=2.0)]
    inside = run(scenario(_pipeline(fallback="desk"), segments, warmup=50.0)).record
    assert inside["services"]["chat"]["cost_launch"] == 5000 == inside["kpis"]["cost_launch"]
    assert inside["services"]["desk"]["cost_launch"] == 0
    before = run(scenario(_pipeline(fallback="desk"), segments, warmup=120.0)).record
    assert before["services"]["chat"]["cost_launch"] == 0   # launched during the warm-up
    never = run(scenario([service("chat", status="pipeline", launch=400.0, costs={"launch": 5000}),
                          service("desk")], segments)).record
    assert never["kpis"]["cost_launch"] == 0   # after the horizon
    # a plan action launches it earlier: the file's launch is then refused, and nothing is booked twice
    plan = {"plan": {"actions": [{"at": 80.0, "launch": "chat", "name": "early"}]}}
    twice = run(scenario(_pipeline(fallback="desk"), segments, plan, warmup=50.0))
    assert twice.record["services"]["chat"]["cost_launch"] == 5000
    assert [r.outcome for r in twice.rows("early")] == [APPLIED]
    assert [(r.outcome, r.detail) for r in twice.rows("chat.launch")] == [(REFUSED, "already offered")]
    assert twice.record["services"]["chat"]["cost"] == pytest.approx(5000)


def test_a_plan_action_launches_a_pipeline_service_without_a_launch_time() -> None:
    plan = {"plan": {"actions": [{"at": 100.0, "launch": "chat"}]}}
    sc = scenario([service("chat", status="pipeline", fallback="desk"), service("desk")],
                  [segment("g", {"chat": 0.5, "desk": 0.5}, rate=RATE)], plan)
    bins = run(sc).bins["chat"]
    assert all(row.arrivals == 0 for row in bins if row.time_h < 100.0)
    assert sum(row.arrivals for row in bins if row.time_h >= 100.0) > 0


def test_fixed_cost_runs_only_while_the_service_is_offered() -> None:
    services = [service("chat", status="pipeline", launch=100.0, costs={"fixed_per_day": 24.0},
                        fallback="desk"), service("desk")]
    record = run(scenario(services, [segment("g", {"chat": 0.5, "desk": 0.5}, rate=2.0)], warmup=50.0)).record
    assert record["services"]["chat"]["cost_fixed"] == pytest.approx(24.0 * (300.0 - 100.0) / 24.0)


def test_a_run_time_retirement_live_services_depend_on_is_refused_and_logged() -> None:
    """A file's ``retire`` under a live dependent is refused when the file is checked; a plan
    action (or a review) that would do the same at run time is refused and logged instead."""
    services = [service("old"), service("desk", depends_on=[{"service": "old", "share": 0.1}])]
    plan = {"plan": {"actions": [{"at": 150.0, "retire": "old", "name": "sunset"}]}}
    one = run(scenario(services, [segment("g", {"old": 0.5, "desk": 0.5}, rate=2.0)], plan))
    rows = one.rows("sunset")
    assert [r.outcome for r in rows] == [REFUSED] and "live services depend on it (desk)" in rows[0].detail
    assert one.record["services"]["old"]["unavailable"] == 0
    with pytest.raises(ValueError, match="which retires at 150h"):
        scenario([service("old", retire=150.0), *services[1:]],
                 [segment("g", {"old": 0.5, "desk": 0.5}, rate=2.0)])


def test_a_scenario_without_lifecycle_fields_compiles_as_before() -> None:
    sc = scenario([service("a", fallback="b"), service("b")], [segment("g", {"a": 0.5, "b": 0.5})])
    model = compile_scenario(sc)
    assert model.lifecycle is None and model.strategy is None and model.extra_pairs == ()
    plain = scenario([service("a"), service("b")], [segment("g", {"a": 0.5, "b": 0.5})])
    assert run(sc).record == run(plain).record
