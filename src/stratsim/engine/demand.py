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
"""

from __future__ import annotations

import math
from collections.abc import Callable

from simpy.core import Environment
from simpy.events import Event

from stratsim.engine.cells import Cell
from stratsim.engine.distributions import sampler
from stratsim.engine.events import Callback, Priority
from stratsim.clock import HOURS_PER_WEEK
from stratsim.engine.model import DemandSpec, TierSpec
from stratsim.engine.rng import Role, batched, make_stream
from stratsim.engine.station import UNLIMITED, Customer, Station


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


class DemandSource:
    """Makes the arrivals of one pair, up to ``until_h``, and hands each customer to its station.

    Arrivals go on past the horizon, into uncounted cells, while the counted customers
    drain: the queue a counted customer sees is then the queue it would really see.

    Random streams (per replication, keyed by the pair): ``ARRIVALS`` unit exponentials,
    ``WORK`` service durations, ``PATIENCE`` (only if the segment declares patience) and
    ``TIER`` uniforms (only if the pair can choose between tiers). Every customer draws its
    attributes at arrival, whatever then happens to them, so draws stay aligned across
    scenarios.
    """

    def __init__(
        self,
        env: Environment,
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
        if at < self.until_h:
            Callback(self.env, at, Priority.ARRIVAL, self._arrive)

    def _choose_tier(self) -> int:
        if self._tier_uniform is None:
            return self._single_tier
        u = self._tier_uniform()
        for cumulative, tier in self.spec.tier_choice:
            if u < cumulative:
                return tier
        return self.spec.tier_choice[-1][1]

    def _arrive(self, event: Event) -> None:
        now = self.env._now
        tier = self._choose_tier()
        customer = Customer(now, self._work(), self.tiers[tier].level, self.cells[tier])
        patience = self._patience() if self._patience is not None else None
        if self.station.arrive(customer, now, self.balk_at) and patience is not None:
            Callback(self.env, now + patience, Priority.RENEGE, self.station.renege, customer)
        self._schedule_after(now)
