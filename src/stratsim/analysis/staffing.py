"""Staffing a service to an SLA target at the fewest staff-hours: the pure parts.

``stratsim staff`` finds, for each interval of the week (an hour by default), how many
servers a service needs so that a target share of its customers start service within a
target wait (``80%/20min``), at the fewest staff-hours. Three steps, each here as a pure
function; the simulation that judges a staffing is passed in as ``evaluate`` (see
:mod:`stratsim.runner.staffing_study`):

1. **Erlang start** (:func:`erlang_staff`): each interval on its own, in steady state at
   its offered load, staffed by Erlang C — or Erlang-A when customers renege, with the
   load's mean abandonment rate. This ignores what Erlang cannot see: a busy hour's queue
   carried into the next, priorities, balking, a finite waiting room, non-exponential
   times.
2. **Verify and repair by simulation** (:func:`search_staffing`): the whole week is
   simulated with the real dynamics and each interval's SLA attainment (the customers who
   *arrived* in it) gets a 95 % confidence interval over the replications. An interval
   **meets** the target when the whole interval is at or above it, **misses** it when the
   whole interval is below, and is **undecided** otherwise (:func:`judge`). Every interval
   that does not meet it gets more staff (one more when undecided; 1, then 2, 4… while it
   clearly misses) and the week is simulated again, until every interval meets it. Then the
   staffing is **trimmed**: intervals try fewer staff (1, 2, 4… fewer while the drops hold,
   then half-way to the largest level seen failing), a set of intervals at a time in which
   no two are neighbours or share one, and a drop is kept only when the interval and its
   neighbours still meet the target. An interval whose neighbour got more staff forgets
   its failures (they may have been that neighbour's backlog), and an interval where
   customers are expected keeps at least one server. A last simulation verifies the result
   (and repairs it if two drops together broke an interval). Requiring the whole interval
   above the target is conservative: with few customers in an interval it may ask for a
   server more than the point estimate would; more replications (or a longer window)
   narrow the intervals.
3. **Shifts** (:func:`plan_shifts`): the hourly requirement is covered by whole shifts of
   a given length starting at allowed times, at the fewest staff-hours, by an integer
   program (``scipy.optimize.milp``, HiGHS's branch and bound, which proves optimality).

Intervals are whole hours dividing a day (1h, 2h, 3h, 4h, 6h, 8h, 12h, 24h): demand
profiles change on the hour, so a shorter interval would have no demand of its own. Days
with identical demand share their intervals (:class:`IntervalGrid`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from stratsim.analysis.queueing import staff_for_service_level
from stratsim.clock import DAYS_PER_WEEK, HOURS_PER_DAY, HOURS_PER_WEEK
from stratsim.scenario.durations import parse_duration

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MET, MISSED, UNDECIDED, NO_DEMAND = "met", "missed", "undecided", "no demand"
#: Simulations the search may spend before giving up.
MAX_EVALUATIONS = 40


# ---------------------------------------------------------------------------------------
# the question


@dataclass(frozen=True)
class ServiceTarget:
    """``attainment`` of the customers must start service within ``wait_h`` hours."""

    attainment: float
    wait_h: float

    def __str__(self) -> str:
        minutes = self.wait_h * 60
        wait = f"{minutes:g}min" if minutes < 120 or not float(self.wait_h).is_integer() else f"{self.wait_h:g}h"
        return f"{self.attainment * 100:g}%/{wait}"


_TARGET = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*%\s*/\s*(.+?)\s*$")


def parse_target(text: str) -> ServiceTarget:
    """``"80%/20min"`` → 80 % within 20 minutes; ValueError saying what was expected."""
    expected = ('expected PERCENT/WAIT such as "80%/20min" (80 % of customers start service '
                f"within 20 minutes), got {text!r}")
    match = _TARGET.match(text)
    if not match:
        raise ValueError(expected)
    percent = float(match.group(1))
    if not 0 < percent < 100:
        raise ValueError(f"the percentage must be above 0 and below 100 (with random arrivals "
                         f"100 % is never guaranteed), got {text!r}")
    try:
        wait = parse_duration(match.group(2))
    except ValueError as error:
        raise ValueError(f"{expected}: {error}") from None
    return ServiceTarget(percent / 100, wait)


def parse_interval(text: str) -> int:
    """``"1h"`` → 1: a whole number of hours dividing a day; ValueError otherwise."""
    hours = parse_duration(text)
    if not hours.is_integer() or hours < 1 or HOURS_PER_DAY % int(hours):
        raise ValueError(f"expected a whole number of hours dividing a day (1h, 2h, 3h, 4h, 6h, "
                         f"8h, 12h, 24h), got {text!r}: demand profiles change on the hour")
    return int(hours)


@dataclass(frozen=True)
class IntervalGrid:
    """The intervals staffed and measured: ``interval_h``-hour slots of the day, on groups
    of days that share them.

    Days whose demand on the service is identical hour by hour are one group (``mon-fri``
    when the weekdays are alike): they get the same staffing, and their customers are
    measured together — the same system, with several times the data. Interval ``i`` is
    slot ``i % slots`` of group ``i // slots``.
    """

    interval_h: int
    day_groups: tuple[tuple[int, ...], ...]

    @property
    def slots(self) -> int:
        return HOURS_PER_DAY // self.interval_h

    @property
    def size(self) -> int:
        return len(self.day_groups) * self.slots

    def days(self, i: int) -> tuple[int, ...]:
        return self.day_groups[i // self.slots]

    def first_hour(self, i: int) -> int:
        """Hour of the day the interval starts."""
        return (i % self.slots) * self.interval_h

    def hours_of_day(self, i: int) -> range:
        first = self.first_hour(i)
        return range(first, first + self.interval_h)

    def hours(self, i: int) -> list[int]:
        """Every hour of the week the interval covers."""
        return [day * HOURS_PER_DAY + hour for day in self.days(i) for hour in self.hours_of_day(i)]

    def interval_of_hour(self) -> list[int]:
        """For each hour of the week, the interval covering it."""
        owner = [0] * HOURS_PER_WEEK
        for i in range(self.size):
            for hour in self.hours(i):
                owner[hour] = i
        return owner

    def expand(self, staff: Sequence[int]) -> list[int]:
        """Per-interval staff as the 168 hours of the week."""
        owner = self.interval_of_hour()
        return [int(staff[owner[hour]]) for hour in range(HOURS_PER_WEEK)]

    def neighbours(self) -> list[set[int]]:
        """The intervals just before and after each one, on any of its days (the week wraps)."""
        owner = self.interval_of_hour()
        out: list[set[int]] = [set() for _ in range(self.size)]
        for hour in range(HOURS_PER_WEEK):
            after = owner[(hour + 1) % HOURS_PER_WEEK]
            if after != owner[hour]:
                out[owner[hour]].add(after)
                out[after].add(owner[hour])
        return out

    def label(self, i: int) -> str:
        """``"mon-fri 09:00–10:00"``."""
        first = self.first_hour(i)
        return f"{day_spec(self.days(i))} {first:02d}:00–{first + self.interval_h:02d}:00"


def group_days(day_patterns: Sequence[Sequence[float]], interval_h: int) -> IntervalGrid:
    """Group days whose demand patterns are equal (to 12 significant digits)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for day, pattern in enumerate(day_patterns):
        key = tuple(f"{v:.12g}" for v in pattern)
        groups.setdefault(key, []).append(day)
    return IntervalGrid(interval_h, tuple(tuple(days) for days in groups.values()))


