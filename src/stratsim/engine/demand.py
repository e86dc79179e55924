"""Demand generators: one non-homogeneous Poisson process per (segment, service) pair.

Arrivals are made by time-transforming a unit-rate Poisson stream: the k-th arrival happens
when the cumulative rate ``Λ(t) = ∫ λ`` reaches the k-th point of the unit stream. Each
gap of the unit stream (a standard exponential) is "mass" that the clock spends at the
current rate. So a changed rate (a profile, growth, later a price or a promotion) moves the
arrival times and never reshuffles them: the k-th customer of a pair is the same customer,
with the same drawn attributes, in every scenario that shares the pair (common random
numbers).

The rate is piecewise constant over the hours of the week, times continuous exponential
growth ``exp(growth_per_hour · t)``; the cumulative rate is inverted exactly on each
constant piece, so no thinning or rejection is needed.

**Rates that change at run time.** A :class:`DynamicDemandSource` (a pair whose price,
promotion or availability the strategy can change) multiplies that rate by a ``factor`` that
changes at arbitrary times. The pending arrival was scheduled by spending a unit mass from an
anchor time; when the factor changes at τ, the mass spent between the anchor and τ at the old
factor is subtracted, and the remaining mass is spent from τ at the new factor: still an exact
inversion of the cumulative rate, and the k-th customer is still the k-th unit gap. The
arrival scheduled before is left on the heap and ignored when it comes (it carries a
``generation`` number that no longer matches).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappush

from stratsim.economics.satisfaction import SCORE_LOST
from stratsim.engine.cells import Cell
from stratsim.engine.distributions import sampler
from stratsim.engine.events import ARRIVAL, RENEGE, Clock, schedule
from stratsim.clock import HOURS_PER_WEEK
from stratsim.engine.model import DemandSpec, TierSpec
from stratsim.engine.rng import Role, batched, make_stream
from stratsim.engine.station import UNLIMITED, Customer, QuotedCustomer, Station
from stratsim.strategy.pricing import deferral_share


def constant_runs(rates: tuple[float, ...]) -> tuple[int, ...]:
    """For each hour of the week, how many hours the rate stays the same (wrapping; ≤ 168).

    One backward pass from the end of a run: O(168), not O(168²), since a scenario may
    have hundreds of sources whose rate is zero most of the week.
    """
    n = len(rates)
    start = next((i for i in range(n) if rates[i] != rates[i - 1]), None)
    if start is None:
        return (n,) * n
    runs = [0] * n
    for k in range(1, n + 1):   # from the hour before a change, backwards round the week
        i = (start - k) % n
        following = (i + 1) % n
        runs[i] = runs[following] + 1 if rates[following] == rates[i] else 1
    return tuple(runs)


def next_arrival_h(
    t: float,
    mass: float,
    rates: tuple[float, ...],
    runs: tuple[int, ...],
    growth_per_hour: float,
    until_h: float,
) -> float:
    """The time at which the cumulative rate from ``t`` reaches ``mass``.

    Returns ``inf`` when the walk over hours passes ``until_h`` first; a time inside the
    last piece may still lie beyond ``until_h`` (the caller drops it). ``rates[h]`` is the rate in hour-of-week ``h`` at time 0, ``runs[h]`` how long it stays.
    """
    beta = growth_per_hour
    while t < until_h:
        hour = int(t)
        index = hour % HOURS_PER_WEEK
        end = float(hour + runs[index])
        rate = rates[index]
        if rate > 0.0:
            if beta == 0.0:
                capacity = rate * (end - t)
                if capacity >= mass:
                    return t + mass / rate
            else:
                scale = rate * math.exp(beta * t)
                capacity = scale * math.expm1(beta * (end - t)) / beta
                if capacity >= mass:
                    return t + math.log1p(mass * beta / scale) / beta
            mass -= capacity
        t = end
    return math.inf


def cumulative_rate_h(
    t0: float, t1: float, rates: tuple[float, ...], runs: tuple[int, ...], growth_per_hour: float
) -> float:
    """``Λ(t1) − Λ(t0)``: the expected number of arrivals between two times (``t0 ≤ t1``)."""
    beta = growth_per_hour
    total = 0.0
    t = t0
    while t < t1:
        hour = int(t)
        index = hour % HOURS_PER_WEEK
        end = min(float(hour + runs[index]), t1)
        rate = rates[index]
        if rate > 0.0:
            if beta == 0.0:
                total += rate * (end - t)
            else:
                total += rate * math.exp(beta * t) * math.expm1(beta * (end - t)) / beta
        t = end
    return total


class DemandSource:
    """Makes the arrivals of one pair, up to ``until_h``, and hands each customer to its station.

    Arrivals go on past the horizon, into uncounted cells, while the counted customers
    drain: the queue a counted customer sees is then the queue it would really see.

    Random streams (per replication, keyed by the pair): ``ARRIVALS`` unit exponentials,
    ``WORK`` service durations, ``PATIENCE`` (only if the segment declares patience),
    ``TIER`` uniforms (only if the pair can choose between tiers) and ``COMPLAINT`` uniforms
    (only if the segment may complain: :meth:`draw_complaint_uniforms`). Every customer draws
    its attributes at arrival, whatever then happens to them, so draws stay aligned across
    scenarios.
    """

    def __init__(
        self,
        env: Clock,
        spec: DemandSpec,
        station: Station,
        cells: list[Cell],
        seed: int,
        replication: int,
        until_h: float,
    ) -> None:
        self.env = env
        self.spec = spec
        self.station = station
        self.cells = cells
        self.until_h = until_h
        self.tiers: tuple[TierSpec, ...] = station.spec.tiers
        self.balk_at = UNLIMITED if spec.balk_at is None else spec.balk_at

        def stream(role: Role):
            return make_stream(seed, replication, role, spec.entity)

        arrivals_rng = stream(Role.ARRIVALS)
        self._unit: Callable[[], float] = batched(arrivals_rng.standard_exponential).__next__
        self._work = batched(sampler(station.spec.service_time, stream(Role.WORK))).__next__
        self._patience = (
            batched(sampler(spec.patience, stream(Role.PATIENCE))).__next__
            if spec.patience is not None
            else None
        )
        self._tier_uniform = (
            batched(stream(Role.TIER).random).__next__ if len(spec.tier_choice) > 1 else None
        )
        self._single_tier = spec.tier_choice[0][1]
        self._rates = spec.rate_by_hour
        self._runs = constant_runs(spec.rate_by_hour)
        self._constant_rate = spec.rate_by_hour[0] if spec.is_constant_rate else None
        self._arrival = self._arrive   # the bound method made once, not once per customer
        self._agenda, self._ids = env._queue, env._eid   # type: ignore[attr-defined]
        self._complaint_u: Callable[[], float] | None = None

    def draw_complaint_uniforms(self, uniform: Callable[[], float]) -> None:
        """Give every customer from now on a ``complaint_u`` drawn from ``uniform`` at its
        arrival (a segment that may complain, :mod:`stratsim.engine.relationship`)."""
        self._complaint_u = uniform

    def use_cells(self, cells: list[Cell]) -> None:
        """Count the following arrivals in ``cells`` (switched at the end of warm-up and horizon)."""
        self.cells = cells

    def start(self) -> None:
        self._schedule_after(0.0)

    def _schedule_after(self, now: float) -> None:
        mass = self._unit()
        rate = self._constant_rate
        if rate is not None:
            at = now + mass / rate if rate > 0.0 else math.inf
        else:
            at = next_arrival_h(now, mass, self._rates, self._runs, self.spec.growth_per_hour, self.until_h)
        if at < self.until_h:   # schedule(...) written out: once per customer
            heappush(self._agenda, (at, ARRIVAL, next(self._ids), self._arrival, None))

    def _choose_tier(self) -> int:
        if self._tier_uniform is None:
            return self._single_tier
        u = self._tier_uniform()
        for cumulative, tier in self.spec.tier_choice:
            if u < cumulative:
                return tier
        return self.spec.tier_choice[-1][1]

    def _arrive(self, _: None) -> None:
        now = self.env._now
        tier = self._single_tier if self._tier_uniform is None else self._choose_tier()   # one tier: no call
        customer = Customer(now, self._work(), self.tiers[tier].level, self.cells[tier])
        if self._complaint_u is not None:
            customer.complaint_u = self._complaint_u()
        patience = self._patience() if self._patience is not None else None
        if self.station.arrive(customer, now, self.balk_at) and patience is not None:
            schedule(self.env, now + patience, RENEGE, self.station.renege, customer)
        self._schedule_after(now)


class DynamicDemandSource(DemandSource):
    """A pair the strategy can change: its rate ``factor`` (price response, promotion), the
    ``quote`` its customers are charged, its service's availability, and deferral.

    ``best_window(now)``, when set, says how many hours ahead the cheapest window starts, how
    long it is and the relative saving there: a flexible customer draws one uniform (stream
    ``DEFERRAL``, drawn for every customer of the pair so draws stay aligned) and defers with the
    probability of :func:`~stratsim.strategy.pricing.deferral_share`. A deferred customer keeps
    its attributes and its cohort, and comes back at a time spread evenly over the window,
    paying the price then.
    """

    def __init__(self, env: Clock, spec: DemandSpec, station: Station, cells: list[Cell],
                 seed: int, replication: int, until_h: float) -> None:
        super().__init__(env, spec, station, cells, seed, replication, until_h)
        self.factor = 1.0
        self.strategy_factor = 1.0
        self.base_share = 1.0
        self.redirect = None  # a lifecycle Redirect: where customers go while not offered
        self.generation = 0
        self.anchor_h = 0.0
        self.mass = 0.0
        self.quote: tuple[float, float] = (station.price, 1.0)
        self.best_window: Callable[[float], tuple[int, int, float]] | None = None
        self._defer_uniform = (
            batched(make_stream(seed, replication, Role.DEFERRAL, spec.entity).random).__next__
            if spec.flexibility > 0 else None
        )

    def start(self) -> None:
        self._schedule(0.0, self._unit())

    def _schedule(self, now: float, mass: float) -> None:
        self.anchor_h = now
        self.mass = mass
        self.generation += 1
        factor = self.factor
        if factor <= 0.0:
            return
        rate = self._constant_rate
        if rate is not None:
            at = now + mass / (rate * factor) if rate > 0.0 else math.inf
        else:
            at = next_arrival_h(now, mass / factor, self._rates, self._runs, self.spec.growth_per_hour,
                                self.until_h)
        if at < self.until_h:
            schedule(self.env, at, ARRIVAL, self._arrive_dynamic, self.generation)

    def set_factor(self, factor: float, now: float) -> None:
        """Change the strategy's rate multiplier at ``now``, re-timing the pending arrival exactly."""
        self.strategy_factor = factor
        self._retime(factor * self.base_share, now)

    def set_base_share(self, share: float, now: float) -> None:
        """Scale the rate by the share of the segment's customer base still there (churn)."""
        self.base_share = share
        self._retime(self.strategy_factor * share, now)

    def _retime(self, factor: float, now: float) -> None:
        old = self.factor
        if factor == old:
            return
        consumed = 0.0
        if old > 0.0:
            rate = self._constant_rate
            if rate is not None:
                consumed = old * rate * (now - self.anchor_h)
            else:
                consumed = old * cumulative_rate_h(self.anchor_h, now, self._rates, self._runs,
                                                   self.spec.growth_per_hour)
        self.factor = factor
        self._schedule(now, max(0.0, self.mass - consumed))

    def _arrive_dynamic(self, generation: int) -> None:
        if generation != self.generation:
            return  # re-timed since: a newer arrival event stands for this customer
        now = self.env._now
        tier = self._choose_tier()
        customer = QuotedCustomer(now, self._work(), self.tiers[tier].level, self.cells[tier])
        customer.quote = self.quote
        if self._complaint_u is not None:
            customer.complaint_u = self._complaint_u()
        patience = self._patience() if self._patience is not None else None
        uniform = self._defer_uniform() if self._defer_uniform is not None else None
        if not self.station.offered:
            self._not_offered(customer, now, patience)
        else:
            back = self._deferred_until(now, uniform) if uniform is not None else None
            if back is not None:
                self._defer(customer, patience, back)
            elif self.station.arrive(customer, now, self.balk_at) and patience is not None:
                schedule(self.env, now + patience, RENEGE, self.station.renege, customer)
        self._schedule(now, self._unit())

    def _deferred_until(self, now: float, uniform: float) -> float | None:
        """When a flexible customer comes back, or ``None`` if it does not defer.

        It defers when ``uniform < p`` (the deferral share); ``uniform / p`` is then itself
        uniform on [0, 1) and places it in the cheaper window, so one draw does both.
        """
        if self.best_window is None:
            return None
        hours, length, gap = self.best_window(now)
        share = deferral_share(self.spec.flexibility, gap) if hours else 0.0
        if uniform >= share:
            return None
        return math.floor(now) + hours + length * (uniform / share)

    def _defer(self, customer: QuotedCustomer, patience: float | None, back_h: float) -> None:
        cell = customer.cell
        cell.arrivals += 1
        cell.deferred += 1
        cell.in_system += 1  # the drain waits for it, and it counts as in the system meanwhile
        schedule(self.env, back_h, ARRIVAL, self._come_back, (customer, patience))

    def _not_offered(self, customer: QuotedCustomer, now: float, patience: float | None) -> None:
        """The service is not offered: to the first offered fallback (the customer keeps its
        complaint uniform there), else unavailable."""
        complaint_u = customer.complaint_u if self._complaint_u is not None else None
        if self.redirect is None or not self.redirect.send(now, self.balk_at, patience, complaint_u):
            self._unavailable(customer)

    def _unavailable(self, customer: QuotedCustomer) -> None:
        self.station.advance(self.env._now)   # the arrival falls in the time series' current bin
        cell = customer.cell
        cell.arrivals += 1
        cell.unavailable += 1
        cell.scoring = customer
        cell.satisfaction_sum += SCORE_LOST
        self.station.arrivals_total += 1

    def _come_back(self, returning: tuple[QuotedCustomer, float | None]) -> None:
        customer, patience = returning
        now = self.env._now
        cell = customer.cell
        cell.in_system -= 1
        customer.arrival_h = now
        customer.quote = self.quote
        if not self.station.offered:
            cell.arrivals -= 1  # counted when it first arrived
            self._not_offered(customer, now, patience)
        elif self.station.rearrive(customer, now, self.balk_at) and patience is not None:
            schedule(self.env, now + patience, RENEGE, self.station.renege, customer)
