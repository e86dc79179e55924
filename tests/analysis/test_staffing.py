"""The pure parts of staffing: targets, the interval grid, the search, shifts and rosters.

The search is driven here by deterministic stand-ins for the simulation, whose answer is
known, so that what is tested is the search itself; the simulation-backed proofs are in
``tests/runner/test_staffing.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pytest

from stratsim.analysis.queueing import staff_for_service_level
from stratsim.analysis.staffing import (
    MET,
    MISSED,
    NO_DEMAND,
    UNDECIDED,
    IntervalLoad,
    IntervalResult,
    ServiceTarget,
    ShiftError,
    colour_groups,
    day_spec,
    erlang_staff,
    group_days,
    judge,
    parse_interval,
    parse_shift_starts,
    parse_target,
    plan_shifts,
    roster_windows,
    scheduled_staff,
    search_staffing,
    weekly_grid,
)
from stratsim.scenario.rosters import RosterWindow
from stratsim.strategy.rosters import weekly_schedule

TARGET = 0.8
MEETS = IntervalResult(0.9, (0.85, 0.95), 10)
UNSURE = IntervalResult(0.8, (0.75, 0.85), 10)
MISSES = IntervalResult(0.5, (0.45, 0.55), 10)


# ---------------------------------------------------------------------------------------
# the question


def test_target_and_interval_parsing():
    target = parse_target("80%/20min")
    assert (target.attainment, target.wait_h) == (0.8, pytest.approx(1 / 3))
    assert str(target) == "80%/20min"
    assert str(parse_target(" 95 % / 8h ")) == "95%/8h"
    assert parse_interval("1h") == 1 and parse_interval("4h") == 4 and parse_interval("1d") == 24
    for bad in ("80/20min", "80%", "100%/20min", "0%/1h", "80%/soon"):
        with pytest.raises(ValueError, match="expected|percentage"):
            parse_target(bad)
    for bad in ("30min", "5h", "1.5h", "2d"):
        with pytest.raises(ValueError, match="dividing a day"):
            parse_interval(bad)


def test_judge_reads_the_whole_interval():
    assert judge(MEETS, TARGET) == MET
    assert judge(UNSURE, TARGET) == UNDECIDED
    assert judge(MISSES, TARGET) == MISSED
    assert judge(IntervalResult(None, None, 0), TARGET) == NO_DEMAND
    assert judge(IntervalResult(1.0, (1.0, 1.0), 5), TARGET) == MET   # zero variance
    assert judge(IntervalResult(0.9, None, 1), TARGET) == MET          # one replication: its mean
    assert judge(IntervalResult(0.7, None, 1), TARGET) == MISSED


def test_erlang_staff_is_each_interval_on_its_own():
    target = ServiceTarget(0.8, 1 / 3)
    loads = [IntervalLoad(0.0, 0.0, 0.0), IntervalLoad(12.0, 6.0, 0.0), IntervalLoad(12.0, 6.0, 1.5)]
    assert erlang_staff(loads, target) == [
        0,
        staff_for_service_level(12.0, 2.0, 1 / 3, 0.8),
        staff_for_service_level(12.0, 2.0, 1 / 3, 0.8, 1.5),
    ]


def test_scheduled_staff_divides_by_what_shrinkage_leaves():
    assert scheduled_staff(7, 0.3) == 10    # 7 / 0.7 = 10 exactly: no rounding up past it
    assert scheduled_staff(8, 0.3) == 12    # 11.43 → 12
    assert scheduled_staff(0, 0.3) == 0 and scheduled_staff(5, 0.0) == 5


# ---------------------------------------------------------------------------------------
# the interval grid


def test_days_with_the_same_demand_share_intervals():
    weekday, weekend = [1.0] * 24, [0.5] * 24
    grid = group_days([weekday] * 5 + [weekend] * 2, 4)
    assert grid.day_groups == ((0, 1, 2, 3, 4), (5, 6)) and grid.slots == 6 and grid.size == 12
    assert grid.label(1) == "mon-fri 04:00–08:00" and grid.label(6) == "sat-sun 00:00–04:00"
    assert grid.hours(6) == [120, 121, 122, 123, 144, 145, 146, 147]
    hourly = grid.expand(list(range(12)))
    assert hourly[24 + 9] == 2 and hourly[5 * 24 + 23] == 11 and len(hourly) == 168
    neighbours = grid.neighbours()
    assert neighbours[1] == {0, 2}
    assert neighbours[5] == {0, 4, 6}    # weekday evenings run into weekday and Saturday nights
    assert neighbours[6] == {5, 7, 11}   # Saturday night follows Friday's and Sunday's evenings
    assert weekly_grid(24).size == 7 and weekly_grid(24).neighbours()[0] == {1, 6}


# ---------------------------------------------------------------------------------------
# the search, against stand-ins with a known answer


def threshold_evaluator(need: Sequence[int], calls: list[list[int]] | None = None,
                        backlog: bool = True):
    """Meets at ``need``, undecided one below, misses further below; with ``backlog``, a
    shortfall upstream adds to the need downstream (as a busy hour's queue does)."""

    def evaluate(staff: Sequence[int]) -> list[IntervalResult]:
        if calls is not None:
            calls.append(list(staff))
        out = []
        for i, s in enumerate(staff):
            carried = max(0, need[i - 1] - staff[i - 1]) if i and backlog else 0
            gap = need[i] + carried - s
            out.append(IntervalResult(None, None, 0) if need[i] == 0 and carried == 0
                       else MEETS if gap <= 0 else UNSURE if gap == 1 else MISSES)
        return out

    return evaluate


@pytest.mark.parametrize("start", [[1, 1, 1, 1, 1, 1], [9, 9, 9, 9, 9, 9], [3, 7, 0, 5, 2, 8]])
def test_search_finds_the_least_staffing_from_above_or_below(start):
    need = [2, 5, 3, 4, 1, 6]
    result = search_staffing(start, threshold_evaluator(need), TARGET, [20] * 6,
                             neighbours=[{i - 1, i + 1} & set(range(6)) for i in range(6)])
    assert result.reachable and result.reason == ""
    assert list(result.staff) == need
    assert result.steps[0].phase == "erlang" and result.steps[0].staff == tuple(start)
    assert all(judge(r, TARGET) == MET for r in result.results)


def test_search_repairs_a_backlog_downstream():
    need = [2, 8, 1, 1]   # a shortfall at interval 1 spills into interval 2
    result = search_staffing([2, 5, 1, 1], threshold_evaluator(need), TARGET, [20] * 4,
                             neighbours=[{i - 1, i + 1} & set(range(4)) for i in range(4)])
    assert result.reachable
    assert result.staff[1] >= 8 and all(judge(r, TARGET) == MET for r in result.results)
    first = result.steps[0].results
    assert judge(first[2], TARGET) == MISSED   # the Erlang start misses after the busy interval


def test_search_reports_an_unreachable_target_with_the_best_found():
    result = search_staffing([1, 1, 1], threshold_evaluator([2, 6, 2]), TARGET, [4, 4, 4])
    assert not result.reachable and "most staff" in result.reason
    # interval 1 stops at the cap, 2 short; its backlog needs interval 2 to have 2 + 2
    assert list(result.staff) == [2, 4, 4]
    assert judge(result.results[1], TARGET) == MISSED
    assert [judge(r, TARGET) for r in result.results[::2]] == [MET, MET]


def test_search_gives_up_after_its_budget():
    result = search_staffing([0, 0], threshold_evaluator([30, 30]), TARGET, [99, 99],
                             max_evaluations=3)
    assert not result.reachable and "after 3 simulations" in result.reason
    assert len(result.steps) == 3


def test_trim_stops_at_the_floor():
    """With no demand anywhere every staffing meets the target; trimming stops at the floor
    (one on duty where customers are expected) and never below."""
    calls: list[list[int]] = []
    result = search_staffing([3, 3, 3, 3], threshold_evaluator([0, 0, 0, 0], calls), TARGET,
                             [9] * 4, floor=[1, 1, 0, 1])
    assert list(result.staff) == [1, 1, 0, 1]
    assert all(all(s >= f for s, f in zip(staffing, [1, 1, 0, 1])) for staffing in calls)


def test_trial_groups_hold_no_neighbours_and_no_shared_neighbours():
    grid = group_days([[1.0] * 24] * 5 + [[0.5] * 24] * 2, 1)
    neighbours = grid.neighbours()
    groups = colour_groups(neighbours)
    assert sorted(i for group in groups for i in group) == list(range(grid.size))
    for group in groups:
        for i, j in itertools.combinations(group, 2):
            assert j not in neighbours[i] and not neighbours[i] & neighbours[j]


# ---------------------------------------------------------------------------------------
# shifts


def test_shifts_hand_checked_case():
    """Six hours, 3-hour shifts starting at hours 0-3, needs [1, 2, 2, 1, 1, 1]: the need
    totals 8 staff-hours, so at least ⌈8/3⌉ = 3 shifts; starts at 0, 1 and 3 do it."""
    plan = plan_shifts([1, 2, 2, 1, 1, 1], 3, [0, 1, 2, 3], cyclic=False)
    assert sum(plan.counts) == 3 and plan.staff_hours == 9
    assert all(c >= r for c, r in zip(plan.coverage, [1, 2, 2, 1, 1, 1]))


def test_shifts_are_optimal_against_every_possible_set():
    """Eight hours in a cycle, 3-hour shifts at any hour, needs of 0-2: enumerate every
    set of at most 2 shifts per start (enough, since no hour needs more than 2) and check
    that none covering the need has fewer staff-hours than the integer program's."""
    rng = np.random.default_rng(4)
    cover = [[1 if (h - s) % 8 < 3 else 0 for s in range(8)] for h in range(8)]
    for _ in range(12):
        need = [int(v) for v in rng.integers(0, 3, 8)]
        plan = plan_shifts(need, 3, range(8))
        assert all(c >= r for c, r in zip(plan.coverage, need))
        best = min(
            sum(x) for x in itertools.product(range(3), repeat=8)
            if all(sum(cover[h][s] * x[s] for s in range(8)) >= need[h] for h in range(8))
        )
        assert sum(plan.counts) == best


def test_shifts_with_fixed_start_times_and_an_uncovered_hour():
    starts = parse_shift_starts("06:00,14:00,22:00", 1)
    assert len(starts) == 21 and starts[:3] == [6, 14, 22]
    plan = plan_shifts([2] * 168, 8, starts)
    assert plan.coverage == (2,) * 168 and plan.staff_hours == 2 * 168
    with pytest.raises(ShiftError, match="no allowed shift covers hour 3"):
        plan_shifts([0, 0, 0, 1] + [0] * 164, 2, [0, 10])
    with pytest.raises(ValueError, match="whole-hour"):
        parse_shift_starts("06:30", 1)


# ---------------------------------------------------------------------------------------
# rosters


def test_roster_windows_give_exactly_the_staff_asked_for():
    rng = np.random.default_rng(8)
    weekday = [int(v) for v in rng.integers(0, 6, 24)]
    hourly = weekday * 5 + [int(v) for v in rng.integers(0, 3, 48)]
    windows = roster_windows(hourly)
    assert {w["days"] for w in windows} >= {"mon-fri"}
    schedule = weekly_schedule([RosterWindow.model_validate(w) for w in windows], base_staff=99)
    assert [schedule.staff_at(h + 0.5, 99) for h in range(168)] == hourly


def test_day_spec_names_runs_of_days():
    assert day_spec([0, 1, 2, 3, 4]) == "mon-fri"
    assert day_spec([0, 2, 3, 6]) == "mon,wed-thu,sun"
    assert day_spec([5]) == "sat"
