"""Capacity check: offered load against staff, hour by hour of the week.

The offered load of a service in an hour is ``λ(h) · E[S]`` (arrival rate times mean
service time, in servers' worth of work: Erlangs). Where it reaches the staff on duty the
queue grows during that hour; where the week's average load reaches the week's average
staff the queue grows without bound (no steady state). Rates are taken at the horizon's
growth (the heaviest point of a growing demand), and the staff of an hour is its
time-average under the roster.

A service that can lose customers — a finite ``queue_capacity`` (0: no waiting room),
segments with ``patience`` or ``balk_at`` — loses them instead of queueing without bound
(only the customers who never leave, without patience or a waiting limit, can still build
a queue without bound, when they alone bring load enough). For those the check estimates
the share of arrivals lost, hour by hour, with the stationary Markovian model of :func:`~stratsim.analysis.queueing.mmc_losses` (Erlang B,
M/M/c/K, Erlang-A and their combination) at each hour's arrival rates and staff (a roster
change inside an hour splits it), and reports it at the tightest hour and over the week
(weighted by arrivals). These are approximations: each hour is taken as if it lasted (no
backlog carried from one hour to the next), service and patience as exponential with their
means, and where segments differ in patience, one abandonment rate for all — the
arrival-weighted mean of 1/mean patience, a segment without patience counting as 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from stratsim.analysis.queueing import QueueingParameterError, mmc_losses
from stratsim.analysis.traffic import traffic_rates
from stratsim.clock import HOURS_PER_WEEK
from stratsim.clock import hour_of_week_label as hour_label
from stratsim.engine.model import DemandSpec, Model, StationSpec



#: A service's expected losses are reported when they reach this share of arrivals over the
#: week or at the tightest hour (or whenever load reaches staff somewhere).
LOSS_WARNING_SHARE = 0.01


@dataclass(frozen=True)
class LossShares:
    """Expected shares of arrivals turned away (blocked or balking) and abandoning."""

    turned_away: float
    abandoned: float

    @property
    def lost(self) -> float:
        return self.turned_away + self.abandoned


@dataclass(frozen=True)
class LossEstimate:
    """How a service that cannot queue without bound loses customers instead.

    ``peak`` is at the tightest hour (``None`` if that hour has no steady state), ``week``
    weighted by arrivals over the hours that have one; ``model`` names the queueing model,
    ``patience_h`` the mean patience it assumed (``None`` without patience);
    ``unsteady_hours`` counts hours where customers who can never be lost (no patience, no
    waiting limit) alone reach the staff, so that queue builds up then.
    """

    peak: LossShares | None
    week: LossShares | None
    model: str
    can_block: bool
    can_balk: bool
    can_abandon: bool
    patience_h: float | None
    unsteady_hours: int
    never_lost_mean_load: float


@dataclass(frozen=True)
class LoadCheck:
    """The load picture of one service over the week.

    ``peak_hour`` is the hour of the week where load exceeds staff the most (or falls
    short of it the least); ``peak_load`` and ``staff_at_peak`` are the values there.
    ``losses`` is set for a service that can lose customers (finite waiting room, patience
    or balking). ``backlog_customers`` is the largest queue a steady flow of the hourly
    demand would build where load exceeds staff (a fluid estimate, randomness aside), at
    hour ``backlog_hour``; only for services that cannot lose customers.
    """

    service: str
    peak_load: float
    peak_hour: int
    staff_at_peak: float
    overloaded_hours: int
    mean_load: float
    mean_staff: float
    losses: LossEstimate | None = None
    backlog_customers: float = 0.0
    backlog_hour: int = 0

    @property
    def unstable(self) -> bool:
        """The week's average load reaches the average staff (a lossy service then loses
        customers instead of queueing without bound; see :attr:`unbounded`)."""
        return self.mean_load > 0 and self.mean_load >= self.mean_staff

    @property
    def unbounded(self) -> bool:
        """Some queue grows without bound: customers who are never lost alone bring an
        average load that reaches the average staff."""
        if self.losses is None:
            return self.unstable
        load = self.losses.never_lost_mean_load
        return load > 0 and load >= self.mean_staff

    def warnings(self, brief: bool = False) -> list[str]:
        """Plain-language warnings for a planner (empty when capacity suffices).

        ``brief``: what happens and where, without how it was estimated (the split between
        abandoning and being turned away, the queueing model and its assumptions, what a
        backlog means): one line a console can show for each of many services, the full text
        being kept in the manifest and printed by ``stratsim validate``."""
        if self.losses is not None:
            return self._loss_warnings(self.losses, brief)
        out = []
        if self.unstable:
            out.append(
                f"{self.service}: average offered load {self.mean_load:.2f} ≥ average staff "
                f"{self.mean_staff:.2f}: the queue grows without bound"
            )
        elif self.overloaded_hours:
            backlog = ""
            if self.backlog_customers >= 0.5:   # load above staff, not just equal to it
                backlog = (f", to about {self.backlog_customers:,.0f} waiting by "
                           f"{hour_label(self.backlog_hour)} even ")
                backlog += ("with steady demand" if brief else "if demand came as a steady flow, and are worked "
                            "off when load falls below staff")
            out.append(
                f"{self.service}: offered load reaches staff in {self.overloaded_hours} hour(s) of "
                f"the week (peak {self.peak_load:.2f} at {hour_label(self.peak_hour)} with "
                f"{self.staff_at_peak:g} on duty): queues build up then{backlog}"
            )
        return out

    def _loss_warnings(self, losses: LossEstimate, brief: bool) -> list[str]:
        if self.unbounded:
            return [
                f"{self.service}: customers who never leave the queue (no patience, no "
                f"balk_at, unlimited waiting room) alone bring an average offered load "
                f"{losses.never_lost_mean_load:.2f} ≥ average staff {self.mean_staff:.2f}: "
                "their queue grows without bound"
            ]
        week, peak = losses.week, losses.peak
        largest = max((shares.lost for shares in (week, peak) if shares is not None), default=0.0)
        if largest < LOSS_WARNING_SHARE and not self.overloaded_hours and not losses.unsteady_hours:
            return []
        if self.unstable:
            lead = (f"average offered load {self.mean_load:.2f} ≥ average staff "
                    f"{self.mean_staff:.2f}, so customers are lost instead of queueing without bound: ")
        elif self.overloaded_hours:
            lead = f"offered load reaches staff in {self.overloaded_hours} hour(s) of the week; "
        else:
            lead = ""
        where = (f"at the tightest hour ({hour_label(self.peak_hour)}: load {self.peak_load:.2f}, "
                 f"{self.staff_at_peak:g} on duty)")
        text = f"{self.service}: {lead}{_describe_losses(week, peak, where, losses, brief)}"
        if losses.unsteady_hours:
            text += (f"; in {losses.unsteady_hours} hour(s) the queue of customers who never "
                     "leave it has no steady state: it builds up then")
        if brief:
            return [text]
        return [f"{text} ({_describe_model(losses)}; stationary approximations, hour by hour)"]


def _percent(share: float) -> str:
    """``23 %``, ``2.3 %``, ``0.4 %``."""
    value = 100.0 * share
    return f"{value:.0f} %" if value >= 9.95 else f"{value:.1f} %"


def _describe_losses(week: LossShares | None, peak: LossShares | None, where: str,
                     losses: LossEstimate, brief: bool = False) -> str:
    """What happens to arrivals over the week and at the tightest hour, in the words of the
    mechanisms the service has: blocking (full waiting room) or balking, abandonment, both
    (``brief``: both together as "lost", without the split)."""
    def over(value: Callable[[LossShares], float], verb: str) -> str:
        """``"6.0 % of arrivals <verb> over the week, 29 % at the tightest hour (…)"``."""
        parts = []
        if week is not None:
            parts.append(f"{_percent(value(week))} of arrivals{verb} over the week")
        if peak is not None:
            parts.append(f"{_percent(value(peak))}{'' if parts else ' of arrivals' + verb} {where}")
        return ", ".join(parts)

    turned = " or ".join(word for word, present in
                         (("blocking", losses.can_block), ("balking", losses.can_balk)) if present)
    if not losses.can_abandon:
        return f"expected {turned} ≈ {over(lambda s: s.turned_away, '')}"
    if not turned:
        return f"about {over(lambda s: s.abandoned, ' would abandon')}"
    if brief:
        return f"about {over(lambda s: s.lost, ' would be lost')}"
    known = [shares for shares in (week, peak) if shares is not None]
    abandoning = " and ".join(_percent(shares.abandoned) for shares in known)
    turned_away = " and ".join(_percent(shares.turned_away) for shares in known)
    return (f"about {over(lambda s: s.lost, ' would be lost')}; abandoning: {abandoning}, "
            f"{turned}: {turned_away}")


def _describe_model(losses: LossEstimate) -> str:
    text = losses.model
    if losses.patience_h is not None:
        text += f", patience as exponential with mean {_duration(losses.patience_h)}"
    return text


def _duration(hours: float) -> str:
    return f"{hours * 60:.0f} min" if hours < 2 else f"{hours:.3g} h"


def staff_pieces_by_hour(spec: StationSpec) -> list[list[tuple[float, int]]]:
    """For each hour of the week, ``(duration_h, staff)`` pieces, split at roster changes."""
    if not spec.schedule.changes:
        return [[(1.0, spec.base_staff)]] * HOURS_PER_WEEK
    points = list(spec.schedule.changes)
    result = []
    for hour in range(HOURS_PER_WEEK):
        cuts = sorted({float(hour), float(hour + 1), *(p for p, _ in points if hour < p < hour + 1)})
        result.append([(b - a, spec.staff_at((a + b) / 2)) for a, b in zip(cuts, cuts[1:])])
    return result


def staff_by_hour(spec: StationSpec) -> list[float]:
    """Time-average staff in each hour of the week under the station's roster."""
    if not spec.schedule.changes:
        return [float(spec.base_staff)] * HOURS_PER_WEEK
    return [sum(length * staff for length, staff in pieces) for pieces in staff_pieces_by_hour(spec)]