def weekly_grid(interval_h: int) -> IntervalGrid:
    """Every day on its own."""
    return IntervalGrid(interval_h, tuple((day,) for day in range(DAYS_PER_WEEK)))


# ---------------------------------------------------------------------------------------
# step 1: Erlang


@dataclass(frozen=True)
class IntervalLoad:
    """Demand on the service in one interval, averaged over its hours."""

    arrival_rate: float
    """Customers per hour."""
    offered_load: float
    """Erlangs: arrival rate × mean service time."""
    abandonment_rate: float
    """Per hour: the arrival-weighted mean of 1 / mean patience (0 without patience)."""


def erlang_staff(loads: Sequence[IntervalLoad], target: ServiceTarget) -> list[int]:
    """Each interval's Erlang C (or Erlang-A) staffing at its own load, as if stationary."""
    staff = []
    for load in loads:
        if load.arrival_rate == 0.0:
            staff.append(0)
            continue
        service_rate = load.arrival_rate / load.offered_load
        staff.append(staff_for_service_level(load.arrival_rate, service_rate, target.wait_h,
                                             target.attainment, load.abandonment_rate))
    return staff


# ---------------------------------------------------------------------------------------
# step 2: verify and repair


@dataclass(frozen=True)
class IntervalResult:
    """Simulated SLA attainment of the customers who arrived in one interval.

    ``mean`` and ``ci95`` over the replications where anyone arrived (``n`` of them).
    """

    mean: float | None
    ci95: tuple[float, float] | None
    n: int


