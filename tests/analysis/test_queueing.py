"""Tests of stratsim.analysis.queueing against known values and independent derivations.

Every expected value here comes from somewhere other than the code under test: a
published/hand-computed number, an exact rational evaluation of the textbook sum
formula, a different closed form (M/M/1/K, M/M/1+M via the confluent hypergeometric
function, M/M/∞), or a numerical solution of the Markov chain built from scratch.
"""

from __future__ import annotations

import math
import re
import time
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate, linalg, special, stats

from stratsim.analysis import queueing as q
from stratsim.errors import StratsimError

# ---------------------------------------------------------------------------------------
# independent reference implementations (exact rational arithmetic, textbook sums)


def exact_erlang_b(c: int, a: Fraction | int) -> Fraction:
    """B(c, a) = (a^c/c!) / Σ_{k≤c} a^k/k!, exactly."""
    a = Fraction(a)
    term = Fraction(1)
    total = Fraction(1)
    for k in range(1, c + 1):
        term = term * a / k
        total += term
    return term / total


def exact_erlang_b_int(c: int, a: int) -> Fraction:
    """Same, for integer a, with integers only: B = a^c / Σ_k a^k·c!/k! (fast for c=1000)."""
    term = math.factorial(c)  # k = 0: a^0 · c!/0!
    total = term
    for k in range(1, c + 1):
        term = term * a // k  # exact: a^k c!/k! is an integer
        total += term
    return Fraction(term, total)


def exact_erlang_c(c: int, a: Fraction | int) -> Fraction:
    """Textbook M/M/c wait probability via p0 (Gross & Harris), exactly; needs a < c."""
    a = Fraction(a)
    head = Fraction(0)
    term = Fraction(1)
    for k in range(c):
        head += term
        term = term * a / (k + 1)
    # term is now a^c/c!
    tail = term * c / (c - a)
    return tail / (head + tail)


def poisson_cdf(k: int, mean: float) -> float:
    """P(N ≤ k) for N ~ Poisson(mean), by direct summation in log space."""
    if k < 0:
        return 0.0
    return math.fsum(math.exp(i * math.log(mean) - mean - math.lgamma(i + 1)) for i in range(k + 1))


# ---------------------------------------------------------------------------------------
# offered load, utilisation, Little


def test_offered_load_and_utilization_values():
    assert q.offered_load(12.0, 4.0) == pytest.approx(3.0, rel=1e-15)
    assert q.utilization(12.0, 4.0, 4) == pytest.approx(0.75, rel=1e-15)
    # overloaded systems are reported, not rejected
    assert q.utilization(30.0, 4.0, 5) == pytest.approx(1.5, rel=1e-15)
    assert q.offered_load(0.0, 2.0) == 0.0


def test_littles_law():
    assert q.littles_law_l(2.5, 4.0) == pytest.approx(10.0, rel=1e-15)
    # applied to the M/M/c queue, L_q = λ W_q
    assert q.littles_law_l(3.0, q.mmc_mean_wait(3.0, 1.0, 4)) == pytest.approx(
        q.mmc_mean_queue_length(3.0, 1.0, 4), rel=1e-12
    )


# ---------------------------------------------------------------------------------------
# Erlang B / C


def test_erlang_b_published_value():
    # Erlang B tables: 10 servers, 5 Erlangs -> 1.84 % blocking
    assert q.erlang_b(10, 5.0) == pytest.approx(0.018384570337, rel=1e-10)
    assert q.erlang_b(1, 1.0) == pytest.approx(0.5, rel=1e-15)  # a/(1+a)
    assert q.erlang_b(2, 2.0) == pytest.approx(0.4, rel=1e-15)  # 2 / (1 + 2 + 2)
    assert q.erlang_b(5, 0.0) == 0.0


@pytest.mark.parametrize(
    "c, a",
    [(1, Fraction(1, 3)), (3, Fraction(5, 2)), (10, 5), (20, Fraction(35, 2)), (50, 70)],
)
def test_erlang_b_matches_exact_sum(c, a):
    assert q.erlang_b(c, float(a)) == pytest.approx(float(exact_erlang_b(c, a)), rel=1e-12)


def test_erlang_c_two_servers_one_erlang_is_one_third():
    assert q.erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-14)
    assert q.erlang_c(1, 0.7) == pytest.approx(0.7, rel=1e-14)  # M/M/1: P(wait) = ρ
    assert q.erlang_c(3, 0.0) == 0.0


@pytest.mark.parametrize(
    "c, a", [(2, Fraction(3, 2)), (5, 4), (10, 8), (14, 10), (30, Fraction(571, 20))]
)
def test_erlang_c_matches_textbook_p0_formula(c, a):
    assert q.erlang_c(c, float(a)) == pytest.approx(float(exact_erlang_c(c, a)), rel=1e-12)


@pytest.mark.parametrize("c, a", [(3, 2), (10, 8), (40, 37)])
def test_erlang_c_from_erlang_b_identity(c, a):
    # C = cB / (c − a(1 − B)) with B from the exact sum, C from the p0 formula
    b = exact_erlang_b(c, a)
    from_identity = c * b / (c - a * (1 - b))
    assert from_identity == exact_erlang_c(c, a)  # the identity itself, exactly
    assert q.erlang_c(c, float(a)) == pytest.approx(float(from_identity), rel=1e-12)


def test_large_server_counts_are_stable_and_exact():
    started = time.perf_counter()
    b = q.erlang_b(1000, 950.0)
    assert b == pytest.approx(float(exact_erlang_b_int(1000, 950)), rel=1e-10)
    b_over = q.erlang_b(1000, 1e4)
    assert b_over == pytest.approx(float(exact_erlang_b_int(1000, 10_000)), rel=1e-10)
    assert 0.9 < b_over < 0.901  # ≈ 1 − c/a under heavy overload
    c = q.erlang_c(1000, 990.0)
    exact_b = exact_erlang_b_int(1000, 990)
    assert c == pytest.approx(float(1000 * exact_b / (1000 - 990 * (1 - exact_b))), rel=1e-10)
    assert 0.0 < c < 1.0
    assert math.isfinite(q.mmc_mean_wait(9900.0, 10.0, 1000))
    assert q.erlang_b(1000, 1e-3) == 0.0  # underflows gracefully, no error
    assert time.perf_counter() - started < 1.0


