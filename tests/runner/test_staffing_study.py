"""Staffing verified by simulation: the proofs of ``stratsim staff``.

Sizing: every scenario here repeats one day all week, so the 24 hourly intervals pool the
customers of 7 days (the study groups days with identical demand); one measured week and
10 replications then give each busy interval a few hundred customers, and a 95 % interval
of a few points of attainment — enough to tell the Erlang answer from one server fewer
(the M/M/c case below: 0.92 against 0.72 at the target 0.8). Each test runs 2–20
simulations of ~0.1 s.
"""

from __future__ import annotations

import math

import pytest

from stratsim.analysis.queueing import staff_for_wait_target
from stratsim.analysis.staffing import MET, MISSED, acceptable, judge, parse_target
from stratsim.engine.compile import compile_scenario
from stratsim.engine.rng import entity_key, pair_id
from stratsim.runner.replications import run_replications
from stratsim.runner.staffing_study import StaffingStudy, plan_staffing
from stratsim.scenario import load_scenario_text
from tests.conftest import SMALL_SCENARIO

TARGET = parse_target("80%/20min")


def one_day_scenario(daily: str, rate: float = 1.0, service_time: str = "30min",
                     extra: str = "") -> str:
    return f"""\
stratsim: 1
name: day
horizon: 8d
warmup: 1d
replications: 10
seed: 3
services:
  - id: desk
    staff: 1
    service_time: {{dist: exponential, mean: {service_time}}}
segments:
  - id: callers
    rate: {rate}
    daily_profile: {daily}
    mix: {{desk: 1}}
{extra}"""


def test_stationary_mmc_is_staffed_as_erlang_c_and_meets_the_target():
    """M/M/c, λ = 12/h, mean service 30 min (6 Erlangs), 80 % within 20 min: Erlang C asks
    for 8 servers (service level 0.92; with 7 it would be 0.72). Every hour gets 8 ± 1, and
    every hour's whole 95 % interval is at or above 0.8 in simulation."""
    scenario = load_scenario_text(one_day_scenario("flat", rate=12.0))
    plan = plan_staffing(scenario, "desk", TARGET)
    erlang_c = staff_for_wait_target(12.0, 2.0, TARGET.wait_h, TARGET.attainment)
    assert erlang_c == 8
    assert set(plan.erlang_staff) == {erlang_c}
    assert all(abs(s - erlang_c) <= 1 for s in plan.search.staff)
    assert plan.reachable and all(judge(r, TARGET.attainment) == MET for r in plan.results)
    # the check can fail: with one server fewer all week, no hour is shown to meet it
    study = StaffingStudy(scenario, "desk", TARGET)
    assert not any(acceptable(r, TARGET.attainment) for r in study.evaluate([erlang_c - 1] * 24))


def test_a_time_varying_day_needs_fewer_staff_hours_than_any_flat_roster_meeting_it():
    """Office demand (the business-hours profile, 6 calls an hour on average, 15-minute
    calls): the recommendation meets the target in every hour; the flat rosters are tried
    by the same simulation from one below the busiest hour's staff upwards, and the fewest
    staff that meets it in every hour costs more staff-hours."""
    scenario = load_scenario_text(one_day_scenario("business-hours", rate=6.0, service_time="15min"))
    plan = plan_staffing(scenario, "desk", TARGET)
    assert plan.reachable and all(acceptable(r, TARGET.attainment) for r in plan.results)
    study = StaffingStudy(scenario, "desk", TARGET)
    flat = max(plan.search.staff) - 1
    while not all(acceptable(r, TARGET.attainment) for r in study.evaluate([flat] * study.intervals)):
        flat += 1
    assert flat >= max(plan.erlang_staff) - 1
    assert plan.staff_hours_per_week < 168 * flat
    assert not all(acceptable(r, TARGET.attainment)
                   for r in study.evaluate([max(plan.search.staff) - 2] * study.intervals))


def test_a_busy_hours_backlog_breaks_erlang_next_hour_and_the_repair_fixes_it():
    """40 calls at 10:00–11:00, then 2: Erlang C staffs 11:00 for its own 2 calls (2 servers),
    but at 11:00 twenty servers are still busy with 30-minute calls from the peak and
    nobody new can start until the busy count falls below 2. In simulation 11:00 misses
    the target (its whole interval below 0.8); after repair every hour meets it."""
    daily = "[0,0,0,0,0,0,0,0, 4,6,40,2, 6,6,6,6, 3,2,0,0, 0,0,0,0]"
    scenario = load_scenario_text(one_day_scenario(daily))
    plan = plan_staffing(scenario, "desk", TARGET)
    assert plan.erlang_staff[11] == 2
    assert judge(plan.erlang_results[11], TARGET.attainment) == MISSED
    assert plan.erlang_results[11].ci95[1] < TARGET.attainment
    assert plan.reachable and judge(plan.results[11], TARGET.attainment) == MET
    assert plan.search.staff[11] > plan.erlang_staff[11] + 5
    assert all(acceptable(r, TARGET.attainment) for r in plan.results)