def judge(result: IntervalResult, target: float) -> str:
    """``met``, ``missed``, ``undecided`` or ``no demand`` (see the module docstring).

    With a single replication holding customers there is no interval: the mean decides.
    """
    if result.n == 0 or result.mean is None:
        return NO_DEMAND
    if result.ci95 is None:
        return MET if result.mean >= target else MISSED
    low, high = result.ci95
    if low >= target:
        return MET
    if high < target:
        return MISSED
    return UNDECIDED


def acceptable(result: IntervalResult, target: float) -> bool:
    return judge(result, target) in (MET, NO_DEMAND)


Evaluate = Callable[[Sequence[int]], Sequence[IntervalResult]]
"""Simulate a staffing (servers per interval) and return each interval's attainment."""


@dataclass(frozen=True)
class SearchStep:
    """One simulation of the search: why it ran, the staffing tried, what it gave.

    ``phase``: ``erlang`` (the start), ``repair`` (staff added), ``trim`` (a trial with
    fewer staff, kept only where it holds) or ``verify`` (the trimmed staffing).
    """

    phase: str
    staff: tuple[int, ...]
    results: tuple[IntervalResult, ...]

    def short(self, target: float) -> int:
        """Intervals not shown to meet the target."""
        return sum(not acceptable(r, target) for r in self.results)


@dataclass(frozen=True)
class StaffingSearch:
    """The outcome: the staffing, whether it meets the target everywhere, and the path."""

    staff: tuple[int, ...]
    results: tuple[IntervalResult, ...]
    reachable: bool
    reason: str
    steps: tuple[SearchStep, ...] = field(repr=False)

    @property
    def erlang(self) -> SearchStep:
        return self.steps[0]


def colour_groups(neighbours: Sequence[set[int]]) -> list[list[int]]:
    """Split the intervals into groups in which no two intervals are neighbours or share a
    neighbour (greedy colouring of the graph's square): when a trial fails in an interval,
    exactly one interval of the group was lowered next to it, and takes the blame."""
    near = [set(mine).union(*(neighbours[j] for j in mine)) - {i}
            for i, mine in enumerate(neighbours)]
    colours: list[int] = []
    for i, close in enumerate(near):
        used = {colours[j] for j in close if j < i}
        colours.append(next(c for c in range(len(near) + 1) if c not in used))
    return [[i for i, c in enumerate(colours) if c == colour] for colour in range(max(colours) + 1)]