# ---------------------------------------------------------------------------------------
# M/M/c waits


def test_mm1_mean_wait_closed_form():
    lam, mu = 3.0, 4.0  # ρ = 0.75: Wq = ρ/(μ−λ) = 0.75, Lq = ρ²/(1−ρ) = 2.25
    assert q.mmc_mean_wait(lam, mu, 1) == pytest.approx(0.75, rel=1e-14)
    assert q.mmc_mean_queue_length(lam, mu, 1) == pytest.approx(2.25, rel=1e-14)


def test_mm2_mean_wait_hand_value():
    # λ = 1, μ = 1, c = 2: C = 1/3, Wq = C/(cμ − λ) = 1/3, Lq = 1/3
    assert q.mmc_mean_wait(1.0, 1.0, 2) == pytest.approx(1.0 / 3.0, rel=1e-14)
    assert q.mmc_mean_queue_length(1.0, 1.0, 2) == pytest.approx(1.0 / 3.0, rel=1e-14)


def _survival(t: float, lam: float, mu: float, c: int) -> float:
    """P(W > t) = C exp(−(cμ − λ)t), C from the exact rational formula."""
    return float(exact_erlang_c(c, Fraction(lam / mu))) * math.exp(-(c * mu - lam) * t)


@pytest.mark.parametrize("p", [0.7, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_wait_quantile_inverts_survival_function(p):
    lam, mu, c = 8.0, 1.0, 10
    t = q.mmc_wait_quantile(p, lam, mu, c)
    assert t > 0.0
    # bisection on the survival function, independent of the closed-form inverse
    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if _survival(mid, lam, mu, c) > 1 - p:
            lo = mid
        else:
            hi = mid
    assert t == pytest.approx(hi, rel=1e-9)
    assert q.mmc_wait_cdf(t, lam, mu, c) == pytest.approx(p, rel=1e-12)


def test_wait_quantile_is_zero_when_the_customer_does_not_wait():
    lam, mu, c = 8.0, 1.0, 10
    no_wait = 1 - float(exact_erlang_c(c, 8))  # ≈ 0.591
    assert q.mmc_wait_quantile(0.0, lam, mu, c) == 0.0
    assert q.mmc_wait_quantile(no_wait - 1e-9, lam, mu, c) == 0.0
    assert q.mmc_wait_quantile(no_wait + 1e-3, lam, mu, c) > 0.0
    assert q.mmc_wait_cdf(0.0, lam, mu, c) == pytest.approx(no_wait, rel=1e-12)


def test_wait_quantile_mm1_hand_value():
    # M/M/1, λ=1, μ=2: P(W > t) = 0.5 e^{−t}; the 0.9 quantile is ln(5)
    assert q.mmc_wait_quantile(0.9, 1.0, 2.0, 1) == pytest.approx(math.log(5.0), rel=1e-14)


# ---------------------------------------------------------------------------------------
# M/M/c/K


@pytest.mark.parametrize("lam, mu, k", [(3.0, 4.0, 5), (5.0, 4.0, 7), (2.0, 1.0, 1)])
def test_mm1k_closed_form(lam, mu, k):
    rho = lam / mu
    expected = [(1 - rho) * rho**n / (1 - rho ** (k + 1)) for n in range(k + 1)]
    probs = q.mmck_probabilities(lam, mu, 1, k)
    assert isinstance(probs, np.ndarray) and probs.shape == (k + 1,)
    np.testing.assert_allclose(probs, expected, rtol=1e-12)
    assert q.mmck_blocking(lam, mu, 1, k) == pytest.approx(expected[-1], rel=1e-12)
    # L = ρ/(1−ρ) − (K+1)ρ^{K+1}/(1−ρ^{K+1}); Lq = L − (1 − p0)
    big_l = rho / (1 - rho) - (k + 1) * rho ** (k + 1) / (1 - rho ** (k + 1))
    lq = big_l - (1 - expected[0])
    assert q.mmck_mean_queue_length(lam, mu, 1, k) == pytest.approx(lq, rel=1e-10, abs=1e-15)
    admitted = lam * (1 - expected[-1])
    assert q.mmck_mean_wait(lam, mu, 1, k) == pytest.approx(lq / admitted, rel=1e-10, abs=1e-15)


def test_mm1k_at_rho_one_is_uniform():
    k = 9
    np.testing.assert_allclose(q.mmck_probabilities(2.0, 2.0, 1, k), np.full(k + 1, 0.1), rtol=1e-13)
    # Lq = Σ (n−1) /10 for n = 1..9 = 36/10
    assert q.mmck_mean_queue_length(2.0, 2.0, 1, k) == pytest.approx(3.6, rel=1e-13)


@pytest.mark.parametrize("c, a", [(1, 0.5), (10, 5.0), (30, 45.0)])
def test_mmcc_blocking_is_erlang_b(c, a):
    assert q.mmck_blocking(a, 1.0, c, c) == pytest.approx(float(exact_erlang_b(c, Fraction(a))), rel=1e-12)
    assert q.mmck_mean_wait(a, 1.0, c, c) == 0.0


def test_mmck_with_huge_capacity_is_mmc():
    lam, mu, c = 8.0, 1.0, 10
    k = c + 3000
    probs = q.mmck_probabilities(lam, mu, c, k)
    assert probs.sum() == pytest.approx(1.0, rel=1e-13)
    c_exact = float(exact_erlang_c(c, 8))
    assert probs[c:].sum() == pytest.approx(c_exact, rel=1e-12)
    wq = c_exact / (c * mu - lam)
    assert q.mmck_mean_wait(lam, mu, c, k) == pytest.approx(wq, rel=1e-12)
    assert q.mmck_mean_queue_length(lam, mu, c, k) == pytest.approx(lam * wq, rel=1e-12)
    assert q.mmck_blocking(lam, mu, c, k) < 1e-250


def test_mmck_heavy_overload_large_c_flow_balance():
    lam, mu, c, k = 1e4, 1.0, 1000, 1200
    probs = q.mmck_probabilities(lam, mu, c, k)
    assert np.all(np.isfinite(probs)) and np.all(probs >= 0)
    assert probs.sum() == pytest.approx(1.0, rel=1e-13)
    # admitted rate = completion rate: λ(1 − p_K) = μ Σ min(n, c) p_n
    busy = float(np.dot(np.minimum(np.arange(k + 1), c), probs))
    assert lam * (1 - probs[-1]) == pytest.approx(mu * busy, rel=1e-10)
    assert q.mmck_blocking(lam, mu, c, k) == pytest.approx(0.9, abs=1e-6)


def test_system_capacity_converts_queue_capacity():
    assert q.system_capacity(3, 0) == 3
    assert q.system_capacity(3, 7) == 10
    # stratsim's queue_capacity = 2 waiting places with one server is M/M/1/3
    assert q.mmck_blocking(1.0, 1.0, 1, q.system_capacity(1, 2)) == pytest.approx(0.25, rel=1e-14)


# ---------------------------------------------------------------------------------------
# Erlang-A


@pytest.mark.parametrize("lam, mu, c", [(0.8, 1.0, 1), (8.0, 1.0, 10), (45.0, 0.5, 100)])
def test_erlang_a_small_theta_tends_to_erlang_c(lam, mu, c):
    res = q.erlang_a(lam, mu, c, 1e-9)
    c_exact = float(exact_erlang_c(c, Fraction(lam / mu)))
    wq = c_exact / (c * mu - lam)
    assert res.wait_probability == pytest.approx(c_exact, rel=1e-6)
    assert res.mean_wait == pytest.approx(wq, rel=1e-6)
    assert res.mean_wait_served == pytest.approx(wq, rel=1e-6)
    assert res.mean_queue_length == pytest.approx(lam * wq, rel=1e-6)
    assert res.abandon_probability < 1e-6
    # θ = 0 exactly is the M/M/c queue
    zero = q.erlang_a(lam, mu, c, 0.0)
    assert zero.wait_probability == pytest.approx(c_exact, rel=1e-12)
    assert zero.mean_wait_served == pytest.approx(wq, rel=1e-12)
    assert zero.abandon_probability == 0.0 and zero.served_share == 1.0


@pytest.mark.parametrize("lam, mu, theta", [(1.2, 1.0, 0.5), (0.5, 1.0, 2.0), (3.0, 1.0, 0.1)])
def test_erlang_a_single_server_matches_mm1m_closed_form(lam, mu, theta):
    # M/M/1+M: 1/π0 = 1 + (λ/μ)·1F1(1; μ/θ + 1; λ/θ); P(ab) = 1 − μ(1 − π0)/λ
    pi0 = 1.0 / (1.0 + lam / mu * special.hyp1f1(1.0, mu / theta + 1.0, lam / theta))
    res = q.erlang_a(lam, mu, 1, theta)
    assert res.wait_probability == pytest.approx(1 - pi0, rel=1e-11)
    assert res.abandon_probability == pytest.approx(1 - mu * (1 - pi0) / lam, rel=1e-11)
    assert res.served_share == pytest.approx(mu * (1 - pi0) / lam, rel=1e-11)
    assert res.utilization == pytest.approx(1 - pi0, rel=1e-11)


@pytest.mark.parametrize("lam, c", [(5.0, 4), (20.0, 25), (300.0, 280)])
def test_erlang_a_with_theta_equal_mu_is_m_m_infinity(lam, c):
    # death rate min(n,c)μ + (n−c)⁺θ = nμ: the number present is Poisson(λ/μ)
    mu = 2.0
    a = lam / mu
    res = q.erlang_a(lam, mu, c, mu)
    n = np.arange(0, int(a + 40 * math.sqrt(a) + 100))
    pmf = stats.poisson.pmf(n, a)
    assert res.wait_probability == pytest.approx(float(stats.poisson.sf(c - 1, a)), rel=1e-10)
    assert res.mean_queue_length == pytest.approx(float(np.dot(np.maximum(n - c, 0), pmf)), rel=1e-9)


def _erlang_a_by_ctmc(lam, mu, c, theta, size):
    """Independent Erlang-A solution: generator matrix solved numerically, then the
    tagged customer's phase-type wait (states = number ahead) per arrival state."""
    # stationary distribution from πQ = 0, Σπ = 1 on states 0..size−1
    gen = np.zeros((size, size))
    for n in range(size):
        if n + 1 < size:
            gen[n, n + 1] = lam
        if n > 0:
            gen[n, n - 1] = min(n, c) * mu + max(n - c, 0) * theta
        gen[n, n] = -gen[n].sum()
    system = np.vstack([gen.T, np.ones(size)])
    rhs = np.zeros(size + 1)
    rhs[-1] = 1.0
    pi = np.linalg.lstsq(system, rhs, rcond=None)[0]

    # tagged customer with i ahead (i = 0..J): moves to i−1 at cμ + iθ (i ≥ 1),
    # enters service at cμ from i = 0, abandons at θ from every i
    jmax = size - c
    sub = np.zeros((jmax, jmax))
    for i in range(jmax):
        if i > 0:
            sub[i, i - 1] = c * mu + i * theta
        sub[i, i] = -(c * mu + (i + 1) * theta)
    to_service = np.zeros(jmax)
    to_service[0] = c * mu
    to_abandon = np.full(jmax, theta)
    inv = np.linalg.inv(-sub)
    p_served = inv @ to_service  # P(served | i ahead)
    p_abandon = inv @ to_abandon
    mean_wait = inv @ np.ones(jmax)  # E[W | i ahead] (until service or abandonment)
    served_wait_moment = inv @ inv @ to_service  # E[W·1{served} | i ahead]
    queue = pi[c:]
    served_total = pi[:c].sum() + queue @ p_served
    return {
        "pi": pi,
        "abandon": queue @ p_abandon,
        "mean_wait": queue @ mean_wait,
        "mean_wait_served": (queue @ served_wait_moment) / served_total,
        "wait_probability": queue.sum(),
        "sub": sub,
        "to_service": to_service,
        "served_wait_moment": served_wait_moment,
    }


@pytest.mark.parametrize(
    "lam, mu, c, theta", [(10.0, 1.0, 12, 0.5), (14.0, 1.0, 10, 0.3), (3.0, 2.0, 2, 1.5)]
)
def test_erlang_a_matches_numerical_ctmc_and_phase_type(lam, mu, c, theta):
    ref = _erlang_a_by_ctmc(lam, mu, c, theta, size=c + 160)
    res = q.erlang_a(lam, mu, c, theta)
    assert res.wait_probability == pytest.approx(ref["wait_probability"], rel=1e-9)
    assert res.abandon_probability == pytest.approx(ref["abandon"], rel=1e-9)
    assert res.mean_wait == pytest.approx(ref["mean_wait"], rel=1e-9)
    assert res.mean_wait_served == pytest.approx(ref["mean_wait_served"], rel=1e-9)
    assert res.served_share == pytest.approx(1 - ref["abandon"], rel=1e-9)
    assert res.mean_queue_length == pytest.approx(lam * ref["mean_wait"], rel=1e-9)
    # the two means are different quantities: guards against returning one for the other
    assert res.mean_wait_served != pytest.approx(res.mean_wait, rel=1e-6)


def test_erlang_a_phase_type_moment_by_numerical_integration():
    # check the matrix moment used above against ∫ t f_served(t) dt for one arrival state
    lam, mu, c, theta = 10.0, 1.0, 12, 0.5
    ref = _erlang_a_by_ctmc(lam, mu, c, theta, size=c + 20)
    sub, exit_rate = ref["sub"], ref["to_service"]
    for ahead in (0, 3):
        start = np.zeros(sub.shape[0])
        start[ahead] = 1.0
        density = lambda t: t * float(start @ linalg.expm(sub * t) @ exit_rate)  # noqa: E731
        moment, _ = integrate.quad(density, 0.0, np.inf, epsabs=1e-13, epsrel=1e-11, limit=200)
        assert moment == pytest.approx(ref["served_wait_moment"][ahead], rel=1e-8)


def test_erlang_a_overload_large_c():
    started = time.perf_counter()
    lam, mu, c, theta = 1e4, 1.0, 1000, 0.05
    res = q.erlang_a(lam, mu, c, theta)
    # in heavy overload nearly all servers are busy: served share ≈ cμ/λ
    assert res.served_share == pytest.approx(c * mu / lam, rel=1e-6)
    assert res.abandon_probability == pytest.approx(1 - c * mu / lam, rel=1e-6)
    # flow balance of abandonments: θ·E[Lq] = λ·P(ab)
    assert theta * res.mean_queue_length == pytest.approx(lam * res.abandon_probability, rel=1e-12)
    assert res.wait_probability == pytest.approx(1.0, rel=1e-12)
    assert 0 < res.mean_wait_served and math.isfinite(res.mean_wait_served)
    assert time.perf_counter() - started < 1.5


def test_erlang_a_no_arrivals():
    res = q.erlang_a(0.0, 1.0, 3, 0.2)
    assert res.abandon_probability == 0.0 and res.served_share == 1.0 and res.mean_wait == 0.0


def test_erlang_a_result_is_frozen():
    res = q.erlang_a(5.0, 1.0, 5, 1.0)
    with pytest.raises(AttributeError):
        res.mean_wait = 0.0  # type: ignore[misc]


# ---------------------------------------------------------------------------------------
# priorities


def test_priority_single_class_is_erlang_c_wait():
    lam, mu, c = 8.0, 1.0, 10
    c_exact = float(exact_erlang_c(c, 8))
    assert q.priority_mmc_mean_waits([lam], mu, c) == pytest.approx([c_exact / (c * mu - lam)], rel=1e-12)


def test_priority_two_class_mm1_hand_values():
    # M/M/1, μ = 1, λ = (0.2, 0.4): W0 = ρ/μ = 0.6; W1 = 0.6/0.8; W2 = 0.6/(0.8·0.4)
    waits = q.priority_mmc_mean_waits([0.2, 0.4], 1.0, 1)
    assert waits == pytest.approx([0.75, 1.875], rel=1e-13)


@pytest.mark.parametrize("rates, mu, c", [([1.0, 2.0, 3.0], 2.5, 3), ([40.0, 5.0, 30.0, 14.0], 1.0, 100)])
def test_priority_conservation_law(rates, mu, c):
    waits = q.priority_mmc_mean_waits(rates, mu, c)
    total = sum(rates)
    fifo = float(exact_erlang_c(c, Fraction(total / mu))) / (c * mu - total)
    weighted = sum(r * w for r, w in zip(rates, waits)) / total
    assert weighted == pytest.approx(fifo, rel=1e-12)
    assert waits == sorted(waits)  # lower priority never waits less


def test_priority_mg1_exponential_equals_mmc_single_server():
    rates, mu = [0.1, 0.3, 0.2], 1.25
    mg1 = q.priority_mg1_mean_waits(rates, 1 / mu, 2 / mu**2)
    assert mg1 == pytest.approx(q.priority_mmc_mean_waits(rates, mu, 1), rel=1e-12)


def test_priority_mg1_hand_values_and_single_class():
    # deterministic service 1, λ = (0.2, 0.3): W0 = 0.5·1/2 = 0.25
    waits = q.priority_mg1_mean_waits([0.2, 0.3], 1.0, 1.0)
    assert waits == pytest.approx([0.25 / 0.8, 0.25 / (0.8 * 0.5)], rel=1e-13)
    # one class: Pollaczek–Khinchine, M/D/1 with ρ = 0.5 gives Wq = 0.5
    assert q.priority_mg1_mean_waits([0.5], 1.0, 1.0) == pytest.approx([0.5], rel=1e-13)
    # per-class service moments: class 0 exp(mean 1), class 1 deterministic 2
    waits = q.priority_mg1_mean_waits([0.1, 0.2], [1.0, 2.0], [2.0, 4.0])
    w0 = (0.1 * 2.0 + 0.2 * 4.0) / 2  # 0.5
    assert waits == pytest.approx([w0 / 0.9, w0 / (0.9 * 0.5)], rel=1e-13)


# ---------------------------------------------------------------------------------------
# M/G/1 and Allen–Cunneen


def test_mg1_pollaczek_khinchine():
    # M/D/1, λ = 0.5, E[S] = 1: Wq = ρ/(2μ(1−ρ)) = 0.5
    assert q.mg1_mean_wait(0.5, 1.0, 0.0) == pytest.approx(0.5, rel=1e-14)
    # scv = 1 is M/M/1: λ = 3, μ = 4 → Wq = 0.75
    assert q.mg1_mean_wait(3.0, 0.25, 1.0) == pytest.approx(0.75, rel=1e-14)
    # scv = 4 (hyperexponential-like): 2.5 × the M/M/1 value
    assert q.mg1_mean_wait(3.0, 0.25, 4.0) == pytest.approx(0.75 * 2.5, rel=1e-14)


def test_allen_cunneen_reduces_to_exact_cases():
    lam, mean_s, c = 8.0, 1.0, 10
    exact = float(exact_erlang_c(c, 8)) / (c / mean_s - lam)
    assert q.allen_cunneen_mean_wait(lam, mean_s, c, 1.0, 1.0) == pytest.approx(exact, rel=1e-12)
    # c = 1 with Poisson arrivals is Pollaczek–Khinchine: M/D/1 λ=0.5, E[S]=1 → 0.5
    assert q.allen_cunneen_mean_wait(0.5, 1.0, 1, 1.0, 0.0) == pytest.approx(0.5, rel=1e-13)
    # G/G/c with c_a² = 0.5, c_s² = 0.3: 0.4 × the M/M/c value
    assert q.allen_cunneen_mean_wait(lam, mean_s, c, 0.5, 0.3) == pytest.approx(0.4 * exact, rel=1e-12)


# ---------------------------------------------------------------------------------------
# Jackson networks


def test_jackson_tandem_of_two_mm1():
    res = q.jackson_network([1.0, 0.0], [[0.0, 1.0], [0.0, 0.0]], [2.0, 3.0], [1, 1])
    assert res.arrival_rates == pytest.approx((1.0, 1.0), rel=1e-14)
    assert res.utilization == pytest.approx((0.5, 1 / 3), rel=1e-14)
    # M/M/1: Wq = ρ/(μ−λ), W = 1/(μ−λ), L = ρ/(1−ρ)
    assert res.mean_wait == pytest.approx((0.5, 1 / 6), rel=1e-13)
    assert res.mean_sojourn == pytest.approx((1.0, 0.5), rel=1e-13)
    assert res.mean_number_in_system == pytest.approx((1.0, 0.5), rel=1e-13)
    assert res.mean_time_in_network == pytest.approx(1.5, rel=1e-13)
    assert res.mean_number_in_network == pytest.approx(1.5, rel=1e-13)
    assert res.throughput == pytest.approx(1.0, rel=1e-15)


def test_jackson_feedback_and_multiserver_node():
    # node 0: M/M/1 with feedback 0.5 → λ0 = 2; then 40 % of exits go to node 1 (3 servers)
    routing = [[0.5, 0.2], [0.0, 0.0]]
    res = q.jackson_network([1.0, 0.5], routing, [4.0, 1.0], [1, 3])
    assert res.arrival_rates == pytest.approx((2.0, 0.5 + 0.4), rel=1e-13)
    assert res.mean_sojourn[0] == pytest.approx(1 / (4.0 - 2.0), rel=1e-13)
    c_exact = float(exact_erlang_c(3, Fraction(9, 10)))
    assert res.mean_wait[1] == pytest.approx(c_exact / (3.0 - 0.9), rel=1e-12)
    assert res.mean_queue_length[1] == pytest.approx(0.9 * c_exact / 2.1, rel=1e-12)
    # Little on the whole network
    assert res.mean_time_in_network == pytest.approx(sum(res.mean_number_in_system) / 1.5, rel=1e-13)


def test_jackson_rejects_unstable_and_closed_routing():
    with pytest.raises(ValueError, match=r"node 1"):
        q.jackson_network([1.0, 0.0], [[0.0, 1.0], [0.0, 0.0]], [2.0, 1.0], 1)
    with pytest.raises(ValueError, match="circulate"):
        q.jackson_network([1.0, 0.0], [[0.0, 1.0], [1.0, 0.0]], [5.0, 5.0], 1)
    with pytest.raises(ValueError, match=r"rows \[0\]"):
        q.jackson_network([1.0, 0.0], [[0.6, 0.6], [0.0, 0.0]], [5.0, 5.0], 1)
    with pytest.raises(ValueError, match="2x2"):
        q.jackson_network([1.0, 0.0], [[0.0, 1.0, 0.0]], [5.0, 5.0], 1)
    with pytest.raises(ValueError, match="one entry per node"):
        q.jackson_network([1.0, 0.0], [[0.0, 1.0], [0.0, 0.0]], [5.0], 1)


# ---------------------------------------------------------------------------------------
# Poisson counts and staffing


@pytest.mark.parametrize("mean, confidence", [(100.0, 0.99), (3.5, 0.95), (2500.0, 0.999), (0.2, 0.9)])
def test_poisson_count_interval_is_the_equal_tailed_quantile_pair(mean, confidence):
    lo, hi = q.poisson_count_interval(mean, confidence)
    assert isinstance(lo, int) and isinstance(hi, int)
    alpha = 1 - confidence
    # lo is the smallest k with CDF(k) ≥ α/2, hi the smallest k with CDF(k) ≥ 1 − α/2
    assert poisson_cdf(lo, mean) >= alpha / 2 > poisson_cdf(lo - 1, mean)
    assert poisson_cdf(hi, mean) >= 1 - alpha / 2 > poisson_cdf(hi - 1, mean)
    assert poisson_cdf(hi, mean) - poisson_cdf(lo - 1, mean) >= confidence


def test_poisson_count_interval_known_values():
    assert q.poisson_count_interval(100.0) == (75, 127)
    assert q.poisson_count_interval(0.0) == (0, 0)


def test_staffing_worked_example():
    # 100 calls per half hour, 3 min handling (10 Erlangs), 80 % answered within 20 s
    lam, mu, target = 200.0, 20.0, 20 / 3600  # per hour, hours
    c = q.staff_for_wait_target(lam, mu, target, 0.8)
    assert c == 14

    def level(servers):
        return 1 - float(exact_erlang_c(servers, 10)) * math.exp(-(servers * mu - lam) * target)

    assert level(14) >= 0.8 > level(13)  # ≈ 0.888 and 0.796


@pytest.mark.parametrize(
    "lam, mu, t, attainment",
    [(2.0, 1.0, 0.0, 0.5), (50.0, 3.0, 0.1, 0.95), (1e4, 1.0, 0.01, 0.9), (0.3, 1.0, 1.0, 0.99)],
)
def test_staffing_is_minimal(lam, mu, t, attainment):
    c = q.staff_for_wait_target(lam, mu, t, attainment)
    assert c > lam / mu
    assert q.mmc_wait_cdf(t, lam, mu, c) >= attainment
    if c - 1 > lam / mu:
        assert q.mmc_wait_cdf(t, lam, mu, c - 1) < attainment


def test_staffing_without_arrivals_needs_one_server():
    assert q.staff_for_wait_target(0.0, 1.0, 0.1, 0.9) == 1


# ---------------------------------------------------------------------------------------
# losses: finite waiting room, balking, impatience (mmc_losses)


def _losses_by_ctmc(rates, mu, c, room, balks, theta, size):
    """Independent solution: the generator on 0..size−1 solved numerically, then the
    arrivals each state turns away (PASTA) and the abandonment flow."""
    total = sum(rates)

    def joining(n):   # rate of arrivals that enter the system in state n
        if n < c:
            return total
        waiting = n - c
        return sum(r for r, b in zip(rates, balks) if waiting < min(room, b))

    gen = np.zeros((size, size))
    for n in range(size):
        if n + 1 < size:
            gen[n, n + 1] = joining(n)
        if n > 0:
            gen[n, n - 1] = min(n, c) * mu + max(n - c, 0) * theta
        gen[n, n] = -gen[n].sum()
    system = np.vstack([gen.T, np.ones(size)])
    rhs = np.zeros(size + 1)
    rhs[-1] = 1.0
    pi = np.linalg.lstsq(system, rhs, rcond=None)[0]
    blocked = sum(pi[n] for n in range(size) if n >= c and n - c >= room)
    balked = sum(pi[n] * (total - joining(n)) / total for n in range(size) if n >= c and n - c < room)
    abandoned = theta * sum(pi[n] * max(n - c, 0) for n in range(size)) / total
    return blocked, balked, abandoned


def test_losses_hand_values():
    # Erlang B(1, 1) = 1/(1 + 1) = 0.5: one server, no waiting room, one Erlang
    loss = q.mmc_losses(1.0, 1.0, 1, queue_capacity=0)
    assert loss.blocked_share == 0.5 and loss.served_share == 0.5 and loss.abandon_share == 0.0
    # c = 1, one waiting place, λ = μ = θ = 1: π ∝ (1, 1, 1/2) → π = (0.4, 0.4, 0.2);
    # blocked = π_2 = 0.2, abandoned = θ·Lq/λ = 0.2, served = μ·P(busy)/λ = 0.6
    loss = q.mmc_losses(1.0, 1.0, 1, queue_capacity=1, abandonment_rate=1.0)
    assert (loss.blocked_share, loss.abandon_share, loss.served_share) == pytest.approx((0.2, 0.2, 0.6))
    # two classes of rate 1, c = 1, 2 waiting places, class A balks at 1 waiting, θ = 0:
    # births (2, 2, 1), deaths 1 → π ∝ (1, 2, 4, 4); blocked = 4/11, balked = (4/11)·(1/2)
    loss = q.mmc_losses([1.0, 1.0], 1.0, 1, queue_capacity=2, balk_at=[1, None])
    assert (loss.blocked_share, loss.balked_share) == pytest.approx((4 / 11, 2 / 11))
    assert loss.served_share == pytest.approx(5 / 11) and loss.lost_share == pytest.approx(6 / 11)


@pytest.mark.parametrize("c, a", [(1, 1), (3, 2.5), (10, 12), (40, 30)])
def test_losses_without_waiting_room_are_erlang_b(c, a):
    loss = q.mmc_losses(a * 2.0, 2.0, c, queue_capacity=0)
    assert loss.blocked_share == pytest.approx(float(exact_erlang_b(c, Fraction(a))), rel=1e-12)


@pytest.mark.parametrize("lam, c, room", [(7.0, 5, 10), (2.0, 3, 1), (30.0, 20, 40)])
def test_losses_with_a_waiting_room_are_mmck(lam, c, room):
    loss = q.mmc_losses(lam, 1.0, c, queue_capacity=room)
    k = q.system_capacity(c, room)
    assert loss.blocked_share == pytest.approx(q.mmck_blocking(lam, 1.0, c, k), rel=1e-12)
    assert loss.mean_queue_length == pytest.approx(q.mmck_mean_queue_length(lam, 1.0, c, k), rel=1e-10)
    assert loss.served_share == pytest.approx(1 - loss.blocked_share, rel=1e-12)


@pytest.mark.parametrize("lam, mu, c, theta", [(10.0, 1.0, 12, 0.5), (14.0, 1.0, 10, 0.3), (3.0, 2.0, 2, 1.5)])
def test_losses_with_impatience_and_unlimited_room_are_erlang_a(lam, mu, c, theta):
    loss, ea = q.mmc_losses(lam, mu, c, abandonment_rate=theta), q.erlang_a(lam, mu, c, theta)
    assert loss.abandon_share == pytest.approx(ea.abandon_probability, rel=1e-10)
    assert loss.wait_probability == pytest.approx(ea.wait_probability, rel=1e-10)
    assert loss.blocked_share == loss.balked_share == 0.0


@pytest.mark.parametrize("rates, mu, c, room, balks, theta", [
    ([3.0], 1.0, 2, 6, [None], 0.8),                     # M/M/c/K+M
    ([2.0, 4.0], 1.0, 3, 8, [2, None], 0.5),             # two classes, one balks
    ([1.5, 2.5, 1.0], 2.0, 1, 5, [0, 3, None], 0.0),     # no patience, three balk levels
    ([5.0, 1.0], 1.0, 2, math.inf, [4, None], 1.0),     # unlimited room, one class balks
])
def test_losses_match_a_numerical_ctmc(rates, mu, c, room, balks, theta):
    size = c + (60 if math.isfinite(room) else 200)
    blocked, balked, abandoned = _losses_by_ctmc(
        rates, mu, c, room, [math.inf if b is None else b for b in balks], theta, size)
    loss = q.mmc_losses(rates, mu, c, queue_capacity=None if math.isinf(room) else int(room),
                        balk_at=balks, abandonment_rate=theta)
    assert (loss.blocked_share, loss.balked_share, loss.abandon_share) == pytest.approx(
        (blocked, balked, abandoned), rel=1e-9, abs=1e-13)
    assert loss.served_share + loss.lost_share == pytest.approx(1.0, rel=1e-12)


def test_losses_without_servers_lose_everyone():
    assert q.mmc_losses(1.0, 1.0, 0, queue_capacity=3).blocked_share == 1.0
    assert q.mmc_losses(1.0, 1.0, 0, queue_capacity=3, balk_at=[2]).balked_share == 1.0
    assert q.mmc_losses(1.0, 1.0, 0, abandonment_rate=2.0).abandon_share == pytest.approx(1.0)


def test_losses_and_erlang_a_survive_a_vanishing_arrival_rate():
    # 5e-324 / cμ underflows to 0: the truncation guess must not take log(0)
    assert q.mmc_losses(5e-324, 2.0, 1, abandonment_rate=1.0).served_share == 1.0
    assert q.erlang_a(5e-324, 2.0, 1, 1.0).abandon_probability == 0.0


def test_losses_need_a_steady_state_when_someone_always_joins_and_nobody_abandons():
    with pytest.raises(q.QueueingParameterError, match="grows without bound"):
        q.mmc_losses([1.0, 3.0], 1.0, 3, balk_at=[0, None])   # the second class alone fills 3 servers
    # below capacity, the class that always joins has a steady state: the other balks when anyone waits
    loss = q.mmc_losses([1.0, 2.5], 1.0, 3, balk_at=[0, None])
    assert 0.0 < loss.balked_share < 1.0 / 3.5 and loss.blocked_share == loss.abandon_share == 0.0


# ---------------------------------------------------------------------------------------
# bad arguments


BAD_CALLS = [
    (q.offered_load, (-1.0, 2.0), -1.0),
    (q.offered_load, (1.0, 0.0), 0.0),
    (q.utilization, (1.0, 2.0, 0), 0),
    (q.erlang_b, (2.5, 1.0), 2.5),
    (q.erlang_b, (3, float("nan")), float("nan")),
    (q.erlang_b, (True, 1.0), True),
    (q.erlang_b, ("3", 1.0), "3"),
    (q.erlang_c, (3, 3.0), 3.0),
    (q.erlang_c, (3, 4.5), 4.5),
    (q.mmc_mean_wait, (5.0, 1.0, 5), 5.0),
    (q.mmc_mean_queue_length, (1.0, -2.0, 5), -2.0),
    (q.mmc_wait_quantile, (1.0, 1.0, 2.0, 1), 1.0),
    (q.mmc_wait_quantile, (-0.1, 1.0, 2.0, 1), -0.1),
    (q.mmc_wait_cdf, (-1.0, 1.0, 2.0, 1), -1.0),
    (q.mmck_probabilities, (1.0, 1.0, 3, 2), 2),
    (q.mmck_blocking, (1.0, 1.0, 3, 4.5), 4.5),
    (q.mmck_mean_wait, (1.0, 1.0, 0, 4), 0),
    (q.system_capacity, (2, -1), -1),
    (q.erlang_a, (1.0, 1.0, 2, -0.5), -0.5),
    (q.erlang_a, (3.0, 1.0, 2, 0.0), 3.0),
    (q.priority_mmc_mean_waits, ([1.0, -0.5], 2.0, 1), -0.5),
    (q.priority_mmc_mean_waits, ([], 2.0, 1), []),
    (q.priority_mmc_mean_waits, ([1.0, 1.5], 2.0, 1), [1.0, 1.5]),
    (q.priority_mg1_mean_waits, ([0.1], 1.0, 0.5), 0.5),
    (q.priority_mg1_mean_waits, ([0.1, 0.2], [1.0], 2.0), [1.0]),
    (q.mg1_mean_wait, (1.0, 1.0, 0.5), 1.0),
    (q.mg1_mean_wait, (0.5, 1.0, -0.1), -0.1),
    (q.allen_cunneen_mean_wait, (1.0, 1.0, 2, -1.0, 1.0), -1.0),
    (q.jackson_network, ([-1.0], [[0.0]], [1.0], 1), -1.0),
    (q.jackson_network, ([1.0], [[1.5]], [1.0], 1), [[1.5]]),
    (q.littles_law_l, (1.0, -3.0), -3.0),
    (q.poisson_count_interval, (-2.0,), -2.0),
    (q.poisson_count_interval, (10.0, 1.0), 1.0),
    (q.staff_for_wait_target, (1.0, 1.0, 0.1, 1.0), 1.0),
    (q.staff_for_wait_target, (1.0, 1.0, -0.1, 0.8), -0.1),
    (q.erlang_a_service_level, (-0.5, 1.0, 1.0, 2, 0.5), -0.5),
    (q.erlang_a_service_level, (0.5, 1.0, 1.0, 2, -0.5), -0.5),
    (q.staff_for_service_level, (1.0, 1.0, 0.1, 1.0, 0.5), 1.0),
    (q.staff_for_service_level, (1.0, 1.0, 0.1, 0.8, -2.0), -2.0),
    (q.mmc_losses, (-1.0, 1.0, 2), -1.0),
    (q.mmc_losses, (1.0, 1.0, -1), -1),
    (q.mmc_losses, (3.0, 1.0, 2), 3.0),
]


@pytest.mark.parametrize("func, args, bad", BAD_CALLS, ids=lambda v: getattr(v, "__name__", None))
def test_bad_arguments_raise_value_error_quoting_the_value(func, args, bad):
    with pytest.raises(ValueError, match=re.escape(repr(bad))) as info:
        func(*args)
    assert isinstance(info.value, StratsimError)


def test_erlang_a_refuses_an_impossibly_long_chain():
    with pytest.raises(ValueError, match=re.escape("1e-09")):
        q.erlang_a(2e3, 1.0, 1000, 1e-9)


# ---------------------------------------------------------------------------------------
# Erlang-A service level and staffing


@pytest.mark.parametrize(
    "lam, mu, c, theta, t",
    [(10.0, 1.0, 12, 0.5, 0.3), (14.0, 1.0, 10, 0.3, 1.0), (3.0, 2.0, 2, 1.5, 0.25),
     (10.0, 1.0, 12, 0.5, 4.0)],
)
def test_erlang_a_service_level_matches_the_ctmc_by_matrix_exponential(lam, mu, c, theta, t):
    """P(start within t) from the generator of the tagged customer's phase-type wait:
    ``(−S)⁻¹ (I − e^{St}) s₀`` per arrival state (scipy.linalg.expm), not uniformisation."""
    ref = _erlang_a_by_ctmc(lam, mu, c, theta, size=c + 160)
    sub, to_service = ref["sub"], ref["to_service"]
    within = np.linalg.solve(-sub, (np.eye(to_service.size) - linalg.expm(sub * t)) @ to_service)
    expected = ref["pi"][:c].sum() + ref["pi"][c:] @ within
    assert q.erlang_a_service_level(t, lam, mu, c, theta) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("lam, mu, c", [(10.0, 1.0, 12), (2.4, 1.0, 3)])
def test_erlang_a_service_level_limits(lam, mu, c):
    """θ → 0 is Erlang C's service level; t = 0 is "no wait"; a long t is P(served)."""
    for t in (0.0, 0.1, 0.5, 2.0):
        assert q.erlang_a_service_level(t, lam, mu, c, 1e-9) == pytest.approx(
            q.mmc_wait_cdf(t, lam, mu, c), rel=1e-6)
    result = q.erlang_a(lam, mu, c, 0.7)
    assert q.erlang_a_service_level(0.0, lam, mu, c, 0.7) == pytest.approx(
        1 - result.wait_probability, rel=1e-12)
    assert q.erlang_a_service_level(200.0, lam, mu, c, 0.7) == pytest.approx(
        result.served_share, rel=1e-9)
    levels = [q.erlang_a_service_level(t, lam, mu, c, 0.7) for t in (0.0, 0.05, 0.2, 1.0, 5.0)]
    assert levels == sorted(levels) and levels[0] < levels[-1]
    assert q.erlang_a_service_level(0.5, 0.0, mu, c, 0.7) == 1.0


@pytest.mark.parametrize(
    "lam, mu, t, attainment, theta",
    [(20.0, 3.0, 1 / 3, 0.8, 2.0), (100.0, 2.0, 0.25, 0.9, 1.5), (2.0, 1.0, 0.5, 0.8, 0.5),
     (60.0, 3.0, 1 / 6, 0.95, 4.0)],
)
def test_erlang_a_staffing_is_minimal(lam, mu, t, attainment, theta):
    c = q.staff_for_service_level(lam, mu, t, attainment, theta)
    assert q.erlang_a_service_level(t, lam, mu, c, theta) >= attainment
    assert c == 1 or q.erlang_a_service_level(t, lam, mu, c - 1, theta) < attainment


def test_service_level_staffing_without_patience_is_erlang_c_and_zero_without_arrivals():
    assert q.staff_for_service_level(12.0, 2.0, 1 / 3, 0.8) == q.staff_for_wait_target(12.0, 2.0, 1 / 3, 0.8)
    assert q.staff_for_service_level(0.0, 2.0, 1 / 3, 0.8, 1.0) == 0
    # abandonment shortens the queue: never more staff than Erlang C asks here
    assert q.staff_for_service_level(40.0, 2.0, 1 / 3, 0.8, 3.0) <= q.staff_for_wait_target(40.0, 2.0, 1 / 3, 0.8)
