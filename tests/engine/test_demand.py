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


def test_cumulative_rate_matches_integration():
    from stratsim.engine.demand import cumulative_rate_h

    rates = week([0.0, 0.5, 2.0, 2.0, 3.5, 0.0, 1.0, 0.25])
    runs = constant_runs(rates)
    for growth in (0.0, math.log1p(0.4) / 8760):
        for a, b in ((0.3, 0.9), (0.3, 7.2), (5.5, 400.25), (167.5, 169.5)):
            assert cumulative_rate_h(a, b, rates, runs, growth) == pytest.approx(
                cumulative_rate(rates, growth, a, b), rel=1e-9)


def test_a_rate_changed_mid_gap_is_still_an_exact_inversion(monkeypatch):
    """Arrival times of a pair whose price changes twice (demand × 2, then × 0.5) are the inverse
    of the cumulative rate with those factors, computed independently by integration and root
    finding from the pair's own unit gaps: the re-timed customer is the same customer."""
    from scipy.optimize import brentq

    from stratsim.engine.compile import compile_scenario
    from stratsim.engine.replication import Replication
    from stratsim.engine.rng import Role, make_stream
    from stratsim.scenario.models import Scenario

    daily = [0.5, 1.0, 2.0, 0.0, 3.0, 1.5] * 4
    changes = {10.3: 5.0, 31.7: 20.0}           # price 10 → 5 (demand × 2) → 20 (× 0.5 overall)
    doc = {"stratsim": 1, "name": "retime", "horizon": 60.0,
           "services": [{"id": "desk", "staff": 50, "price": 10.0,
                         "service_time": {"dist": "exponential", "mean": 0.01}}],
           "segments": [{"id": "all", "rate": 3.0, "mix": {"desk": 1.0}, "daily_profile": daily,
                         "price_elasticity": -1.0, "growth_per_year": 0.5}],
           "strategy": {"plan": {"actions": [{"at": at, "set_price": {"desk": p}}
                                             for at, p in changes.items()]}}}
    model = compile_scenario(Scenario.model_validate(doc))
    sim = Replication(model, 3, 0, None)
    seen: list[float] = []
    station = sim.stations[0]
    original = station.arrive
    monkeypatch.setattr(station, "arrive", lambda c, now, balk: (seen.append(now), original(c, now, balk))[1])
    sim.run()
    spec = model.demands[0]

    def factor(t: float) -> float:
        return 1.0 if t < 10.3 else (2.0 if t < 31.7 else 0.5)

    def big_lambda(t: float) -> float:
        cuts = sorted({0.0, t, *(h for h in range(1, int(t) + 1)), *(c for c in changes if c < t)})
        return sum(integrate.quad(lambda u: spec.rate_by_hour[int(u) % 168] * math.exp(spec.growth_per_hour * u)
                                  * factor(u), a, b)[0] for a, b in zip(cuts, cuts[1:]))

    gaps = make_stream(3, 0, Role.ARRIVALS, spec.entity).standard_exponential(1024)
    marks = np.cumsum(gaps)
    expected = []
    for mark in marks:
        if big_lambda(60.0) < mark:
            break
        expected.append(brentq(lambda t: big_lambda(t) - mark, 0.0, 60.0, xtol=1e-12))
    within = [t for t in seen if t < 60.0]
    assert len(within) == len(expected) > 100
    assert within == pytest.approx(expected, abs=1e-7)
