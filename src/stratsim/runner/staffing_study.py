"""``stratsim staff`` as a library call: the simulation behind the staffing search.

**How per-interval SLA attainment is measured without touching the engine.** The KPIs of a
run cover the whole measured window, per service, tier and segment. To get them per
interval of the week, the scenario is rewritten before it is simulated: each segment's
demand for the staffed service is split into one segment per interval, whose daily and
weekly profiles are the original ones kept in that interval's hours and zero elsewhere
(the product ``daily[h] × weekly[d]`` of the clone is the original's in its interval and 0
outside). The superposition of these Poisson processes is the original process, and each
clone carries the original segment's tiers, patience, balking, price response and growth,
so the simulated system is the same; but the standard per-segment KPIs of a clone are now
those of the customers who **arrived** in its interval, whenever they were served — a busy
hour's backlog counts against the hour the customers came in. The segment's demand for
other services stays under its own id (with the shares renormalised), so their customers
are unchanged. Per replication, an interval's attainment pools its clones (one per
original segment) weighted by the customers they judged; its 95 % interval is Student-t
over the replications, as every KPI.

The service's SLA is set to the target, for every tier: the target is about all of the
service's customers, whatever their tier's own SLA. The roster under test replaces the
service's roster windows and covers every hour of the week.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stratsim.analysis.staffing import (
    IntervalGrid,
    IntervalLoad,
    IntervalResult,
    ServiceTarget,
    SearchStep,
    ShiftPlan,
    StaffingSearch,
    acceptable,
    erlang_staff,
    group_days,
    plan_shifts,
    roster_windows,
    scheduled_staff,
    search_staffing,
)
from stratsim.clock import DAYS_PER_WEEK, HOURS_PER_DAY, HOURS_PER_WEEK
from stratsim.engine.compile import compile_scenario
from stratsim.errors import StratsimError
from stratsim.runner.evaluators import Evaluator, SerialEvaluator
from stratsim.runner.replications import run_replications
from stratsim.runner.statistics import summarize
from stratsim.scenario.models import Scenario

#: Service KPIs reported for the final staffing.
SERVICE_KPIS = ("sla_attainment", "wait_mean_min", "wait_p90_min", "reneged_share",
                "balked_share", "blocked_share", "utilization", "staffed_hours", "cost")
#: Shift plans re-solved after a verification miss before giving up.
MAX_SHIFT_ROUNDS = 6


class StaffingError(StratsimError):
    """The staffing question cannot be asked of this scenario (unknown service, no demand)."""


def _mean_growth(growth_per_hour: float, start_h: float, end_h: float) -> float:
    """Mean of ``exp(β t)`` over ``[start_h, end_h)``."""
    if growth_per_hour == 0.0 or end_h <= start_h:
        return 1.0
    b = growth_per_hour
    return (math.exp(b * end_h) - math.exp(b * start_h)) / (b * (end_h - start_h))


class StaffingStudy:
    """A scenario prepared to measure one service's SLA attainment interval by interval."""

    def __init__(
        self,
        scenario: Scenario,
        service: str,
        target: ServiceTarget,
        interval_h: int = 1,
        *,
        replications: int | None = None,
        seed: int | None = None,
        evaluator: Evaluator | None = None,
    ) -> None:
        if service not in scenario.services_by_id:
            known = ", ".join(scenario.services_by_id)
            raise StaffingError(f"--service: no service {service!r} in {scenario.name}; "
                                f"the services are: {known}")
        self.scenario = scenario
        self.service = service
        self.target = target
        self.interval_h = interval_h
        self.replications = scenario.replications if replications is None else replications
        if self.replications < 2:
            raise StaffingError(f"staffing needs at least 2 replications for its confidence "
                                f"intervals; {scenario.name} has {self.replications} (use "
                                "--replications)")
        self.seed = scenario.seed if seed is None else seed
        self.evaluator = evaluator or SerialEvaluator()
        self.model = compile_scenario(scenario)
        self.station = next(s for s in self.model.stations if s.id == service)
        self.grid = self._grid()
        self.intervals = self.grid.size
        self.loads = self._loads()
        if not any(load.arrival_rate for load in self.loads):
            raise StaffingError(f"service {service!r} has no demand in {scenario.name}: no "
                                "segment's mix sends customers to it")
        self.document, self.clones = self._document()
        self.simulations = 0
        self._cache: dict[tuple[int, ...] | None,
                          tuple[list[IntervalResult], dict[str, Any]]] = {}

    # -- Erlang's view -------------------------------------------------------------------
    def _demands(self) -> list[Any]:
        return [d for d in self.model.demands if d.station_index == self.station.index]

    def _grid(self) -> IntervalGrid:
        """Days alike in every demand on the service share their intervals."""
        patterns = [
            [rate for demand in self._demands()
             for rate in demand.rate_by_hour[day * HOURS_PER_DAY:(day + 1) * HOURS_PER_DAY]]
            for day in range(DAYS_PER_WEEK)
        ]
        return group_days(patterns, self.interval_h)

    def _loads(self) -> list[IntervalLoad]:
        """Arrival rate, offered load and abandonment rate of each interval, at the window's
        mean growth."""
        model, station = self.model, self.station
        mean_service_h = station.service_time.mean_h
        rate = [0.0] * HOURS_PER_WEEK
        abandon = [0.0] * HOURS_PER_WEEK
        for demand in self._demands():
            growth = _mean_growth(demand.growth_per_hour, model.warmup_h, model.horizon_h)
            theta = 1.0 / demand.patience.mean_h if demand.patience is not None else 0.0
            for hour, base in enumerate(demand.rate_by_hour):
                rate[hour] += base * growth
                abandon[hour] += base * growth * theta
        loads = []
        for i in range(self.intervals):
            hours = self.grid.hours(i)
            lam = sum(rate[h] for h in hours) / len(hours)
            flow = sum(abandon[h] for h in hours) / len(hours)
            loads.append(IntervalLoad(lam, lam * mean_service_h, flow / lam if lam else 0.0))
        return loads

    def erlang(self) -> list[int]:
        return erlang_staff(self.loads, self.target)

    # -- the rewritten scenario ------------------------------------------------------------
    def _document(self) -> tuple[dict[str, Any], list[list[str]]]:
        doc = self.scenario.model_dump(by_alias=True)
        service, target = self.service, self.target
        sla = {"wait": target.wait_h, "attainment": target.attainment}
        for entry in doc["services"]:
            if entry["id"] == service:
                entry["sla"] = dict(sla)
                for tier in entry["tiers"]:
                    tier["sla"] = dict(sla)
        taken = {s["id"] for s in doc["segments"]}
        clones: list[list[str]] = [[] for _ in range(self.intervals)]
        segments = []
        for original, entry in zip(self.scenario.segments, doc["segments"]):
            share = original.mix.get(service, 0.0)
            if share <= 0:
                segments.append(entry)
                continue
            others = {k: v for k, v in original.mix.items() if k != service and v > 0}
            if others:
                rest = sum(others.values())
                segments.append({**entry, "rate": original.rate * rest,
                                 "mix": {k: v / rest for k, v in others.items()}})
            daily, weekly = original.daily_factors, original.weekly_factors
            for i in range(self.intervals):
                hours, days = self.grid.hours_of_day(i), self.grid.days(i)
                clone_daily = [daily[h] if h in hours else 0.0 for h in range(HOURS_PER_DAY)]
                clone_weekly = [weekly[d] if d in days else 0.0 for d in range(DAYS_PER_WEEK)]
                if not any(clone_daily) or not any(clone_weekly):
                    continue
                clone_id = f"{original.id}.at-{i:03d}"
                while clone_id in taken:
                    clone_id += "_"
                taken.add(clone_id)
                clones[i].append(clone_id)
                segments.append({**entry, "id": clone_id, "name": None,
                                 "rate": original.rate * share, "mix": {service: 1.0},
                                 "daily_profile": clone_daily, "weekly_profile": clone_weekly})
        doc["segments"] = segments
        doc["replications"] = self.replications
        doc["seed"] = self.seed
        return doc, clones

    def scenario_with(self, hourly_staff: Sequence[int] | None) -> Scenario:
        """The rewritten scenario with this roster for the service (None: its own roster)."""
        if hourly_staff is None:
            return Scenario.model_validate(self.document)
        doc = dict(self.document)
        strategy = dict(doc["strategy"])
        pattern = dict(strategy["pattern"])
        pattern["rosters"] = {**pattern["rosters"], self.service: roster_windows(hourly_staff)}
        strategy["pattern"] = pattern
        doc["strategy"] = strategy
        return Scenario.model_validate(doc)

    # -- simulation --------------------------------------------------------------------------
    def evaluate_hourly(self, hourly_staff: Sequence[int]) -> list[IntervalResult]:
        """Simulate the week with this staff in each hour; each interval's attainment."""
        return self.simulate_hourly(hourly_staff)[0]

    def evaluate(self, staff: Sequence[int]) -> list[IntervalResult]:
        """Simulate with this staff in each interval (the search's ``evaluate``)."""
        return self.evaluate_hourly(self.grid.expand(staff))

    def current_hourly_staff(self) -> list[float]:
        """Staff on duty in each hour of the week under the scenario's own roster (a time
        average where a window changes within the hour)."""
        from stratsim.analysis.capacity import staff_by_hour

        return staff_by_hour(self.station)

    def simulate_hourly(
        self, hourly_staff: Sequence[int] | None
    ) -> tuple[list[IntervalResult], dict[str, Any]]:
        """Per-interval results and the service's KPI statistics (cached per staffing);
        ``None`` simulates the scenario's own roster."""
        key = None if hourly_staff is None else tuple(int(s) for s in hourly_staff)
        if key in self._cache:
            return self._cache[key]
        model = compile_scenario(self.scenario_with(key))
        records = run_replications(model, self.seed, self.replications, self.evaluator)
        self.simulations += 1
        results = [self._interval_result(records, ids) for ids in self.clones]
        service = {kpi: summarize([r["services"][self.service].get(kpi) for r in records])
                   for kpi in SERVICE_KPIS}
        self._cache[key] = (results, service)
        return results, service

    @staticmethod
    def _interval_result(records: list[dict[str, Any]], clone_ids: list[str]) -> IntervalResult:
        """Pool an interval's clones per replication, weighted by the customers each judged
        (served, reneged, or still there when the drain stopped); then Student-t."""
        values: list[float | None] = []
        for record in records:
            hits = judged = 0.0
            for clone in clone_ids:
                kpis = record["segments"][clone]
                weight = kpis["served"] + kpis["reneged"] + kpis["unfinished"]
                if weight and kpis["sla_attainment"] is not None:
                    hits += kpis["sla_attainment"] * weight
                    judged += weight
            values.append(hits / judged if judged else None)
        stat = summarize(values)
        ci = tuple(stat["ci95"]) if stat["ci95"] is not None else None
        return IntervalResult(stat["mean"], ci, stat["n"])  # type: ignore[arg-type]


