"""Non-homogeneous Poisson arrivals by time transformation: exact inversion of Λ(t)."""

import math

import numpy as np
import pytest
from scipy import integrate

from stratsim.engine.demand import constant_runs, next_arrival_h


def cumulative_rate(rates, growth, a, b):
    """Λ(b) − Λ(a) by numerical integration of the piecewise rate (independent of the code)."""
    def rate(t):
        return rates[int(t) % 168] * math.exp(growth * t)
    points = [h for h in range(int(a) + 1, int(b) + 1)]
    return integrate.quad(rate, a, b, points=points, limit=500)[0]


def week(profile):
    return tuple(profile[h % len(profile)] for h in range(168))


def test_constant_runs_wrap_around_the_week():
    rates = week([0.0] * 6 + [1.0] * 18)
    runs = constant_runs(rates)
    assert runs[6] == 18
    assert runs[0] == 6
    assert runs[167] == 1  # Sunday 23:00 at 1.0, then Monday 00:00 at 0
    assert constant_runs(week([2.0]))[100] == 168
    assert all(1 <= r <= 168 for r in runs)


def test_constant_runs_match_their_definition_on_any_week():
    """The one-pass computation against the definition, counted hour by hour."""
    def by_definition(rates):
        n = len(rates)
        out = []
        for start in range(n):
            length = 1
            while length < n and rates[(start + length) % n] == rates[start]:
                length += 1
            out.append(length)
        return tuple(out)

    rng = np.random.default_rng(11)
    weeks = [week([0.0]), week([1.0, 0.0]), tuple([0.0] * 167 + [3.0]), tuple([3.0] + [0.0] * 167)]
    weeks += [tuple(float(v) for v in rng.integers(0, k, 168)) for k in (2, 3, 5) for _ in range(20)]
    for rates in weeks:
        assert constant_runs(rates) == by_definition(rates)


@pytest.mark.parametrize("growth", [0.0, math.log1p(0.5) / 8760, math.log1p(-0.3) / 8760])
def test_arrival_time_consumes_exactly_the_mass(growth):
    rates = week([0.0, 0.5, 2.0, 2.0, 3.5, 0.0, 1.0, 0.25])
    runs = constant_runs(rates)
    rng = np.random.default_rng(3)
    t = 0.3
    for mass in rng.exponential(2.0, 40):
        nxt = next_arrival_h(t, mass, rates, runs, growth, 10_000.0)
        assert nxt > t
        assert cumulative_rate(rates, growth, t, nxt) == pytest.approx(mass, rel=1e-7)
        t = nxt


def test_zero_rate_hours_get_no_arrivals():
    rates = week([0.0] * 8 + [1.0] * 16)
    runs = constant_runs(rates)
    t = 0.0
    for _ in range(500):
        t = next_arrival_h(t, 0.7, rates, runs, 0.0, 5_000.0)
        assert t % 24 >= 8


def test_walk_stops_at_the_horizon():
    rates = week([1.0] * 12 + [0.0] * 12)
    assert next_arrival_h(11.5, 1.0, rates, constant_runs(rates), 0.0, 20.0) == math.inf
    assert next_arrival_h(9.5, 1.0, rates, constant_runs(rates), 0.0, 10.0) == 10.5  # caller drops it
    zero = week([0.0])
    assert next_arrival_h(0.0, 0.1, zero, constant_runs(zero), 0.0, 1e4) == math.inf