def demand_rates_by_hour(model: Model, demand: DemandSpec) -> list[float]:
    """Arrival rate of one (segment, service) pair in each hour of the week, at the heaviest
    growth (that of the horizon, for a growing demand)."""
    growth = max(1.0, math.exp(demand.growth_per_hour * model.horizon_h))
    return [base * growth for base in demand.rate_by_hour]


def rate_by_hour(model: Model, spec: StationSpec) -> list[float]:
    """Arrival rate (per hour) at a station in each hour of the week, at the heaviest growth;
    with dependencies, the requests other services send it included (:func:`request_rates`)."""
    if model.dependencies:
        return request_rates(model)[spec.index]
    return own_rate_by_hour(model, spec)


def own_rate_by_hour(model: Model, spec: StationSpec) -> list[float]:
    """Arrival rate of a station's own segment demand by hour of the week, requests left out."""
    rate = [0.0] * HOURS_PER_WEEK
    for demand in model.demands:
        if demand.station_index != spec.index:
            continue
        for hour, value in enumerate(demand_rates_by_hour(model, demand)):
            rate[hour] += value
    return rate


def request_rates(model: Model) -> list[list[float]]:
    """Every station's arrival rate by hour with the requests it receives: the traffic equations
    of a Jackson network, hour by hour (:func:`stratsim.analysis.traffic.traffic_rates`); ``inf``
    where requests circulate for ever. An approximation: every arrival counts as served, and a
    request is counted in the hour its sender arrived."""
    own = np.array([own_rate_by_hour(model, spec) for spec in model.stations])
    routing = np.zeros((len(model.stations), len(model.stations)))
    for edge in model.dependencies:
        routing[edge.source_index, edge.target_index] += edge.share
    return traffic_rates(own, routing).tolist()