def test_an_unreachable_target_is_reported_with_the_best_found():
    scenario = load_scenario_text(one_day_scenario("flat", rate=12.0))
    plan = plan_staffing(scenario, "desk", TARGET, max_staff=6)
    assert not plan.reachable and "most staff" in plan.search.reason
    assert set(plan.search.staff) == {6}
    assert all(judge(r, TARGET.attainment) == MISSED for r in plan.results)


def test_shifts_cover_the_requirement_and_are_verified():
    scenario = load_scenario_text(one_day_scenario("business-hours", rate=6.0, service_time="15min"))
    plan = plan_staffing(scenario, "desk", TARGET, shift_h=8, shrinkage=0.25)
    requirement = plan.grid.expand(plan.search.staff)
    assert plan.shifts is not None and plan.shifts.length_h == 8
    assert all(c >= r for c, r in zip(plan.hourly_staff, requirement))
    assert plan.staff_hours_per_week == plan.shifts.staff_hours == 8 * sum(plan.shifts.counts)
    assert plan.reachable and all(acceptable(r, TARGET.attainment) for r in plan.results)
    assert plan.scheduled_hours_per_week == pytest.approx(plan.staff_hours_per_week / 0.75)


# ---------------------------------------------------------------------------------------
# the rewritten scenario measures the same system


def test_the_split_demand_is_the_original_demand():
    """Per hour of the week, the interval segments' rates add up to the original pair's;
    other services keep their pairs (same random-stream keys, same rates)."""
    scenario = load_scenario_text(SMALL_SCENARIO)
    study = StaffingStudy(scenario, "desk", TARGET)
    original = compile_scenario(scenario)
    rewritten = compile_scenario(study.scenario_with([3] * 168))
    desk = original.stations[0].index

    def rates(model, keep):
        total = [0.0] * 168
        for demand in model.demands:
            if keep(demand):
                total = [a + b for a, b in zip(total, demand.rate_by_hour)]
        return total

    assert rates(rewritten, lambda d: d.station_index == desk) == pytest.approx(
        rates(original, lambda d: d.station_index == desk), rel=1e-12)
    backup = {(d.entity, d.rate_by_hour) for d in original.demands if d.station_index != desk}
    assert backup == {(d.entity, d.rate_by_hour) for d in rewritten.demands if d.station_index != desk}
    assert entity_key(pair_id("staff", "backup")) in {e for e, _ in backup}
    owner = study.grid.interval_of_hour()
    segment_ids = [segment.id for segment in rewritten.segments]
    for interval, ids in enumerate(study.clones):   # each part arrives only in its interval
        for clone in ids:
            demand = next(d for d in rewritten.demands if d.segment_index == segment_ids.index(clone))
            assert {owner[h] for h, r in enumerate(demand.rate_by_hour) if r > 0} == {interval}


def test_interval_attainments_pool_back_to_the_service_attainment():
    """Pooled over the intervals with their customers as weights, the per-interval SLA
    attainment is the service's own (tiers, patience, balking, two segments): nothing is
    lost or counted twice. Checked replication by replication."""
    scenario = load_scenario_text(SMALL_SCENARIO)
    study = StaffingStudy(scenario, "desk", TARGET, replications=3)
    hourly = [2] * 168
    records = run_replications(compile_scenario(study.scenario_with(hourly)), study.seed, 3)
    for record in records:
        hits = judged = 0.0
        for ids in study.clones:
            for clone in ids:
                kpis = record["segments"][clone]
                weight = kpis["served"] + kpis["reneged"] + kpis["unfinished"]
                if weight:
                    hits += kpis["sla_attainment"] * weight
                    judged += weight
        service = record["services"]["desk"]
        assert service["unfinished"] == 0
        assert hits / judged == pytest.approx(service["sla_attainment"], rel=1e-12)
        assert 0 < service["reneged"]   # patience is in play


def test_erlang_a_start_when_customers_renege():
    """SMALL_SCENARIO's desk: segment staff (4 an hour at profile 1, patience 30 min) and
    branches (1 an hour, no patience): the abandonment rate of an hour is the arrival-
    weighted mean of 1/patience."""
    scenario = load_scenario_text(SMALL_SCENARIO)
    study = StaffingStudy(scenario, "desk", TARGET)
    ten = study.loads[10]   # the weekday at 10:00: business-hours factor 2.6
    staff_rate, branch_rate = 5 * 0.8 * 2.6, 1.0
    assert ten.arrival_rate == pytest.approx(staff_rate + branch_rate)
    assert ten.abandonment_rate == pytest.approx(2.0 * staff_rate / (staff_rate + branch_rate))
    assert ten.offered_load == pytest.approx(ten.arrival_rate / 3)
    assert math.isfinite(study.erlang()[10])