class _Search:
    """The state of one search (see :func:`search_staffing`)."""

    def __init__(self, evaluate: Evaluate, target: float, cap: Sequence[int],
                 neighbours: Sequence[set[int]], max_evaluations: int,
                 on_step: Callable[[SearchStep], None] | None) -> None:
        self.evaluate, self.target, self.cap = evaluate, target, list(cap)
        self.neighbours = neighbours
        self.max_evaluations = max_evaluations
        self.on_step = on_step
        self.steps: list[SearchStep] = []

    def run(self, phase: str, staff: Sequence[int]) -> tuple[IntervalResult, ...]:
        results = tuple(self.evaluate(list(staff)))
        step = SearchStep(phase, tuple(staff), results)
        self.steps.append(step)
        if self.on_step is not None:
            self.on_step(step)
        return results

    @property
    def budget_left(self) -> bool:
        return len(self.steps) < self.max_evaluations

    def failing(self, results: Sequence[IntervalResult]) -> list[int]:
        return [i for i, r in enumerate(results) if not acceptable(r, self.target)]

    def repair(self, staff: list[int], results: tuple[IntervalResult, ...], fails_at: list[int],
               doubling: bool) -> tuple[tuple[IntervalResult, ...], str]:
        """Add staff where the target is not met until it is everywhere; '' or why not."""
        step = [1] * len(staff)
        while True:
            bad = self.failing(results)
            if not bad:
                return results, ""
            movable = [i for i in bad if staff[i] < self.cap[i]]
            if not movable:
                return results, "capped"
            if not self.budget_left:
                return results, "budget"
            for i in bad:
                fails_at[i] = max(fails_at[i], staff[i])
            for i in movable:
                clearly = judge(results[i], self.target) == MISSED
                staff[i] = min(self.cap[i], staff[i] + (step[i] if clearly else 1))
                if doubling and clearly:
                    step[i] *= 2
            for i in movable:   # a neighbour's failure may have been this one's backlog
                for j in self.neighbours[i]:
                    fails_at[j] = -1
            results = self.run("repair", staff)

    def trim(self, staff: list[int], fails_at: list[int], lowest: list[int]) -> None:
        """Try fewer staff, one colour of intervals at a time, keeping drops that hold."""
        groups = colour_groups(self.neighbours)
        down = [1] * len(staff)   # the next drop while nothing below has failed: 1, 2, 4…
        idle_rounds, turn = 0, 0
        while idle_rounds < len(groups) and self.budget_left:
            group = groups[turn % len(groups)]
            turn += 1
            candidates = [i for i in group if staff[i] > max(lowest[i], fails_at[i] + 1)]
            if not candidates:
                idle_rounds += 1
                continue
            idle_rounds = 0
            trial = list(staff)
            for i in candidates:
                if fails_at[i] < 0:
                    trial[i] = max(lowest[i], staff[i] - down[i])
                else:
                    trial[i] = (max(lowest[i] - 1, fails_at[i]) + staff[i]) // 2
            results = self.run("trim", trial)
            for i in candidates:
                if all(acceptable(results[j], self.target) for j in {i, *self.neighbours[i]}):
                    staff[i] = trial[i]
                    down[i] *= 2
                else:
                    fails_at[i] = trial[i]


def search_staffing(
    start: Sequence[int],
    evaluate: Evaluate,
    target: float,
    cap: Sequence[int],
    *,
    neighbours: Sequence[set[int]] | None = None,
    floor: Sequence[int] | None = None,
    trim: bool = True,
    max_evaluations: int = MAX_EVALUATIONS,
    on_step: Callable[[SearchStep], None] | None = None,
) -> StaffingSearch:
    """Verify, repair and trim a staffing by simulation (see the module docstring).

    ``start`` is the Erlang staffing, ``cap`` the most staff an interval may get;
    ``neighbours[i]`` the intervals whose customers interval i's staff can affect (default:
    i − 1 and i + 1, cyclic, as the week wraps). An interval still short of the target at
    its cap makes the target unreachable: the result is then the best staffing found, with
    ``reachable`` False and the reason. ``on_step`` sees every simulation as it is made.
    """
    n = len(start)
    if neighbours is None:
        neighbours = [{(i - 1) % n, (i + 1) % n} - {i} for i in range(n)]
    search = _Search(evaluate, target, cap, neighbours, max_evaluations, on_step)
    staff = [min(s, c) for s, c in zip(start, cap)]
    fails_at = [-1] * n   # the largest staff level seen failing in each interval
    lowest = list(floor) if floor is not None else [0] * n
    results, stop = search.repair(staff, search.run("erlang", staff), fails_at, doubling=True)
    if not stop and trim:
        search.trim(staff, fails_at, lowest)
        results, stop = search.repair(staff, search.run("verify", staff), fails_at, doubling=False)
    reason = {
        "": "",
        "capped": "the target is not met in every interval even at the most staff allowed",
        "budget": f"the target is not yet met in every interval after {max_evaluations} simulations",
    }[stop]
    return StaffingSearch(tuple(staff), results, not stop, reason, tuple(search.steps))


# ---------------------------------------------------------------------------------------
# step 3: shifts


class ShiftError(ValueError):
    """The requirement cannot be covered by the allowed shifts."""


@dataclass(frozen=True)
class ShiftPlan:
    """Whole shifts covering a requirement: ``counts[k]`` staff start at ``starts[k]``."""

    length_h: int
    starts: tuple[int, ...]
    counts: tuple[int, ...]
    coverage: tuple[int, ...]

    @property
    def staff_hours(self) -> int:
        return self.length_h * sum(self.counts)