def load_by_hour(model: Model, spec: StationSpec) -> list[float]:
    """Offered load (Erlangs) of a station in each hour of the week, at the heaviest growth."""
    # λ·E[S] by multiplication: a service time too short for its rate to be a float (a
    # uniform up to 5e-324 h) still gives a load, 0, instead of an overflow
    return [r * spec.service_time.mean_h for r in rate_by_hour(model, spec)]


def check_station(model: Model, spec: StationSpec) -> LoadCheck:
    load = load_by_hour(model, spec)
    staff = staff_by_hour(spec)
    peak = max(range(HOURS_PER_WEEK), key=lambda h: (load[h] - staff[h], load[h]))
    can_lose = spec.queue_capacity is not None or any(
        d.patience is not None or d.balk_at is not None for d in _station_demands(model, spec))
    backlog, backlog_hour = (0.0, 0) if can_lose else fluid_backlog(load, staff)
    return LoadCheck(
        service=spec.id,
        peak_load=load[peak],
        peak_hour=peak,
        staff_at_peak=staff[peak],
        overloaded_hours=sum(1 for l, s in zip(load, staff) if l > 0 and l >= s),
        mean_load=sum(load) / HOURS_PER_WEEK,
        mean_staff=sum(staff) / HOURS_PER_WEEK,
        losses=estimate_losses(model, spec, peak) if can_lose else None,
        backlog_customers=backlog / spec.service_time.mean_h if backlog else 0.0,
        backlog_hour=backlog_hour,
    )