@dataclass(frozen=True)
class StaffingPlan:
    """The recommendation and its evidence."""

    service: str
    target: ServiceTarget
    grid: IntervalGrid
    loads: tuple[IntervalLoad, ...]
    erlang_staff: tuple[int, ...]
    erlang_results: tuple[IntervalResult, ...]
    search: StaffingSearch
    hourly_staff: tuple[int, ...]
    """On duty in each hour of the week: the roster written."""
    results: tuple[IntervalResult, ...]
    """Per-interval attainment of the roster written."""
    service_kpis: dict[str, Any]
    current_hourly_staff: tuple[float, ...]
    """On duty in each hour under the scenario's own roster (for comparison)."""
    current_results: tuple[IntervalResult, ...]
    current_kpis: dict[str, Any]
    shifts: ShiftPlan | None
    shrinkage: float
    staff_hour_cost: float
    replications: int
    seed: int
    window_h: float
    simulations: int

    @property
    def reachable(self) -> bool:
        return self.search.reachable and all(acceptable(r, self.target.attainment)
                                             for r in self.results)

    @property
    def staff_hours_per_week(self) -> int:
        return sum(self.hourly_staff)

    @property
    def scheduled_hours_per_week(self) -> float:
        """Paid staff-hours a week: on duty / (1 − shrinkage)."""
        return self.staff_hours_per_week / (1.0 - self.shrinkage)

    @property
    def staff_cost_per_week(self) -> float:
        """Staff cost of the scheduled (paid) hours of a week."""
        return self.staff_hour_cost * self.scheduled_hours_per_week

    @property
    def current_hours_per_week(self) -> float:
        return sum(self.current_hourly_staff)

    @property
    def erlang_hours_per_week(self) -> int:
        return sum(self.grid.expand(self.erlang_staff))

    def roster(self) -> list[dict[str, object]]:
        return roster_windows(self.hourly_staff)