def plan_shifts(requirement: Sequence[int], length_h: int, starts: Sequence[int],
                *, cyclic: bool = True) -> ShiftPlan:
    """The fewest staff-hours of ``length_h``-hour shifts covering ``requirement`` hour by hour.

    ``requirement[h]`` staff are needed in hour ``h`` (of a week, or any horizon);
    ``starts`` are the hours a shift may start. With ``cyclic`` a shift running past the last
    hour continues at the first (the week wraps). The integer program

        minimise  length · Σ x_s   subject to  Σ_{s covers h} x_s ≥ requirement[h],  x_s ∈ ℕ

    is solved by ``scipy.optimize.milp``; with one shift length, fewest staff-hours is
    fewest shifts.
    """
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    hours = len(requirement)
    if not 1 <= length_h <= hours:
        raise ShiftError(f"a shift must last between 1 and {hours} hours, got {length_h}")
    starts = tuple(sorted(set(starts)))
    cover = np.zeros((hours, len(starts)))
    for k, start in enumerate(starts):
        for offset in range(length_h):
            hour = start + offset
            if hour >= hours:
                if not cyclic:
                    break
                hour %= hours
            cover[hour, k] = 1.0
    need = np.asarray(requirement, dtype=float)
    uncovered = [h for h in range(hours) if need[h] > 0 and not cover[h].any()]
    if uncovered:
        raise ShiftError(f"no allowed shift covers hour {uncovered[0]} of the week, where "
                         f"{int(need[uncovered[0]])} staff are needed")
    result = milp(
        c=np.full(len(starts), float(length_h)),
        constraints=LinearConstraint(cover, lb=need, ub=np.inf),
        integrality=np.ones(len(starts)),
        bounds=Bounds(0, np.inf),
    )
    if result.x is None or not result.success:
        raise ShiftError(f"the shift program failed: {result.message}")
    counts = tuple(int(round(x)) for x in result.x)
    coverage = tuple(int(round(v)) for v in cover @ np.asarray(counts, dtype=float))
    return ShiftPlan(length_h, starts, counts, coverage)


def parse_shift_starts(text: str | None, interval_h: int) -> list[int]:
    """Allowed shift starts as hours of the week: ``"06:00,14:00,22:00"`` every day, or by
    default every interval boundary."""
    if text is None:
        return list(range(0, HOURS_PER_WEEK, interval_h))
    hours = []
    for item in text.split(","):
        match = re.fullmatch(r"\s*([01]?[0-9]|2[0-3]):00\s*", item)
        if not match:
            raise ValueError(f'expected whole-hour clock times such as "06:00,14:00,22:00", got {text!r}')
        hours.append(int(match.group(1)))
    return sorted({day * HOURS_PER_DAY + hour for day in range(DAYS_PER_WEEK) for hour in hours})


# ---------------------------------------------------------------------------------------
# presenting a staffing


def scheduled_staff(on_duty: int, shrinkage: float) -> int:
    """Staff to schedule so that ``on_duty`` remain after ``shrinkage`` (breaks, absence,
    training): ``on_duty / (1 − shrinkage)``, rounded up."""
    if on_duty == 0:
        return 0
    return math.ceil(on_duty / (1.0 - shrinkage) - 1e-9)


def day_spec(days: Sequence[int]) -> str:
    """``[0, 1, 2, 3, 4]`` → ``"mon-fri"``; ``[0, 2, 3]`` → ``"mon,wed-thu"``."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}"
                    for r in runs)


def roster_windows(hourly_staff: Sequence[int]) -> list[dict[str, object]]:
    """Roster windows ``{days, from, to, staff}`` giving exactly this staff in every hour.

    Days with the same 24 hours share their windows (``days: mon-fri``); within a day, hours
    with the same staff make one window. Every hour is covered, so the service's base
    ``staff`` never applies.
    """
    if len(hourly_staff) != HOURS_PER_WEEK:
        raise ValueError(f"expected {HOURS_PER_WEEK} hourly staff levels, got {len(hourly_staff)}")
    patterns: dict[tuple[int, ...], list[int]] = {}
    for day in range(DAYS_PER_WEEK):
        pattern = tuple(hourly_staff[day * HOURS_PER_DAY:(day + 1) * HOURS_PER_DAY])
        patterns.setdefault(pattern, []).append(day)
    windows: list[dict[str, object]] = []
    for pattern, days in patterns.items():
        start = 0
        for hour in range(1, HOURS_PER_DAY + 1):
            if hour == HOURS_PER_DAY or pattern[hour] != pattern[start]:
                windows.append({"days": day_spec(days), "from": f"{start:02d}:00",
                                "to": f"{hour:02d}:00", "staff": int(pattern[start])})
                start = hour
    return windows