def fluid_backlog(load: list[float], staff: list[float]) -> tuple[float, int]:
    """The largest backlog of work (server-hours) a steady flow of each hour's demand builds
    over the week, in the periodic regime, and the hour of the week when it peaks (the end
    of the hour that built it).

    Each hour adds ``load − staff`` hours of work to the backlog, which cannot fall below
    zero. Weeks are repeated until the backlog at the week's start repeats (a backlog may
    carry over the weekend); it always does when the average load is below the average staff.
    """
    backlog, largest, at = 0.0, 0.0, 0
    for _ in range(52):
        start = backlog
        for hour in range(HOURS_PER_WEEK):
            backlog = max(0.0, backlog + load[hour] - staff[hour])
            if backlog > largest:
                largest, at = backlog, (hour + 1) % HOURS_PER_WEEK
        if abs(backlog - start) <= 1e-9 * max(1.0, backlog):
            break
    return largest, at


def _station_demands(model: Model, spec: StationSpec) -> list[DemandSpec]:
    return [d for d in model.demands if d.station_index == spec.index]


def _never_lost(spec: StationSpec, demand: DemandSpec) -> bool:
    """A customer who waits however long the queue: no patience, no balk_at, no room limit."""
    return spec.queue_capacity is None and demand.patience is None and demand.balk_at is None


def _abandonment_rate(demand: DemandSpec) -> float:
    """θ = 1 / mean patience (per hour), 0 without patience."""
    return 0.0 if demand.patience is None else 1.0 / demand.patience.mean_h