def plan_staffing(
    scenario: Scenario,
    service: str,
    target: ServiceTarget,
    *,
    interval_h: int = 1,
    shift_h: int | None = None,
    shift_starts: Sequence[int] | None = None,
    shrinkage: float = 0.0,
    replications: int | None = None,
    seed: int | None = None,
    max_staff: int | None = None,
    evaluator: Evaluator | None = None,
    progress: Callable[[str], None] | None = None,
) -> StaffingPlan:
    """Erlang start, simulation repair and trim, then shifts if asked (module docstrings)."""
    study = StaffingStudy(scenario, service, target, interval_h, replications=replications,
                          seed=seed, evaluator=evaluator)
    start = study.erlang()
    # a busy interval's backlog can need up to the peak's staff in the next one
    cap = [max_staff if max_staff is not None else 2 * max(start) + 10] * len(start)
    grid = study.grid

    def report(step: SearchStep) -> None:
        if progress is not None:
            what = {"erlang": "Erlang staffing", "repair": "repaired", "trim": "trial with fewer",
                    "verify": "trimmed"}[step.phase]
            progress(f"simulation {len(search_steps) + 1} ({what}): {sum(grid.expand(step.staff)):,} "
                     f"staff-hours a week, {step.short(target.attainment)} interval(s) not shown to "
                     f"meet {target}")
        search_steps.append(step)

    search_steps: list[SearchStep] = []
    # a service with customers expected is never left with nobody on duty
    floor = [1 if load.arrival_rate > 0 else 0 for load in study.loads]
    search = search_staffing(start, study.evaluate, target.attainment, cap,
                             neighbours=grid.neighbours(), floor=floor, on_step=report)
    hourly = grid.expand(search.staff)
    results = list(search.results)
    shifts = None
    if shift_h is not None:
        starts = shift_starts if shift_starts is not None else range(0, HOURS_PER_WEEK, interval_h)
        shifts, results = _cover_with_shifts(study, hourly, shift_h, list(starts), target, progress)
        hourly = list(shifts.coverage)
    _, service_kpis = study.simulate_hourly(hourly)
    current_results, current_kpis = study.simulate_hourly(None)
    return StaffingPlan(
        service=service, target=target, grid=grid, loads=tuple(study.loads),
        erlang_staff=tuple(search.erlang.staff), erlang_results=search.erlang.results,
        search=search, hourly_staff=tuple(hourly), results=tuple(results),
        service_kpis=service_kpis, current_hourly_staff=tuple(study.current_hourly_staff()),
        current_results=tuple(current_results), current_kpis=current_kpis,
        shifts=shifts, shrinkage=shrinkage,
        staff_hour_cost=study.station.staff_hour_cost, replications=study.replications,
        seed=study.seed, window_h=study.model.window_h, simulations=study.simulations,
    )


