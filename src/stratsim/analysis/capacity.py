"""Capacity check: offered load against staff, hour by hour of the week.

The offered load of a service in an hour is ``λ(h) · E[S]`` (arrival rate times mean
service time, in servers' worth of work: Erlangs). Where it reaches the staff on duty the
queue grows during that hour; where the week's average load reaches the week's average
staff the queue grows without bound (no steady state). Rates are taken at the horizon's
growth (the heaviest point of a growing demand), and the staff of an hour is its
time-average under the roster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stratsim.analysis.queueing import offered_load
from stratsim.clock import HOURS_PER_WEEK
from stratsim.engine.model import Model, StationSpec

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class LoadCheck:
    """The load picture of one service over the week.

    ``peak_hour`` is the hour of the week where load exceeds staff the most (or falls
    short of it the least); ``peak_load`` and ``staff_at_peak`` are the values there.
    """

    service: str
    peak_load: float
    peak_hour: int
    staff_at_peak: float
    overloaded_hours: int
    mean_load: float
    mean_staff: float

    @property
    def unstable(self) -> bool:
        return self.mean_load > 0 and self.mean_load >= self.mean_staff

    def warnings(self) -> list[str]:
        """Plain-language warnings for a planner (empty when capacity suffices)."""
        out = []
        if self.unstable:
            out.append(
                f"{self.service}: average offered load {self.mean_load:.2f} ≥ average staff "
                f"{self.mean_staff:.2f}: the queue grows without bound"
            )
        elif self.overloaded_hours:
            out.append(
                f"{self.service}: offered load reaches staff in {self.overloaded_hours} hour(s) of "
                f"the week (peak {self.peak_load:.2f} at {hour_label(self.peak_hour)} with "
                f"{self.staff_at_peak:g} on duty): queues build up then"
            )
        return out


def hour_label(hour_of_week: int) -> str:
    """``"Mon 10:00"`` for hour-of-week 10."""
    return f"{WEEKDAYS[hour_of_week // 24]} {hour_of_week % 24:02d}:00"


def staff_by_hour(spec: StationSpec) -> list[float]:
    """Time-average staff in each hour of the week under the station's roster."""
    if not spec.schedule.changes:
        return [float(spec.base_staff)] * HOURS_PER_WEEK
    points = list(spec.schedule.changes)
    result = []
    for hour in range(HOURS_PER_WEEK):
        cuts = sorted({float(hour), float(hour + 1), *(p for p, _ in points if hour < p < hour + 1)})
        total = sum((b - a) * spec.staff_at((a + b) / 2) for a, b in zip(cuts, cuts[1:]))
        result.append(total)
    return result


def rate_by_hour(model: Model, spec: StationSpec) -> list[float]:
    """Arrival rate (per hour) at a station in each hour of the week, at the heaviest growth."""
    rate = [0.0] * HOURS_PER_WEEK
    for demand in model.demands:
        if demand.station_index != spec.index:
            continue
        growth = max(1.0, math.exp(demand.growth_per_hour * model.horizon_h))
        for hour, base in enumerate(demand.rate_by_hour):
            rate[hour] += base * growth
    return rate


def load_by_hour(model: Model, spec: StationSpec) -> list[float]:
    """Offered load (Erlangs) of a station in each hour of the week, at the heaviest growth."""
    service_rate = 1.0 / spec.service_time.mean_h
    return [offered_load(r, service_rate) for r in rate_by_hour(model, spec)]


def check_station(model: Model, spec: StationSpec) -> LoadCheck:
    load = load_by_hour(model, spec)
    staff = staff_by_hour(spec)
    peak = max(range(HOURS_PER_WEEK), key=lambda h: (load[h] - staff[h], load[h]))
    return LoadCheck(
        service=spec.id,
        peak_load=load[peak],
        peak_hour=peak,
        staff_at_peak=staff[peak],
        overloaded_hours=sum(1 for l, s in zip(load, staff) if l > 0 and l >= s),
        mean_load=sum(load) / HOURS_PER_WEEK,
        mean_staff=sum(staff) / HOURS_PER_WEEK,
    )


def capacity_checks(model: Model) -> list[LoadCheck]:
    """One :class:`LoadCheck` per service, in portfolio order."""
    return [check_station(model, spec) for spec in model.stations]


def window_warnings(model: Model) -> list[str]:
    """Warn when weekly patterns exist but the measured window is not a whole number of weeks."""
    periodic = any(len(set(d.rate_by_hour)) > 1 for d in model.demands) or any(
        s.schedule.changes for s in model.stations
    )
    weeks = model.window_h / HOURS_PER_WEEK
    if periodic and abs(weeks - round(weeks)) > 1e-9:
        return [
            f"the measured window (horizon − warmup = {model.window_h:g} h) is not a whole number "
            "of weeks while demand or staff follow a weekly pattern: averages over-weight part of "
            "the week"
        ]
    return []


#: Above this many expected arrivals per replication a run takes minutes per replication.
LARGE_RUN_ARRIVALS = 1e8


def expected_arrivals(model: Model) -> float:
    """Expected arrivals per replication over the whole horizon (warm-up included).

    The week's mean rate times the horizon, times the mean growth factor over the horizon.
    """
    total = 0.0
    for demand in model.demands:
        beta, horizon = demand.growth_per_hour, model.horizon_h
        growth = math.expm1(beta * horizon) / (beta * horizon) if beta else 1.0
        total += sum(demand.rate_by_hour) / HOURS_PER_WEEK * horizon * growth
    return total


def volume_warnings(model: Model) -> list[str]:
    """Warn when a replication will simulate an unusually large number of customers."""
    arrivals = expected_arrivals(model)
    if arrivals > LARGE_RUN_ARRIVALS:
        return [f"about {arrivals:,.0f} arrivals per replication: a very long run; "
                "check the rates, the horizon and the price response"]
    return []
