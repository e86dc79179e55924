"""Queueing-theory formulas: the analytical yardstick for stratsim's simulations.

Every function here is pure (no state, no randomness) and works in whatever time unit
the caller uses *consistently*: if rates are per hour, times come back in hours and
queue lengths are plain numbers of customers. ``arrival_rate`` is λ (customers per
unit time), ``service_rate`` is μ (completions per unit time *per server*, so the
mean service time is 1/μ), ``servers`` is c.

Models (Kendall notation) and where the formulas come from:

* M/M/c/c (Erlang B), M/M/c (Erlang C), M/M/c/K, M/G/1 (Pollaczek–Khinchine),
  Jackson networks, priority queues: D. Gross, J. F. Shortle, J. M. Thompson and
  C. M. Harris, *Fundamentals of Queueing Theory*, 4th ed., Wiley 2008 (ch. 2
  "Simple Markovian queueing models", ch. 3 "Advanced Markovian queueing models",
  priority disciplines, ch. 4 "Networks, series and cyclic queues", ch. 5 "General
  arrival or service patterns"); L. Kleinrock, *Queueing Systems*, Vol. I: Theory
  (Wiley 1975, ch. 3 birth–death queues, ch. 5 M/G/1) and Vol. II: Computer
  Applications (Wiley 1976, ch. 3 priority queueing).
* Non-preemptive priorities: A. Cobham, "Priority assignment in waiting line
  problems", J. Oper. Res. Soc. America 2 (1954) 70–76.
* Erlang-A (M/M/c+M): O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call
  center with impatient customers", Manufacturing & Service Operations Management
  4(3) (2002) 208–227; A. Mandelbaum and S. Zeltyn, "Service engineering in action:
  the Palm/Erlang-A queue" (2007 lecture notes) for the served/abandoned split.
* Jackson networks: J. R. Jackson, "Networks of waiting lines", Operations
  Research 5 (1957) 518–521.
* Allen–Cunneen: A. O. Allen, *Probability, Statistics, and Queueing Theory*,
  2nd ed., Academic Press 1990 (an approximation, not an exact result).

Numerical approach: nothing computes a raw factorial or power. Erlang B uses its
stable recursion ``B(k) = a·B(k−1) / (k + a·B(k−1))``; birth–death chains (M/M/c/K,
Erlang-A) are summed in log space starting from the most likely state, so ``servers``
in the thousands and offered loads of 1e4 are handled without overflow.

Every bad argument raises :class:`QueueingParameterError`, which is a ``ValueError``
(and a :class:`~stratsim.errors.StratsimError`, so the command line reports it as the
user's error); the message quotes the offending value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stratsim.errors import StratsimError

__all__ = [
    "QueueingParameterError",
    "ErlangAResult",
    "JacksonResult",
    "offered_load",
    "utilization",
    "erlang_b",
    "erlang_c",
    "mmc_mean_wait",
    "mmc_wait_cdf",
    "mmc_wait_quantile",
    "mmc_mean_queue_length",
    "system_capacity",
    "mmck_probabilities",
    "mmck_blocking",
    "mmck_mean_wait",
    "mmck_mean_queue_length",
    "erlang_a",
    "LossResult",
    "erlang_a_service_level",
    "staff_for_service_level",
    "mmc_losses",
    "priority_mmc_mean_waits",
    "priority_mg1_mean_waits",
    "mg1_mean_wait",
    "allen_cunneen_mean_wait",
    "jackson_network",
    "littles_law_l",
    "poisson_count_interval",
    "staff_for_wait_target",
]

#: Erlang-A chains are truncated once the probability mass beyond the last state is
#: below this bound.
ERLANG_A_TAIL_MASS = 1e-14

#: Largest truncated Erlang-A chain we are willing to build (memory guard).
_ERLANG_A_MAX_STATES = 20_000_000


class QueueingParameterError(StratsimError, ValueError):
    """An argument of a queueing formula is out of range (or the model is unstable)."""


# ---------------------------------------------------------------------------------------
# argument checking


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise QueueingParameterError(f"{name} must be a real number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise QueueingParameterError(f"{name} must be finite, got {value!r}")
    return x


def _positive(name: str, value: object) -> float:
    x = _real(name, value)
    if x <= 0.0:
        raise QueueingParameterError(f"{name} must be > 0, got {value!r}")
    return x


def _non_negative(name: str, value: object) -> float:
    x = _real(name, value)
    if x < 0.0:
        raise QueueingParameterError(f"{name} must be >= 0, got {value!r}")
    return x


def _integer(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise QueueingParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if isinstance(value, numbers.Integral):
        n = int(value)
    else:
        x = float(value)
        if not x.is_integer():
            raise QueueingParameterError(
                f"{name} must be an integer >= {minimum}, got {value!r}"
            )
        n = int(x)
    if n < minimum:
        raise QueueingParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return n


def _probability_open(name: str, value: object) -> float:
    """A probability strictly between 0 and 1."""
    x = _real(name, value)
    if not 0.0 < x < 1.0:
        raise QueueingParameterError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return x


def _rate_vector(name: str, values: object, *, positive: bool = False) -> np.ndarray:
    """A non-empty 1-D sequence of finite rates (>= 0, or > 0 when ``positive``)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise QueueingParameterError(f"{name} must be a sequence of numbers, got {values!r}")
    items = list(values)
    if not items:
        raise QueueingParameterError(f"{name} must not be empty, got {values!r}")
    checked = []
    for i, v in enumerate(items):
        item_name = f"{name}[{i}]"
        checked.append(_positive(item_name, v) if positive else _non_negative(item_name, v))
    return np.asarray(checked, dtype=float)