def _cover_with_shifts(
    study: StaffingStudy, requirement: list[int], shift_h: int, starts: list[int],
    target: ServiceTarget, progress: Callable[[str], None] | None,
) -> tuple[ShiftPlan, list[IntervalResult]]:
    """Shifts covering the requirement; a verification miss raises the requirement there."""
    need = list(requirement)
    for _ in range(MAX_SHIFT_ROUNDS):
        plan = plan_shifts(need, shift_h, starts)
        results = study.evaluate_hourly(plan.coverage)
        short = [i for i, r in enumerate(results) if not acceptable(r, target.attainment)]
        if progress is not None:
            progress(f"simulation {study.simulations}: {plan.staff_hours:,} staff-hours a week in "
                     f"{sum(plan.counts)} shifts of {shift_h} h, {len(short)} interval(s) short")
        if not short:
            break
        for i in short:
            for hour in study.grid.hours(i):
                need[hour] = max(need[hour], plan.coverage[hour]) + 1
    return plan, results


# ---------------------------------------------------------------------------------------
# files: FILE.yaml (the roster fragment), FILE.csv, FILE.json, FILE.png

STAFFING_SIBLINGS = (".csv", ".json", ".png")
INTERVAL_COLUMNS = (
    "interval", "days", "from", "to", "arrival_rate_per_h", "offered_load_erlangs",
    "abandonment_rate_per_h", "current_staff", "current_sla_mean", "current_sla_ci95_low",
    "current_sla_ci95_high", "current_status", "erlang_staff", "erlang_sla_mean",
    "erlang_sla_ci95_low", "erlang_sla_ci95_high", "erlang_status", "staff", "scheduled_staff",
    "sla_mean", "sla_ci95_low", "sla_ci95_high", "replications_with_customers", "status",
)