def losses_by_hour(model: Model, spec: StationSpec) -> list[LossShares | None]:
    """Stationary expected losses of a station in each hour of the week (``None`` in an hour
    without steady state: customers who are never lost alone reach the staff then).

    Per piece of the hour with constant staff, :func:`~stratsim.analysis.queueing.mmc_losses`
    at that hour's arrival rates (heaviest growth) with one abandonment rate, the
    arrival-weighted mean of the segments' 1/mean patience; the hour's shares are the
    time-weighted mean of its pieces (the arrival rate is constant within an hour).
    """
    demands = _station_demands(model, spec)
    mean_h = spec.service_time.mean_h
    if not (mean_h > 0 and math.isfinite(1.0 / mean_h)):
        return [LossShares(0.0, 0.0)] * HOURS_PER_WEEK   # service takes no time: nobody waits
    service_rate = 1.0 / mean_h
    rates = [demand_rates_by_hour(model, d) for d in demands]
    abandon_rates = [_abandonment_rate(d) for d in demands]
    balk_at = [d.balk_at for d in demands]
    never_lost = [_never_lost(spec, d) for d in demands]
    cache: dict[tuple[tuple[float, ...], int], LossShares | None] = {}

    def shares_at(hour_rates: tuple[float, ...], staff: int) -> LossShares | None:
        key = (hour_rates, staff)
        if key not in cache:
            cache[key] = None
            total = sum(hour_rates)
            never_lost_rate = sum(r for r, n in zip(hour_rates, never_lost) if n)
            theta = sum(r * t for r, t in zip(hour_rates, abandon_rates)) / total if total else 0.0
            if not 0 < never_lost_rate >= staff * service_rate:   # else that queue grows now
                try:
                    loss = mmc_losses(list(hour_rates), service_rate, staff, balk_at=balk_at,
                                      queue_capacity=spec.queue_capacity, abandonment_rate=theta)
                    cache[key] = LossShares(loss.blocked_share + loss.balked_share, loss.abandon_share)
                except QueueingParameterError:   # no steady state, or a queue too long to solve
                    pass
        return cache[key]

    hourly: list[LossShares | None] = []
    for hour, pieces in enumerate(staff_pieces_by_hour(spec)):
        hour_rates = tuple(r[hour] for r in rates)
        parts = [(length, shares_at(hour_rates, staff)) for length, staff in pieces]
        if any(shares is None for _, shares in parts):
            hourly.append(None)
        else:
            hourly.append(LossShares(sum(length * s.turned_away for length, s in parts),
                                     sum(length * s.abandoned for length, s in parts)))
    return hourly


def estimate_losses(model: Model, spec: StationSpec, peak: int) -> LossEstimate:
    """Expected losses of a service that can lose customers: at the tightest hour ``peak`` and
    over the week, weighted by each hour's arrivals (see the module)."""
    demands = _station_demands(model, spec)
    hourly = losses_by_hour(model, spec)
    rates = [demand_rates_by_hour(model, d) for d in demands]
    arrivals = [sum(r[hour] for r in rates) for hour in range(HOURS_PER_WEEK)]
    counted = [(a, s) for a, s in zip(arrivals, hourly) if s is not None and a > 0]
    weight = sum(a for a, _ in counted)
    week = (LossShares(sum(a * s.turned_away for a, s in counted) / weight,
                       sum(a * s.abandoned for a, s in counted) / weight) if weight else None)
    abandon_rates = [_abandonment_rate(d) for d in demands]
    mean_theta = (sum(t * sum(r) for r, t in zip(rates, abandon_rates)) / sum(arrivals)
                  if sum(arrivals) else 0.0)
    # with no waiting room a full room turns everyone away before anyone could balk
    can_balk = spec.queue_capacity != 0 and any(d.balk_at is not None for d in demands)
    return LossEstimate(
        peak=hourly[peak],
        week=week,
        model=_model_name(spec.queue_capacity, any(abandon_rates), can_balk),
        can_block=spec.queue_capacity is not None,
        can_balk=can_balk,
        can_abandon=any(abandon_rates),
        patience_h=1.0 / mean_theta if mean_theta else None,
        unsteady_hours=sum(1 for a, s in zip(arrivals, hourly) if s is None and a > 0),
        never_lost_mean_load=sum(sum(r) for r, d in zip(rates, demands) if _never_lost(spec, d))
        * spec.service_time.mean_h / HOURS_PER_WEEK,
    )


def _model_name(queue_capacity: int | None, abandon: bool, balk: bool) -> str:
    """Erlang B, M/M/c/K, Erlang-A, … with the waiting room and balking it has."""
    if abandon:
        name = "Erlang-A"
        if queue_capacity is not None:
            name += f" with {queue_capacity} waiting places"
    elif queue_capacity == 0:
        name = "Erlang B, no waiting room"
    elif queue_capacity is not None:
        name = f"M/M/c/K with {queue_capacity} waiting places"
    else:
        name = "M/M/c"
    if balk:
        name += " and balking" if " with " in name else " with balking"
    return name


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