def _mmc_stable(
    arrival_rate: object, service_rate: object, servers: object
) -> tuple[float, float, int]:
    """Validate (λ, μ, c) of an M/M/c queue and insist on λ < cμ."""
    lam = _non_negative("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    c = _integer("servers", servers)
    if lam >= c * mu:
        raise QueueingParameterError(
            f"M/M/c queue is unstable: arrival_rate={arrival_rate!r} >= servers*service_rate="
            f"{servers!r}*{service_rate!r}={c * mu!r} (utilization {lam / (c * mu):.6g} >= 1); "
            "the waiting time has no steady state"
        )
    return lam, mu, c


# ---------------------------------------------------------------------------------------
# basic quantities


def offered_load(arrival_rate: float, service_rate: float) -> float:
    """Offered load ``a = λ/μ`` in Erlangs (the mean number of busy servers if none were lost).

    ``arrival_rate`` λ >= 0 and ``service_rate`` μ > 0 (per server) in the same time unit;
    the result is dimensionless.
    """
    lam = _non_negative("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    return lam / mu


def utilization(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Server utilisation (traffic intensity) ``ρ = λ/(cμ)`` of a c-server queue.

    No stability check: values >= 1 are returned as they are (they tell the caller the
    queue is overloaded). For loss or abandonment systems the *carried* utilisation is
    lower; see :func:`mmck_blocking` and :func:`erlang_a`.
    """
    lam = _non_negative("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    c = _integer("servers", servers)
    return lam / (c * mu)


def littles_law_l(arrival_rate: float, mean_time: float) -> float:
    """Little's law ``L = λ·W``: mean number present from arrival rate and mean time present.

    Holds for any stationary system in which λ is the rate of customers *entering* the
    part of the system whose time is ``mean_time`` (Little 1961; Gross & Harris §1.4).
    Apply it with consistent meanings: the queue (Lq = λ·Wq), the whole system
    (L = λ·W), or, for lossy systems, the admitted rate λ(1 − P_block).
    """
    lam = _non_negative("arrival_rate", arrival_rate)
    w = _non_negative("mean_time", mean_time)
    return lam * w


# ---------------------------------------------------------------------------------------
# Erlang B / Erlang C / M/M/c


def _erlang_b(c: int, a: float) -> float:
    b = 1.0
    for k in range(1, c + 1):
        ab = a * b
        b = ab / (k + ab)
    return b


def _erlang_c(c: int, a: float) -> float:
    if a == 0.0:
        return 0.0
    b = _erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def erlang_b(servers: int, offered_load: float) -> float:
    """Erlang B: blocking probability of the M/M/c/c loss system (Erlang 1917).

    ``B(c, a) = (a^c/c!) / Σ_{k=0..c} a^k/k!`` with ``a = λ/μ`` Erlangs and c servers,
    no waiting room; an arrival finding all servers busy is lost. By PASTA this is both
    the fraction of time all servers are busy and the fraction of arrivals lost. The
    formula is insensitive to the service-time distribution (it holds for M/G/c/c).

    Computed with the recursion ``B(0) = 1``, ``B(k) = a·B(k−1)/(k + a·B(k−1))``, which is
    stable for any c and a (Gross & Harris ch. 2). ``servers`` >= 1, ``offered_load`` >= 0.
    """
    c = _integer("servers", servers)
    a = _non_negative("offered_load", offered_load)
    return _erlang_b(c, a)


def erlang_c(servers: int, offered_load: float) -> float:
    """Erlang C: probability that an arrival has to wait in the M/M/c queue.

    Poisson arrivals, exponential service, c servers, unlimited FIFO waiting room;
    ``a = λ/μ`` Erlangs. Requires ``a < c`` (else there is no steady state and
    :class:`QueueingParameterError` is raised). Computed from Erlang B through the
    identity ``C(c, a) = c·B / (c − a·(1 − B))`` (Gross & Harris ch. 2; Kleinrock Vol. I
    §3.5), never from factorials.
    """
    c = _integer("servers", servers)
    a = _non_negative("offered_load", offered_load)
    if a >= c:
        raise QueueingParameterError(
            f"Erlang C needs offered_load < servers, got offered_load={offered_load!r} "
            f"with servers={servers!r} (the M/M/c queue is unstable)"
        )
    return _erlang_c(c, a)


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean waiting time in queue ``Wq`` of the M/M/c FIFO queue (time units of 1/λ).

    ``Wq = C(c, a) / (cμ − λ)`` with ``a = λ/μ`` (Gross & Harris ch. 2). This is the mean
    over *all* customers, including those who do not wait. Requires λ < cμ.
    """
    lam, mu, c = _mmc_stable(arrival_rate, service_rate, servers)
    return _erlang_c(c, lam / mu) / (c * mu - lam)


def mmc_mean_queue_length(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean number waiting (not in service) ``Lq = λ·Wq`` in the M/M/c queue.

    ``Lq = C(c, a)·ρ/(1 − ρ)`` with ``ρ = λ/(cμ) < 1`` (Little's law on the queue).
    """
    lam, mu, c = _mmc_stable(arrival_rate, service_rate, servers)
    return lam * _erlang_c(c, lam / mu) / (c * mu - lam)


def mmc_wait_cdf(t: float, arrival_rate: float, service_rate: float, servers: int) -> float:
    """``P(W ≤ t)`` for the waiting time W of the M/M/c FIFO queue (the service level).

    ``P(W > t) = C(c, a)·exp(−(cμ − λ)·t)`` for t >= 0 (Gross & Harris ch. 2): with
    probability ``1 − C`` there is no wait, otherwise the wait is exponential with rate
    ``cμ − λ``. Requires λ < cμ; ``t`` >= 0 in the caller's time unit.
    """
    lam, mu, c = _mmc_stable(arrival_rate, service_rate, servers)
    tt = _non_negative("t", t)
    return 1.0 - _erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * tt)


def mmc_wait_quantile(p: float, arrival_rate: float, service_rate: float, servers: int) -> float:
    """The p-quantile of the waiting time of the M/M/c FIFO queue.

    Smallest ``t`` with ``P(W ≤ t) ≥ p``. Because ``P(W > t) = C·exp(−(cμ − λ)t)``
    (``C`` = Erlang C), the quantile is 0 when ``p ≤ 1 − C`` (the p-th customer does not
    wait) and ``ln(C/(1 − p)) / (cμ − λ)`` otherwise. ``0 ≤ p < 1``; λ < cμ.
    """
    pp = _real("p", p)
    if not 0.0 <= pp < 1.0:
        raise QueueingParameterError(f"p must satisfy 0 <= p < 1, got {p!r}")
    lam, mu, c = _mmc_stable(arrival_rate, service_rate, servers)
    wait_prob = _erlang_c(c, lam / mu)
    if pp <= 1.0 - wait_prob:
        return 0.0
    return math.log(wait_prob / (1.0 - pp)) / (c * mu - lam)


def staff_for_wait_target(
    arrival_rate: float, service_rate: float, wait_target: float, attainment: float
) -> int:
    """Erlang C staffing: the fewest servers c with ``P(W ≤ wait_target) ≥ attainment``.

    M/M/c FIFO model (Poisson arrivals, exponential service with rate μ per server,
    no abandonment, unlimited waiting room); ``P(W ≤ t) = 1 − C(c, a)·exp(−(cμ − λ)t)``.
    Only stable staffing levels (c > a = λ/μ) are considered; the service level grows
    with c, so the first c meeting the target is the answer. ``wait_target`` >= 0 in the
    caller's time unit (0 asks for "no wait" with probability ``attainment``),
    ``0 < attainment < 1``. With ``arrival_rate == 0`` the answer is 1.

    Erlang B is advanced one server at a time, so the search costs O(c) in total.
    """
    lam = _non_negative("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    t = _non_negative("wait_target", wait_target)
    target = _probability_open("attainment", attainment)
    if lam == 0.0:
        return 1
    a = lam / mu
    allowed_late = 1.0 - target
    c = math.floor(a) + 1
    b = _erlang_b(c, a)
    while True:
        wait_prob = c * b / (c - a * (1.0 - b))
        if wait_prob * math.exp(-(c * mu - lam) * t) <= allowed_late:
            return c
        c += 1
        ab = a * b
        b = ab / (c + ab)


# ---------------------------------------------------------------------------------------
# birth–death chains (M/M/c/K, Erlang-A)


def _birth_death_distribution(log_ratios: np.ndarray) -> np.ndarray:
    """Stationary distribution p_0..p_N of a birth–death chain.

    ``log_ratios[n-1] = log(p_n / p_{n-1}) = log(birth_{n-1} / death_n)``, assumed
    non-increasing in n (true for all chains here). The log-probabilities are summed
    outward from the mode, so the running sums stay small where the mass is and
    rounding does not accumulate over long chains.
    """
    n = log_ratios.size
    mode = int(np.count_nonzero(log_ratios >= 0.0))
    logp = np.empty(n + 1)
    logp[mode] = 0.0
    if mode < n:
        logp[mode + 1 :] = np.cumsum(log_ratios[mode:])
    if mode > 0:
        logp[:mode] = -np.cumsum(log_ratios[mode - 1 :: -1])[::-1]
    p = np.exp(logp)
    return p / p.sum()


def system_capacity(servers: int, queue_capacity: int) -> int:
    """Total system capacity ``K = servers + queue_capacity`` for the ``mmck_*`` functions.

    stratsim scenarios describe a finite queue by ``queue_capacity``, the number of
    *waiting places*; the M/M/c/K formulas (like the textbooks) use ``K``, the total
    number that may be present, in service or waiting. ``queue_capacity = 0`` gives
    the Erlang loss system M/M/c/c.
    """
    c = _integer("servers", servers)
    q = _integer("queue_capacity", queue_capacity, minimum=0)
    return c + q


def _mmck_args(
    arrival_rate: object, service_rate: object, servers: object, capacity: object
) -> tuple[float, float, int, int]:
    lam = _non_negative("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    c = _integer("servers", servers)
    try:
        k = _integer("capacity", capacity, minimum=0)
    except QueueingParameterError:
        k = -1
    if k < c:
        raise QueueingParameterError(
            f"capacity is the total system capacity K = servers + waiting places and must be "
            f"an integer >= servers={servers!r}, got {capacity!r} "
            "(use system_capacity(servers, queue_capacity) to convert)"
        )
    return lam, mu, c, k


def _mmck_distribution(lam: float, mu: float, c: int, k: int) -> np.ndarray:
    if lam == 0.0:
        p = np.zeros(k + 1)
        p[0] = 1.0
        return p
    n = np.arange(1, k + 1, dtype=float)
    log_ratios = math.log(lam) - np.log(np.minimum(n, c) * mu)
    return _birth_death_distribution(log_ratios)


def mmck_probabilities(
    arrival_rate: float, service_rate: float, servers: int, capacity: int
) -> np.ndarray:
    """Stationary distribution ``[p_0, …, p_K]`` of the number present in M/M/c/K.

    Poisson arrivals λ, c exponential servers of rate μ, and **K = total system capacity**
    (customers in service plus waiting places, K >= c); arrivals finding K present are
    lost. ``p_n ∝ a^n/n!`` for n <= c and ``p_n ∝ a^c/c!·ρ^(n−c)`` for c < n <= K, with
    ``a = λ/μ``, ``ρ = a/c`` (Gross & Harris ch. 2). Any λ >= 0 is allowed (the system
    is always stable). stratsim's ``queue_capacity`` (waiting places) is ``K − c``; see
    :func:`system_capacity`.
    """
    lam, mu, c, k = _mmck_args(arrival_rate, service_rate, servers, capacity)
    return _mmck_distribution(lam, mu, c, k)


def mmck_blocking(arrival_rate: float, service_rate: float, servers: int, capacity: int) -> float:
    """Probability that an arrival is lost in M/M/c/K: ``p_K`` (by PASTA).

    ``capacity`` is K, the total system capacity (see :func:`mmck_probabilities`).
    With K = c this equals Erlang B.
    """
    lam, mu, c, k = _mmck_args(arrival_rate, service_rate, servers, capacity)
    return float(_mmck_distribution(lam, mu, c, k)[-1])


def mmck_mean_queue_length(
    arrival_rate: float, service_rate: float, servers: int, capacity: int
) -> float:
    """Mean number waiting (not in service) in M/M/c/K: ``Lq = Σ_{n>c} (n − c)·p_n``.

    ``capacity`` is K, the total system capacity (see :func:`mmck_probabilities`).
    """
    lam, mu, c, k = _mmck_args(arrival_rate, service_rate, servers, capacity)
    p = _mmck_distribution(lam, mu, c, k)
    return float(np.dot(np.arange(k - c + 1, dtype=float), p[c:]))


def mmck_mean_wait(arrival_rate: float, service_rate: float, servers: int, capacity: int) -> float:
    """Mean waiting time in queue of *admitted* customers in M/M/c/K.

    Little's law on the queue with the admitted rate: ``Wq = Lq / (λ·(1 − p_K))``
    (Gross & Harris ch. 2). Lost customers are not part of the average. ``capacity`` is
    K, the total system capacity (see :func:`mmck_probabilities`). Returns 0 when λ = 0.
    """
    lam, mu, c, k = _mmck_args(arrival_rate, service_rate, servers, capacity)
    if lam == 0.0:
        return 0.0
    p = _mmck_distribution(lam, mu, c, k)
    lq = float(np.dot(np.arange(k - c + 1, dtype=float), p[c:]))
    return lq / (lam * (1.0 - float(p[-1])))


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state performance of the Erlang-A (M/M/c+M) queue; see :func:`erlang_a`.

    Probabilities are per arriving customer; times are in the caller's time unit.
    """

    #: P(an arriving customer abandons before service) = θ·E[Lq]/λ.
    abandon_probability: float
    #: P(an arriving customer finds all servers busy and has to wait).
    wait_probability: float
    #: Mean time in queue over all arrivals, until service or abandonment = E[Lq]/λ.
    mean_wait: float
    #: Mean time in queue of the customers who are eventually served.
    mean_wait_served: float
    #: Mean number waiting (not in service).
    mean_queue_length: float
    #: Fraction of arrivals that are served, 1 − abandon_probability.
    served_share: float
    #: Carried utilisation of the servers, λ·served_share/(cμ) (< 1 always).
    utilization: float


def erlang_a(
    arrival_rate: float, service_rate: float, servers: int, abandonment_rate: float
) -> ErlangAResult:
    """Erlang-A (Palm's M/M/c+M): c servers, unlimited FIFO waiting room, impatience.

    Model: Poisson arrivals λ; exponential service with rate μ per server; each waiting
    customer abandons after an exponential patience with rate θ = ``abandonment_rate``
    (mean patience 1/θ) unless service starts first (Garnett, Mandelbaum & Reiman 2002).
    The number present is a birth–death chain with birth rate λ and death rate
    ``min(n, c)·μ + max(n − c, 0)·θ``; it is stable for every λ when θ > 0.

    Solution: the chain is solved exactly (log-space product form) and truncated at the
    first N beyond which the remaining probability mass is below 1e-14 (``ERLANG_A_TAIL_MASS``).
    By PASTA an arrival sees the stationary distribution π. Then
    ``wait_probability = Σ_{n≥c} π_n``, ``E[Lq] = Σ (n−c)⁺ π_n``,
    ``mean_wait = E[Lq]/λ`` (Little on the queue) and ``abandon_probability = θ·E[Lq]/λ``
    (abandonment flow balance).

    Served customers' wait, exactly: an arrival finding n = c + j present (j waiting
    ahead of it) passes through stages i = j, j−1, …, 0, where i is the number still
    ahead. In stage i it leaves the stage at total rate ``s_i = cμ + (i+1)θ``: by a
    service completion or an abandonment ahead (rate cμ + iθ, it moves up) or by its own
    abandonment (rate θ). Stage times are exponential(s_i) whatever ends them, so
    ``P(served | j) = Π_{i=0..j} (cμ + iθ)/s_i`` and
    ``E[W | served, j] = Σ_{i=0..j} 1/s_i``; ``mean_wait_served`` is
    ``Σ_j π_{c+j} P(served|j) E[W|served,j] / P(served)``
    (Mandelbaum & Zeltyn 2007). With θ = 0 the exact M/M/c (Erlang C) results are
    returned instead; that case needs λ < cμ.
    """
    lam = _non_negative("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    c = _integer("servers", servers)
    theta = _non_negative("abandonment_rate", abandonment_rate)
    cmu = c * mu

    if lam == 0.0:
        return ErlangAResult(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)

    if theta == 0.0:
        if lam >= cmu:
            raise QueueingParameterError(
                f"Erlang-A with abandonment_rate={abandonment_rate!r} is the M/M/c queue, which "
                f"is unstable for arrival_rate={arrival_rate!r} >= servers*service_rate={cmu!r}"
            )
        wait_prob = _erlang_c(c, lam / mu)
        wq = wait_prob / (cmu - lam)
        return ErlangAResult(
            abandon_probability=0.0,
            wait_probability=wait_prob,
            mean_wait=wq,
            mean_wait_served=wq,
            mean_queue_length=lam * wq,
            served_share=1.0,
            utilization=lam / cmu,
        )

    pi = _erlang_a_distribution(lam, mu, c, theta)
    queue = pi[c:]  # states c, c+1, …: j = n − c customers waiting
    j = np.arange(queue.size, dtype=float)
    wait_prob = float(queue.sum())
    lq = float(np.dot(j, queue))
    abandon = theta * lq / lam
    stage_rate = cmu + (j + 1.0) * theta
    served_given_j = np.exp(np.cumsum(np.log1p(-theta / stage_rate)))
    wait_given_served_j = np.cumsum(1.0 / stage_rate)
    served_mass = float(pi[:c].sum()) + float(np.dot(queue, served_given_j))
    mean_wait_served = float(np.dot(queue * served_given_j, wait_given_served_j)) / served_mass
    served = 1.0 - abandon
    return ErlangAResult(
        abandon_probability=abandon,
        wait_probability=wait_prob,
        mean_wait=lq / lam,
        mean_wait_served=mean_wait_served,
        mean_queue_length=lq,
        served_share=served,
        utilization=lam * served / cmu,
    )


def _erlang_a_distribution(lam: float, mu: float, c: int, theta: float) -> np.ndarray:
    """Stationary distribution of the number present in Erlang-A (λ > 0, θ > 0), truncated.

    The chain is cut at the first N beyond which the remaining mass is below
    ``ERLANG_A_TAIL_MASS``; see :func:`erlang_a`.
    """
    cmu = c * mu

    def deaths(n: np.ndarray) -> np.ndarray:
        return np.minimum(n, c) * mu + np.maximum(n - c, 0.0) * theta

    # First guess at the truncation level: the mode plus a generous spread; doubled
    # until the tail bound holds.
    spread = 12.0 * math.sqrt(lam / theta + 1.0)
    if lam < cmu:
        spread = min(spread, 40.0 / -math.log(max(lam / cmu, 1e-300)))
    top = c + int(math.ceil(max(0.0, (lam - cmu) / theta) + spread)) + 64
    log_lam = math.log(lam)
    while True:
        if top > _ERLANG_A_MAX_STATES:
            raise QueueingParameterError(
                f"Erlang-A chain needs more than {_ERLANG_A_MAX_STATES} states for "
                f"arrival_rate={lam!r}, service_rate={mu!r}, "
                f"servers={c!r}, abandonment_rate={theta!r}; the abandonment "
                "rate is too small for this load (use the M/M/c functions when it is negligible)"
            )
        n = np.arange(1, top + 1, dtype=float)
        pi = _birth_death_distribution(log_lam - np.log(deaths(n)))
        ratio = lam / float(deaths(np.array([top + 1.0]))[0])
        # ratios are non-increasing, so the tail beyond `top` is at most p_top·r/(1−r)
        if ratio < 1.0 and pi[-1] * ratio / (1.0 - ratio) < ERLANG_A_TAIL_MASS:
            break
        top *= 2
    return pi


def erlang_a_service_level(
    wait: float, arrival_rate: float, service_rate: float, servers: int, abandonment_rate: float
) -> float:
    """``P(service starts within wait)`` for an arrival in Erlang-A (M/M/c+M); abandoners miss.

    This is stratsim's ``sla_attainment`` for the model: customers who abandon count as
    misses, whatever their patience. An arrival finding n < c present starts at once; one
    finding n = c + j passes through the stages of :func:`erlang_a` (j, j−1, …, 0 still
    ahead), each exponential with rate ``s_i = cμ + (i+1)θ`` and ending in a move up with
    probability ``(cμ + iθ)/s_i``. So

        ``P(hit | j) = Π_{i≤j} (cμ + iθ)/s_i · P(Σ_{i≤j} Exp(s_i) ≤ wait)``

    where the sum of stage times is hypoexponential; its distribution function is computed
    for every j at once by uniformisation (:func:`_stages_done_by`), which stays accurate
    for long chains where the closed form of the hypoexponential cancels catastrophically.
    With θ = 0 this is the Erlang C service level :func:`mmc_wait_cdf` (needs λ < cμ).
    ``wait`` >= 0 in the caller's time unit; at 0 it is ``1 − wait_probability``, and as
    ``wait`` grows it tends to ``served_share``.
    """
    t = _non_negative("wait", wait)
    lam = _non_negative("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    c = _integer("servers", servers)
    theta = _non_negative("abandonment_rate", abandonment_rate)
    if lam == 0.0:
        return 1.0
    if theta == 0.0:
        return mmc_wait_cdf(t, lam, mu, c)
    pi = _erlang_a_distribution(lam, mu, c, theta)
    queue = pi[c:]
    j = np.arange(queue.size, dtype=float)
    stage_rate = c * mu + (j + 1.0) * theta
    served_given_j = np.exp(np.cumsum(np.log1p(-theta / stage_rate)))
    within = _stages_done_by(stage_rate, t)
    return float(pi[:c].sum()) + float(np.dot(queue * served_given_j, within))


def _stages_done_by(stage_rate: np.ndarray, t: float) -> np.ndarray:
    """``P(Exp(s_0) + … + Exp(s_j) ≤ t)`` for every j, by uniformisation.

    With ``Λ = max s_i``, the stages are passed at the events of a Poisson process of rate
    Λ, each event moving on with probability ``s_i/Λ`` (Gross & Harris ch. 9, uniformisation
    of a continuous-time Markov chain). ``w_k[j]``, the probability that j + 1 stages are
    passed within k events, obeys ``w_k[j] = p_j·w_{k−1}[j−1] + (1 − p_j)·w_{k−1}[j]``
    (``w[−1] = 1``), and the answer is ``Σ_k Poisson(k; Λt)·w_k``. Every term is a
    probability, so nothing cancels; the Poisson sum is cut where its tail is below 1e-15.
    """
    size = stage_rate.size
    if t == 0.0:
        return np.zeros(size)
    top_rate = float(stage_rate.max())
    advance = stage_rate / top_rate
    mean_events = top_rate * t
    last = int(mean_events + 12.0 * math.sqrt(mean_events) + 40.0)
    done = np.zeros(size)
    within = np.zeros(size)                    # w_0: nothing passed without an event
    log_weight = -mean_events                  # log Poisson(0; Λt)
    for k in range(1, last + 1):
        shifted = np.concatenate(([1.0], within[:-1]))
        within = advance * shifted + (1.0 - advance) * within
        log_weight += math.log(mean_events) - math.log(k)
        done += math.exp(log_weight) * within
    return np.clip(done, 0.0, 1.0)


def staff_for_service_level(
    arrival_rate: float,
    service_rate: float,
    wait_target: float,
    attainment: float,
    abandonment_rate: float = 0.0,
) -> int:
    """The fewest servers c with ``P(service starts within wait_target) ≥ attainment``.

    Erlang-A (M/M/c+M, abandoners count as misses; :func:`erlang_a_service_level`) when
    ``abandonment_rate`` θ > 0, else Erlang C (:func:`staff_for_wait_target`). The service
    level grows with c, and no c below ``attainment·λ/μ`` can reach it (at most c/a of the
    offered work is ever served at once), so the search starts there, doubling its step
    until the target is met and bisecting back. With no arrivals the answer is 0: nobody
    needs serving.
    """
    lam = _non_negative("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    t = _non_negative("wait_target", wait_target)
    target = _probability_open("attainment", attainment)
    theta = _non_negative("abandonment_rate", abandonment_rate)
    if lam == 0.0:
        return 0
    if theta == 0.0:
        return staff_for_wait_target(lam, mu, t, target)

    def meets(c: int) -> bool:
        return erlang_a_service_level(t, lam, mu, c, theta) >= target

    low = max(1, math.floor(target * lam / mu))   # the largest c known to fall short …
    if meets(low):
        return low
    step, high = 1, low + 1                       # … and the smallest known to meet it
    while not meets(high):
        low, step = high, 2 * step
        high = low + step
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if meets(middle) else (middle, high)
    return high


@dataclass(frozen=True)
class LossResult:
    """Steady state of a Markovian queue that can lose customers; see :func:`mmc_losses`.

    Shares are per arriving customer (by PASTA, arrivals see the stationary distribution)
    and add up to 1.
    """

    #: Turned away because every waiting place was taken.
    blocked_share: float
    #: Did not join because at least their ``balk_at`` were waiting.
    balked_share: float
    #: Joined the queue and gave up before service started.
    abandon_share: float
    #: Served: 1 − blocked − balked − abandoned.
    served_share: float
    #: P(an arrival finds every server busy).
    wait_probability: float
    #: Mean number waiting (not in service).
    mean_queue_length: float

    @property
    def lost_share(self) -> float:
        """Blocked, balked or abandoned: every arrival that is not served."""
        return self.blocked_share + self.balked_share + self.abandon_share


def mmc_losses(
    arrival_rates: float | Sequence[float],
    service_rate: float,
    servers: int,
    *,
    queue_capacity: int | None = None,
    balk_at: Sequence[int | None] | None = None,
    abandonment_rate: float = 0.0,
) -> LossResult:
    """Customers lost by an M/M/c queue with a finite waiting room, balking and impatience.

    One or several Poisson arrival classes (``arrival_rates``, per unit time), c =
    ``servers`` exponential servers of rate μ = ``service_rate``; an arrival finding a free
    server starts at once; else it is **blocked** when ``queue_capacity`` customers already
    wait (``None``: unlimited), else it **balks** when at least its class's ``balk_at`` wait
    (``None``: never), else it waits, FIFO, and **abandons** after an exponential patience
    of rate θ = ``abandonment_rate`` unless service starts first. These are stratsim's
    station rules, so with one class this is M/M/c/K (θ = 0, K = c + queue_capacity; Erlang
    B when queue_capacity = 0), Erlang-A (M/M/c+M: unlimited room, θ > 0) and their
    combination M/M/c/K+M.

    Solution: the number present n is a birth–death chain with birth rate
    ``λ(n) = Σ_i λ_i`` while a server is free and ``Σ_i λ_i·[n − c < min(queue_capacity,
    balk_at_i)]`` otherwise, and death rate ``min(n, c)·μ + max(n − c, 0)·θ``; it is solved
    exactly in log space (Gross & Harris ch. 2–3 for each special case). A chain without a
    top (a class may always join and θ > 0) is truncated as in :func:`erlang_a`. Then
    ``blocked = Σ_{n−c ≥ queue_capacity} π_n``, ``balked = Σ π_n·(λ refused by balking at n)/Λ``,
    ``abandoned = θ·E[Lq]/Λ`` (flow balance) and ``served`` the rest.

    ``servers`` may be 0 (nobody is served: every arrival is lost once the room is full).
    A class that can always join with θ = 0 needs its arrival rate below cμ, else there is
    no steady state and :class:`QueueingParameterError` is raised.
    """
    rates = _rate_vector("arrival_rates", [arrival_rates] if isinstance(arrival_rates, numbers.Real)
                         else arrival_rates)
    mu = _positive("service_rate", service_rate)
    c = _integer("servers", servers, minimum=0)
    theta = _non_negative("abandonment_rate", abandonment_rate)
    room = math.inf if queue_capacity is None else _integer("queue_capacity", queue_capacity, minimum=0)
    if balk_at is None:
        balks: list[float] = [math.inf] * rates.size
    else:
        if isinstance(balk_at, (str, bytes)) or not isinstance(balk_at, Sequence) or len(balk_at) != rates.size:
            raise QueueingParameterError(
                f"balk_at must be one value (an integer >= 0 or None) per arrival class "
                f"({rates.size}), got {balk_at!r}"
            )
        balks = [math.inf if b is None else _integer(f"balk_at[{i}]", b, minimum=0)
                 for i, b in enumerate(balk_at)]
    limits = np.array([min(room, b) for b in balks], dtype=float)   # waiting places a class may join at
    total = float(rates.sum())
    if total == 0.0:
        return LossResult(0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    unlimited = float(rates[np.isinf(limits)].sum())
    if unlimited > 0.0 and theta == 0.0 and unlimited >= c * mu:
        raise QueueingParameterError(
            f"no steady state: arrivals that can always join (rate {unlimited!r}) reach the "
            f"service capacity servers*service_rate={c * mu!r} and nobody abandons "
            f"(abandonment_rate={abandonment_rate!r}); the queue grows without bound"
        )

    def births(n: np.ndarray) -> np.ndarray:
        """λ(n) for states n (number present)."""
        waiting = n - c
        joining = (waiting[:, None] < limits[None, :]) | (waiting[:, None] < 0)
        return joining.astype(float) @ rates

    def deaths(n: np.ndarray) -> np.ndarray:
        return np.minimum(n, c) * mu + np.maximum(n - c, 0.0) * theta

    finite_limits = limits[np.isfinite(limits) & (rates > 0)]
    top_finite = c + int(finite_limits.max()) if finite_limits.size else c
    if unlimited == 0.0:
        top = top_finite          # nobody joins beyond the largest limit
    else:                         # as erlang_a: a generous first guess, doubled until the tail is negligible
        drift = max(0.0, (unlimited - c * mu) / theta) if theta > 0.0 else 0.0
        spread = 12.0 * math.sqrt(unlimited / theta + 1.0) if theta > 0.0 else math.inf
        if unlimited < c * mu:
            spread = min(spread, 40.0 / -math.log(max(unlimited / (c * mu), 1e-300)))
        top = top_finite + int(math.ceil(drift + spread)) + 64
    while True:
        if top > _ERLANG_A_MAX_STATES:
            raise QueueingParameterError(
                f"the chain needs more than {_ERLANG_A_MAX_STATES} states for arrival_rates="
                f"{arrival_rates!r}, service_rate={service_rate!r}, servers={servers!r}, "
                f"abandonment_rate={abandonment_rate!r}"
            )
        n = np.arange(top + 1, dtype=float)
        birth = births(n)
        death = deaths(n)
        if c == 0 and theta == 0.0:   # nobody ever leaves: the chain sits at its top
            pi = np.zeros(top + 1)
            pi[top] = 1.0
            break
        pi = _birth_death_distribution(np.log(birth[:-1]) - np.log(death[1:]))
        if unlimited == 0.0:
            break
        ratio = float(births(np.array([top + 1.0]))[0] / deaths(np.array([top + 1.0]))[0])
        if ratio < 1.0 and pi[-1] * ratio / (1.0 - ratio) < ERLANG_A_TAIL_MASS:
            break
        top *= 2

    waiting = np.maximum(n - c, 0.0)
    busy_servers = n >= c
    full = busy_servers & (waiting >= room)
    blocked = float(pi[full].sum())
    refused = (total - birth) / total          # share of arrivals not joining in each state
    balked = float(np.dot(pi[busy_servers & ~full], refused[busy_servers & ~full]))
    lq = float(np.dot(waiting, pi))
    abandoned = theta * lq / total
    return LossResult(
        blocked_share=blocked,
        balked_share=balked,
        abandon_share=abandoned,
        served_share=max(0.0, 1.0 - blocked - balked - abandoned),
        wait_probability=float(pi[busy_servers].sum()),
        mean_queue_length=lq,
    )


# ---------------------------------------------------------------------------------------
# priority queues


def priority_mmc_mean_waits(
    arrival_rates: Sequence[float], service_rate: float, servers: int
) -> list[float]:
    """Mean queue waits per class in the non-preemptive priority M/M/c queue (Cobham 1954).

    K classes with Poisson arrival rates ``arrival_rates`` in priority order (index 0
    is served first), all with the same exponential service rate μ per server, c
    servers, FIFO within a class, no preemption. With ``σ_k = Σ_{i≤k} λ_i/(cμ)``
    (σ_{−1} = 0) and ``a = Σλ_i/μ``::

        W_k = [C(c, a)/(cμ)] / ((1 − σ_{k−1})·(1 − σ_k))

    (Gross & Harris ch. 3, priority disciplines; Kleinrock Vol. II ch. 3). Requires
    ``σ_K = Σλ/(cμ) < 1``. The λ-weighted mean of the W_k equals the FIFO M/M/c ``Wq``
    (conservation law). Returns one mean wait per class, in the caller's time unit.
    """
    lams = _rate_vector("arrival_rates", arrival_rates)
    mu = _positive("service_rate", service_rate)
    c = _integer("servers", servers)
    cmu = c * mu
    total = float(lams.sum())
    if total >= cmu:
        raise QueueingParameterError(
            f"priority M/M/c queue is unstable: sum(arrival_rates)={total!r} >= "
            f"servers*service_rate={cmu!r} (arrival_rates={arrival_rates!r})"
        )
    w0 = _erlang_c(c, total / mu) / cmu
    waits = []
    sigma_prev = 0.0
    for lam in lams:
        sigma = sigma_prev + float(lam) / cmu
        waits.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return waits


def priority_mg1_mean_waits(
    arrival_rates: Sequence[float],
    mean_service: float | Sequence[float],
    second_moment_service: float | Sequence[float],
) -> list[float]:
    """Mean queue waits per class in the non-preemptive priority M/G/1 queue (Cobham 1954).

    One server, K Poisson classes in priority order (index 0 first), FIFO within a
    class, no preemption. ``mean_service`` E[S_i] and ``second_moment_service`` E[S_i²]
    are either one value for all classes or one per class (time and time² units). With
    ``ρ_i = λ_i E[S_i]``, ``σ_k = Σ_{i≤k} ρ_i`` and the mean residual work
    ``W0 = Σ_i λ_i E[S_i²] / 2``::

        W_k = W0 / ((1 − σ_{k−1})·(1 − σ_k))

    (Kleinrock Vol. II ch. 3; Gross & Harris ch. 3). Requires ``σ_K < 1`` and
    ``E[S²] ≥ E[S]²``. Exponential service (E[S²] = 2/μ²) gives
    :func:`priority_mmc_mean_waits` with one server.
    """
    lams = _rate_vector("arrival_rates", arrival_rates)
    k = lams.size

    def per_class(name: str, value: object) -> np.ndarray:
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return np.full(k, _positive(name, value))
        vec = _rate_vector(name, value, positive=True)
        if vec.size != k:
            raise QueueingParameterError(
                f"{name} must be one number or one per class ({k}), got {value!r}"
            )
        return vec

    means = per_class("mean_service", mean_service)
    seconds = per_class("second_moment_service", second_moment_service)
    for i in range(k):
        if seconds[i] < means[i] ** 2 * (1.0 - 1e-12):
            raise QueueingParameterError(
                f"second_moment_service must be >= mean_service**2 (variance >= 0), got "
                f"second_moment_service={second_moment_service!r} with "
                f"mean_service={mean_service!r} (class {i})"
            )
    rhos = lams * means
    total = float(rhos.sum())
    if total >= 1.0:
        raise QueueingParameterError(
            f"priority M/G/1 queue is unstable: total load {total!r} >= 1 "
            f"(arrival_rates={arrival_rates!r}, mean_service={mean_service!r})"
        )
    w0 = float(np.dot(lams, seconds)) / 2.0
    waits = []
    sigma_prev = 0.0
    for rho in rhos:
        sigma = sigma_prev + float(rho)
        waits.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return waits


# ---------------------------------------------------------------------------------------
# general service / approximations


def mg1_mean_wait(arrival_rate: float, mean_service: float, scv: float) -> float:
    """Pollaczek–Khinchine mean queue wait of the M/G/1 FIFO queue.

    ``Wq = ρ·E[S]·(1 + c_s²) / (2(1 − ρ))`` with ``ρ = λ·E[S] < 1`` and ``c_s² = scv`` the
    squared coefficient of variation of the service time, Var[S]/E[S]² (exponential:
    1, deterministic: 0). Exact for Poisson arrivals and any service distribution
    (Kleinrock Vol. I ch. 5; Gross & Harris ch. 5).
    """
    lam = _non_negative("arrival_rate", arrival_rate)
    es = _positive("mean_service", mean_service)
    cs2 = _non_negative("scv", scv)
    rho = lam * es
    if rho >= 1.0:
        raise QueueingParameterError(
            f"M/G/1 queue is unstable: arrival_rate*mean_service={rho!r} >= 1 "
            f"(arrival_rate={arrival_rate!r}, mean_service={mean_service!r})"
        )
    return rho * es * (1.0 + cs2) / (2.0 * (1.0 - rho))


def allen_cunneen_mean_wait(
    arrival_rate: float,
    mean_service: float,
    servers: int,
    scv_arrival: float,
    scv_service: float,
) -> float:
    """Allen–Cunneen **approximation** of the mean queue wait in the G/G/c queue.

    ``Wq ≈ (c_a² + c_s²)/2 · Wq(M/M/c)`` where ``Wq(M/M/c) = C(c, a)/(cμ − λ)``,
    ``μ = 1/mean_service``, and c_a², c_s² are the squared coefficients of variation of
    the inter-arrival and service times (Allen 1990). It is exact for M/M/c
    (c_a² = c_s² = 1) and for M/G/1 (reduces to Pollaczek–Khinchine), and usually
    within ~10 % otherwise at moderate to high load; it is *not* an exact result.
    Requires λ·mean_service < c.
    """
    es = _positive("mean_service", mean_service)
    lam, mu, c = _mmc_stable(arrival_rate, 1.0 / es, servers)
    ca2 = _non_negative("scv_arrival", scv_arrival)
    cs2 = _non_negative("scv_service", scv_service)
    return (ca2 + cs2) / 2.0 * _erlang_c(c, lam / mu) / (c * mu - lam)


# ---------------------------------------------------------------------------------------
# Jackson networks


@dataclass(frozen=True)
class JacksonResult:
    """Steady state of an open Jackson network; see :func:`jackson_network`.

    Per-node tuples are in node order. Waits and sojourns are *per visit*.
    """

    #: Total arrival rate λ_i into each node (solution of the traffic equations).
    arrival_rates: tuple[float, ...]
    #: ρ_i = λ_i/(c_i μ_i).
    utilization: tuple[float, ...]
    #: Mean wait in queue per visit, Wq_i (M/M/c_i formula).
    mean_wait: tuple[float, ...]
    #: Mean time per visit, W_i = Wq_i + 1/μ_i.
    mean_sojourn: tuple[float, ...]
    #: Mean number waiting at each node, Lq_i = λ_i·Wq_i.
    mean_queue_length: tuple[float, ...]
    #: Mean number at each node, waiting or in service, L_i = λ_i·W_i.
    mean_number_in_system: tuple[float, ...]
    #: Network throughput Σγ_i (external arrivals = departures in steady state).
    throughput: float
    #: Σ L_i.
    mean_number_in_network: float
    #: Mean time from entering to leaving the network, Σ L_i / Σγ_i (Little);
    #: NaN when there are no external arrivals.
    mean_time_in_network: float


def jackson_network(
    external_rates: Sequence[float],
    routing: Sequence[Sequence[float]] | np.ndarray,
    service_rates: Sequence[float],
    servers: Sequence[int] | int,
) -> JacksonResult:
    """Open Jackson network of M/M/c_i nodes (Jackson 1957; Gross & Harris ch. 4).

    Node i receives Poisson external arrivals at rate γ_i = ``external_rates[i]``, has
    ``servers[i]`` exponential servers of rate μ_i = ``service_rates[i]`` and unlimited
    FIFO queue; a customer finishing at node i goes to node j with probability
    ``routing[i][j]`` and leaves with probability ``1 − Σ_j routing[i][j]``. The traffic
    equations ``λ = γ + Pᵀλ`` (λ_j = γ_j + Σ_i λ_i P_ij) are solved with numpy; by
    Jackson's theorem every node then behaves as an independent M/M/c_i queue with
    arrival rate λ_i. ``servers`` may be one integer for all nodes.

    Raises :class:`QueueingParameterError` if the routing matrix is not sub-stochastic,
    if customers can circulate forever (spectral radius of P >= 1), or if any node is
    unstable (λ_i >= c_i μ_i); the message lists the offending nodes.
    """
    gamma = _rate_vector("external_rates", external_rates)
    m = gamma.size
    mus = _rate_vector("service_rates", service_rates, positive=True)
    if mus.size != m:
        raise QueueingParameterError(
            f"service_rates must have one entry per node ({m}), got {service_rates!r}"
        )
    if isinstance(servers, numbers.Real) and not isinstance(servers, bool):
        cs = [_integer("servers", servers)] * m
    else:
        if isinstance(servers, (str, bytes)) or not isinstance(servers, (Sequence, np.ndarray)):
            raise QueueingParameterError(
                f"servers must be an integer or a sequence of integers, got {servers!r}"
            )
        cs = [_integer(f"servers[{i}]", s) for i, s in enumerate(servers)]
        if len(cs) != m:
            raise QueueingParameterError(
                f"servers must have one entry per node ({m}), got {servers!r}"
            )
    try:
        p = np.array(routing, dtype=float)
    except (TypeError, ValueError):
        raise QueueingParameterError(
            f"routing must be a {m}x{m} matrix of probabilities, got {routing!r}"
        ) from None
    if p.shape != (m, m):
        raise QueueingParameterError(
            f"routing must be a {m}x{m} matrix of probabilities, got shape {p.shape}: {routing!r}"
        )
    if not np.all(np.isfinite(p)) or np.any(p < 0.0) or np.any(p > 1.0):
        raise QueueingParameterError(
            f"routing entries must be probabilities in [0, 1], got {routing!r}"
        )
    row_sums = p.sum(axis=1)
    bad_rows = [i for i in range(m) if row_sums[i] > 1.0 + 1e-12]
    if bad_rows:
        raise QueueingParameterError(
            f"routing rows must sum to <= 1 (the rest leaves the network); rows {bad_rows} "
            f"sum to {[float(row_sums[i]) for i in bad_rows]} in {routing!r}"
        )
    spectral_radius = float(np.max(np.abs(np.linalg.eigvals(p)))) if m else 0.0
    if spectral_radius >= 1.0 - 1e-12:
        raise QueueingParameterError(
            f"routing {routing!r} lets customers circulate forever (spectral radius "
            f"{spectral_radius:.6g} >= 1): every node must have a route out of the network"
        )
    lams = np.linalg.solve(np.eye(m) - p.T, gamma)
    lams = np.maximum(lams, 0.0)  # clear rounding noise around exact zeros

    unstable = [
        f"node {i}: arrival rate {float(lams[i]):.6g} >= "
        f"servers*service_rate {cs[i] * float(mus[i]):.6g}"
        for i in range(m)
        if lams[i] >= cs[i] * mus[i]
    ]
    if unstable:
        raise QueueingParameterError(
            "Jackson network is unstable: " + "; ".join(unstable)
            + f" (external_rates={external_rates!r}, service_rates={service_rates!r}, "
            f"servers={servers!r})"
        )
    rho, wq, w, lq, l_sys = [], [], [], [], []
    for i in range(m):
        lam, mu, c = float(lams[i]), float(mus[i]), cs[i]
        wait = _erlang_c(c, lam / mu) / (c * mu - lam)
        rho.append(lam / (c * mu))
        wq.append(wait)
        w.append(wait + 1.0 / mu)
        lq.append(lam * wait)
        l_sys.append(lam * (wait + 1.0 / mu))
    throughput = float(gamma.sum())
    total_l = math.fsum(l_sys)
    return JacksonResult(
        arrival_rates=tuple(float(x) for x in lams),
        utilization=tuple(rho),
        mean_wait=tuple(wq),
        mean_sojourn=tuple(w),
        mean_queue_length=tuple(lq),
        mean_number_in_system=tuple(l_sys),
        throughput=throughput,
        mean_number_in_network=total_l,
        mean_time_in_network=total_l / throughput if throughput > 0.0 else math.nan,
    )


# ---------------------------------------------------------------------------------------
# counts


def poisson_count_interval(mean: float, confidence: float = 0.99) -> tuple[int, int]:
    """Two-sided interval ``(lo, hi)`` for a Poisson count with the given mean.

    ``lo`` is the (1−confidence)/2 quantile and ``hi`` the (1+confidence)/2 quantile of
    the Poisson(mean) distribution (``scipy.stats.poisson.ppf``, i.e. the smallest k with
    CDF(k) ≥ q), so ``P(lo ≤ N ≤ hi) ≥ confidence`` and each tail outside has probability
    at most (1−confidence)/2. Used to check simulated arrival counts: over a period of
    length T with Poisson arrivals at rate λ, ``mean = λ·T``. ``mean`` >= 0,
    ``0 < confidence < 1``.
    """
    mu = _non_negative("mean", mean)
    conf = _probability_open("confidence", confidence)
    if mu == 0.0:
        return (0, 0)
    from scipy.stats import poisson  # imported lazily: scipy.stats is slow to import

    alpha = 1.0 - conf
    lo = int(poisson.ppf(alpha / 2.0, mu))
    hi = int(poisson.ppf(1.0 - alpha / 2.0, mu))
    return (lo, hi)