def _rounded(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else float(f"{value:.{digits}g}")


def interval_rows(plan: StaffingPlan) -> list[dict[str, Any]]:
    """One row per interval: load, Erlang's staffing and its simulated SLA, the
    recommendation and its SLA with the 95 % interval, and the verdicts. ``staff`` is the
    fewest on duty in the interval's hours (shifts may cover some hours more)."""
    from stratsim.analysis.staffing import judge

    grid, target = plan.grid, plan.target.attainment

    def attained(prefix: str, result: IntervalResult) -> dict[str, Any]:
        return {
            f"{prefix}sla_mean": _rounded(result.mean),
            f"{prefix}sla_ci95_low": _rounded(result.ci95[0]) if result.ci95 else None,
            f"{prefix}sla_ci95_high": _rounded(result.ci95[1]) if result.ci95 else None,
            f"{prefix}status": judge(result, target),
        }

    rows = []
    for i, load in enumerate(plan.loads):
        hours = grid.hours(i)
        staff = min(plan.hourly_staff[h] for h in hours)
        first = grid.first_hour(i)
        rows.append({
            "interval": i, "days": grid.label(i).split(" ")[0],
            "from": f"{first:02d}:00", "to": f"{first + grid.interval_h:02d}:00",
            "arrival_rate_per_h": _rounded(load.arrival_rate),
            "offered_load_erlangs": _rounded(load.offered_load),
            "abandonment_rate_per_h": _rounded(load.abandonment_rate),
            "current_staff": _rounded(min(plan.current_hourly_staff[h] for h in hours)),
            **attained("current_", plan.current_results[i]),
            "erlang_staff": plan.erlang_staff[i],
            **attained("erlang_", plan.erlang_results[i]),
            "staff": staff, "scheduled_staff": scheduled_staff(staff, plan.shrinkage),
            **attained("", plan.results[i]),
            "replications_with_customers": plan.results[i].n,
        })
    return rows


def interval_table(plan: StaffingPlan) -> str:
    """``FILE.csv``."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, INTERVAL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(interval_rows(plan))
    return buffer.getvalue()


def shift_list(plan: StaffingPlan) -> list[dict[str, Any]]:
    """The shifts as ``{day, start, hours, staff}`` (empty without shifts)."""
    from stratsim.analysis.staffing import DAY_NAMES

    if plan.shifts is None:
        return []
    return [
        {"day": DAY_NAMES[start // HOURS_PER_DAY], "start": f"{start % HOURS_PER_DAY:02d}:00",
         "hours": plan.shifts.length_h, "staff": count}
        for start, count in zip(plan.shifts.starts, plan.shifts.counts) if count
    ]


def staffing_document(plan: StaffingPlan, scenario_file: str) -> dict[str, Any]:
    """``FILE.json``: the question, the answer's totals and cost, and how it was verified."""
    from stratsim.analysis.staffing import day_spec

    weeks = plan.window_h / HOURS_PER_WEEK
    cost = plan.service_kpis["cost"]
    return {
        "scenario": scenario_file,
        "service": plan.service,
        "target": {"attainment": plan.target.attainment, "wait_min": plan.target.wait_h * 60},
        "interval_hours": plan.grid.interval_h,
        "day_groups": [day_spec(days) for days in plan.grid.day_groups],
        "reachable": plan.reachable,
        "reason": plan.search.reason,
        "staff_hours_per_week": plan.staff_hours_per_week,
        "current_staff_hours_per_week": plan.current_hours_per_week,
        "current_intervals_short": sum(not acceptable(r, plan.target.attainment)
                                       for r in plan.current_results),
        "erlang_staff_hours_per_week": plan.erlang_hours_per_week,
        "erlang_intervals_short": plan.search.erlang.short(plan.target.attainment),
        "intervals_short": sum(not acceptable(r, plan.target.attainment) for r in plan.results),
        "shrinkage": plan.shrinkage,
        "scheduled_hours_per_week": plan.scheduled_hours_per_week,
        "staff_hour_cost": plan.staff_hour_cost,
        "staff_cost_per_week": plan.staff_cost_per_week,
        "shifts": shift_list(plan),
        "shifts_to_schedule": (None if plan.shifts is None else
                               scheduled_staff(sum(plan.shifts.counts), plan.shrinkage)),
        "verification": {
            "replications": plan.replications, "seed": plan.seed,
            "window_hours": plan.window_h, "simulations": plan.simulations,
            "service_kpis": plan.service_kpis,
            "service_cost_per_week": {
                "mean": None if cost["mean"] is None else cost["mean"] / weeks,
                "ci95": None if cost["ci95"] is None else [v / weeks for v in cost["ci95"]],
            },
        },
    }


def write_staffing(plan: StaffingPlan, out: Path, *, scenario_file: str,
                   force: bool = False) -> list[Path]:
    """Write ``{rosters: {service: [...]}}`` and its siblings, all or nothing."""
    from stratsim.report.staffing_charts import draw_staffing_chart
    from stratsim.runner.fragments import SiblingFiles, fragment_yaml

    files = SiblingFiles(out, STAFFING_SIBLINGS, force)
    try:
        comment = (f"stratsim staff {scenario_file} --service {plan.service} --target "
                   f"{plan.target}:\nstaff on duty hour by hour "
                   f"({plan.staff_hours_per_week:,} staff-hours a week); paste under "
                   "`strategy: pattern: rosters:`.")
        document = {"rosters": {plan.service: plan.roster()}}
        files.stage(files.path(".png"), lambda p: draw_staffing_chart(plan, p, image_format="png"))
        files.stage_text(files.path(".csv"), interval_table(plan))
        files.stage_json(files.path(".json"), staffing_document(plan, scenario_file))
        files.stage_text(files.fragment, fragment_yaml(document, comment))
        return files.commit()
    except BaseException:
        files.abandon()
        raise
