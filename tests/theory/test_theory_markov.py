"""Markovian queues against their exact steady-state theory.

M/M/c (Erlang C: mean wait and 90 % wait quantile), utilisation, M/M/c/K (blocking and the
admitted customers' wait), balking as a waiting-room limit, Erlang B, Erlang-A (abandonment)
and the two-class non-preemptive priority M/M/c (Cobham). Every check follows the method of
:mod:`theory_testkit`: R = 30 replications, the 95 % half-width at most 3 % of the theory,
the theory inside the 99 % Student-t interval, and the same system with one server fewer
outside it.

Time unit: hours, mean service time 1 h (μ = 1), so rates are also loads in Erlangs.
Run lengths come from :func:`theory_testkit.sized_window` and the per-replication relative
standard deviation measured in a pilot run with a 5000 h window (``PILOT_*`` constants,
rounded up).
"""

from __future__ import annotations

import pytest
from theory_testkit import (
    assert_matches_theory,
    kpi,
    run_records,
    scenario_doc,
    sized_window,
)

from stratsim.analysis.queueing import (
    erlang_a,
    erlang_a_service_level,
    erlang_b,
    mmc_mean_queue_length,
    mmc_mean_wait,
    mmc_wait_cdf,
    mmc_wait_quantile,
    mmck_blocking,
    mmck_mean_wait,
    priority_mmc_mean_waits,
    system_capacity,
    utilization,
)
from stratsim.engine.histogram import RELATIVE_ERROR

pytestmark = pytest.mark.theory

R = 30
PILOT_WINDOW_H = 5000.0
EXPONENTIAL_1H = {"dist": "exponential", "mean": 1.0}
MINUTES = 60.0


# ---------------------------------------------------------------------------------------
# M/M/c (Erlang C)

MMC_SERVERS = 4
MMC_RATE = 2.8  # ρ = 0.7; with one server fewer ρ = 0.93, still stable, so the wrong model is finite
MMC_PILOT_REL_STD = 0.11  # of the mean wait; the p90 varies less (0.095)
MMC_WINDOW_H = sized_window(MMC_PILOT_REL_STD, PILOT_WINDOW_H, R)  # 21 100 h
MMC_SLA_WAIT_H = 0.5  # only read by the KPIs: it does not change the dynamics or the draws


def _mmc_records():
    doc = scenario_doc(
        staff=MMC_SERVERS, service_time=EXPONENTIAL_1H, rate=MMC_RATE,
        window_h=MMC_WINDOW_H, warmup_h=200.0, name="mmc",
        service={"sla": {"wait": MMC_SLA_WAIT_H}},
    )
    return run_records(doc, R, seed=101)


def test_mmc_mean_wait_is_erlang_c():
    """M/M/4, λ = 2.8/h, μ = 1/h: the mean wait equals ``C(c, a)/(cμ − λ)``.

    Theory: Erlang C(4, 2.8) = 0.4287, Wq = 0.3572 h = 21.43 min (over all customers, zero
    waits included, as the KPI). Wrong model, M/M/3: 4.383 h. Each replication measures a
    21 100 h window after a 200 h warm-up (tens of relaxation times of this queue), about
    59 000 customers; 30 replications ≈ 1.8 M customers. The p90, ``queue_mean`` and SLA
    tests below share this run (cached when they run in the same process).
    """
    records = _mmc_records()
    assert_matches_theory(
        kpi(records, "services.desk.wait_mean_min"),
        mmc_mean_wait(MMC_RATE, 1.0, MMC_SERVERS) * MINUTES,
        mmc_mean_wait(MMC_RATE, 1.0, MMC_SERVERS - 1) * MINUTES,
        label="M/M/4 mean wait (min)",
    )


def test_mmc_wait_p90_is_erlang_c_quantile():
    """M/M/4 as above: the 90 % wait quantile equals ``ln(C/0.1)/(cμ − λ)``.

    ``P(W > t) = C·exp(−(cμ − λ)t)``, so t90 = ln(0.4287/0.1)/1.2 h = 1.2129 h = 72.77 min
    (M/M/3: 651 min). The engine reads quantiles from a log-spaced histogram by geometric
    interpolation inside a bin, which may be off by at most the bin ratio minus one,
    ``RELATIVE_ERROR`` ≈ 2.3 %, whatever the run length — a systematic, not random, error. The
    acceptance interval is therefore widened by ``RELATIVE_ERROR × theory`` on each side (and
    so is the wrong-model check, which still fails by a factor of nine).
    """
    records = _mmc_records()
    theory = mmc_wait_quantile(0.9, MMC_RATE, 1.0, MMC_SERVERS) * MINUTES
    assert_matches_theory(
        kpi(records, "services.desk.wait_p90_min"),
        theory,
        mmc_wait_quantile(0.9, MMC_RATE, 1.0, MMC_SERVERS - 1) * MINUTES,
        label="M/M/4 wait p90 (min)",
        widen=RELATIVE_ERROR * theory,
    )


def test_mmc_queue_mean_is_erlang_c_queue_length():
    """M/M/4 as above: ``queue_mean`` (time-average number waiting) = Lq = C·ρ/(1 − ρ) = 1.000.

    A time average of the station's state, measured independently of the per-customer waits
    (compare Little's law in ``test_theory_general.py``). Wrong model, M/M/3: 12.27.
    """
    assert_matches_theory(
        kpi(_mmc_records(), "services.desk.queue_mean"),
        mmc_mean_queue_length(MMC_RATE, 1.0, MMC_SERVERS),
        mmc_mean_queue_length(MMC_RATE, 1.0, MMC_SERVERS - 1),
        label="M/M/4 queue_mean",
    )


def test_mmc_sla_attainment_is_the_wait_distribution():
    """M/M/4 as above with an SLA wait of 30 min: ``sla_attainment`` = P(W ≤ 0.5 h) = 0.7647.

    ``P(W ≤ t) = 1 − C·exp(−(cμ − λ)t)`` = 1 − 0.4287·e^(−0.6). The engine judges every
    customer who started service (those served at once meet the SLA with a zero wait) plus
    those who reneged (none here), so the KPI is the unconditional waiting-time distribution
    at t. Wrong model, M/M/3: 0.2067.
    """
    assert_matches_theory(
        kpi(_mmc_records(), "services.desk.sla_attainment"),
        mmc_wait_cdf(MMC_SLA_WAIT_H, MMC_RATE, 1.0, MMC_SERVERS),
        mmc_wait_cdf(MMC_SLA_WAIT_H, MMC_RATE, 1.0, MMC_SERVERS - 1),
        label="M/M/4 SLA attainment (30 min)",
    )


@pytest.mark.parametrize(
    "service_time",
    [EXPONENTIAL_1H, {"dist": "gamma", "mean": 1.0, "cv": 0.5}],
    ids=["exponential", "gamma-cv0.5"],
)
def test_utilization_is_lambda_over_c_mu(service_time):
    """``utilization`` (busy / staffed server-time) equals ρ = λ/(cμ) = 2.8/4 = 0.7.

    Holds for any service distribution when nothing is lost (a server is busy λ·E[S] server-
    hours per hour), so it is checked with exponential and with gamma (cv 0.5) service.
    Wrong model: three servers, ρ = 0.933. The busy time in a window T is essentially the
    work brought in, a compound Poisson sum with variance λT·E[S²], so the relative std per
    replication is ``√(E[S²]/E[S]² / (λT))`` — 1.2 % at 5000 h for exponential service
    (confirmed by simulation: 3.8 %, 1.7 %, 0.9 % at 500, 2000, 8000 h), less for gamma
    cv 0.5. A window of a few hundred hours suffices: 400 h after a 100 h warm-up, ~1 100
    customers per replication.
    """
    doc = scenario_doc(
        staff=MMC_SERVERS, service_time=service_time, rate=MMC_RATE,
        window_h=max(400.0, sized_window(0.012, PILOT_WINDOW_H, R)), warmup_h=100.0,
        name="utilisation",
    )
    records = run_records(doc, R, seed=102)
    window = doc["horizon"] - doc["warmup"]
    # staffed time: a constant staff is on duty all the window (no roster, nobody overruns)
    assert kpi(records, "services.desk.staffed_hours") == pytest.approx([MMC_SERVERS * window] * R)
    assert_matches_theory(
        kpi(records, "services.desk.utilization"),
        utilization(MMC_RATE, 1.0, MMC_SERVERS),
        utilization(MMC_RATE, 1.0, MMC_SERVERS - 1),
        label="M/G/4 utilisation",
    )


# ---------------------------------------------------------------------------------------
# M/M/c/K and balking

MMCK_SERVERS = 3
MMCK_QUEUE = 3  # waiting places: K = c + q = 6
MMCK_RATE = 2.4  # offered ρ = 0.8
# blocking share (pilots 0.046 and, for the balked share, 0.058; the admitted wait: 0.025)
MMCK_PILOT_REL_STD = 0.058
MMCK_WINDOW_H = sized_window(MMCK_PILOT_REL_STD, PILOT_WINDOW_H, R)  # 5 900 h


def _mmck_theory(servers: int) -> tuple[float, float]:
    """(blocking probability, mean wait of admitted customers in minutes), same waiting room."""
    k = system_capacity(servers, MMCK_QUEUE)
    return (
        mmck_blocking(MMCK_RATE, 1.0, servers, k),
        mmck_mean_wait(MMCK_RATE, 1.0, servers, k) * MINUTES,
    )


def _mmck_records():
    doc = scenario_doc(
        staff=MMCK_SERVERS, service_time=EXPONENTIAL_1H, rate=MMCK_RATE,
        window_h=MMCK_WINDOW_H, warmup_h=50.0,
        service={"queue_capacity": MMCK_QUEUE}, name="mmck",
    )
    return run_records(doc, R, seed=103)


def test_mmck_blocking_share():
    """M/M/3/6 (3 servers, ``queue_capacity: 3``), λ = 2.4: blocked share = p_K.

    Theory 0.09018 (PASTA: arrivals see the time-stationary state). Wrong model: two servers
    with the same three waiting places (M/M/2/5), 0.2639. 5 900 h windows, ~14 000 customers
    per replication.
    """
    right, _ = _mmck_theory(MMCK_SERVERS)
    wrong, _ = _mmck_theory(MMCK_SERVERS - 1)
    assert_matches_theory(
        kpi(_mmck_records(), "services.desk.blocked_share"), right, wrong,
        label="M/M/3/6 blocked share",
    )


def test_mmck_mean_wait_of_admitted():
    """M/M/3/6 as above: mean wait of admitted customers = Lq / (λ(1 − p_K)) = 17.50 min.

    Blocked customers never start service, so the KPI (over customers who started service)
    is the admitted customers' mean wait. Wrong model M/M/2/5: 48.04 min.
    """
    _, right = _mmck_theory(MMCK_SERVERS)
    _, wrong = _mmck_theory(MMCK_SERVERS - 1)
    assert_matches_theory(
        kpi(_mmck_records(), "services.desk.wait_mean_min"), right, wrong,
        label="M/M/3/6 admitted mean wait (min)",
    )


def test_balking_at_queue_length_is_a_finite_waiting_room():
    """``balk_at: 3`` with an unlimited waiting room behaves exactly as ``queue_capacity: 3``.

    A customer balks when the number waiting is at least ``balk_at`` (``docs/model.md``,
    "Stations"), so with ``balk_at = q`` the state space is that of M/M/c/(c+q): the balked
    share is the M/M/3/6 blocking probability 0.09018 and nobody is blocked. Wrong model: two
    servers, 0.2639. Same run length as the M/M/c/K test.
    """
    doc = scenario_doc(
        staff=MMCK_SERVERS, service_time=EXPONENTIAL_1H, rate=MMCK_RATE,
        window_h=MMCK_WINDOW_H, warmup_h=50.0,
        segment={"balk_at": MMCK_QUEUE}, name="balking",
    )
    records = run_records(doc, R, seed=104)
    assert sum(kpi(records, "services.desk.blocked")) == 0
    right, _ = _mmck_theory(MMCK_SERVERS)
    wrong, _ = _mmck_theory(MMCK_SERVERS - 1)
    assert_matches_theory(
        kpi(records, "services.desk.balked_share"), right, wrong,
        label="balk_at=3 balked share",
    )


# ---------------------------------------------------------------------------------------
# Erlang B

ERLANG_B_SERVERS = 5
ERLANG_B_LOAD = 4.0  # Erlangs: λ = 4/h, μ = 1/h
ERLANG_B_PILOT_REL_STD = 0.022  # pilots: 0.017 and 0.021


def test_erlang_b_blocking_share():
    """M/M/5/5 (``queue_capacity: 0``), a = 4 Erlangs: blocked share = B(5, 4) = 0.1991.

    Wrong model: four servers, B(4, 4) = 0.3107. The loss system forgets its start within a
    few service times (warm-up 20 h); pilot relative std 2.2 % at 5000 h gives 900 h windows,
    ~3 600 customers per replication.
    """
    doc = scenario_doc(
        staff=ERLANG_B_SERVERS, service_time=EXPONENTIAL_1H, rate=ERLANG_B_LOAD,
        window_h=sized_window(ERLANG_B_PILOT_REL_STD, PILOT_WINDOW_H, R), warmup_h=20.0,
        service={"queue_capacity": 0}, name="erlang-b",
    )
    records = run_records(doc, R, seed=105)
    assert_matches_theory(
        kpi(records, "services.desk.blocked_share"),
        erlang_b(ERLANG_B_SERVERS, ERLANG_B_LOAD),
        erlang_b(ERLANG_B_SERVERS - 1, ERLANG_B_LOAD),
        label="Erlang B(5, 4) blocked share",
    )


def test_erlang_b_is_insensitive_to_the_service_distribution():
    """M/G/5/5 with lognormal service (mean 1 h, cv 1.5): still B(5, 4) = 0.1991.

    Erlang's loss formula depends on the service distribution only through its mean
    (insensitivity, Sevastyanov 1957), a property of the loss system that a simulator
    sampling service times wrongly (wrong mean, or mean confused with median) would break.
    The heavier tail makes blocking episodes longer, so the pilot spread is larger (2.3 %):
    1 000 h windows, warm-up 50 h. Wrong model: four servers, 0.3107.
    """
    doc = scenario_doc(
        staff=ERLANG_B_SERVERS, service_time={"dist": "lognormal", "mean": 1.0, "cv": 1.5},
        rate=ERLANG_B_LOAD, window_h=sized_window(0.023, PILOT_WINDOW_H, R), warmup_h=50.0,
        service={"queue_capacity": 0}, name="erlang-b-lognormal",
    )
    records = run_records(doc, R, seed=106)
    assert_matches_theory(
        kpi(records, "services.desk.blocked_share"),
        erlang_b(ERLANG_B_SERVERS, ERLANG_B_LOAD),
        erlang_b(ERLANG_B_SERVERS - 1, ERLANG_B_LOAD),
        label="M/G/5/5 (lognormal) blocked share",
    )


# ---------------------------------------------------------------------------------------
# Erlang-A (M/M/c+M)

EA_SERVERS = 3
EA_RATE = 3.0  # offered ρ = 1: abandonment is what keeps the queue stable (a call-centre regime)
EA_PATIENCE_H = 2.0  # exponential, θ = 0.5/h
EA_PILOT_REL_STD = 0.036  # both the reneged share and the served wait (pilots: 0.025-0.036)
EA_SLA_WAIT_H = 0.5  # only read by the KPIs: it does not change the dynamics or the draws


def _erlang_a_records():
    doc = scenario_doc(
        staff=EA_SERVERS, service_time=EXPONENTIAL_1H, rate=EA_RATE,
        window_h=sized_window(EA_PILOT_REL_STD, PILOT_WINDOW_H, R), warmup_h=50.0,
        segment={"patience": {"dist": "exponential", "mean": EA_PATIENCE_H}}, name="erlang-a",
        service={"sla": {"wait": EA_SLA_WAIT_H}},
    )
    return run_records(doc, R, seed=107)


def test_erlang_a_abandonment_share():
    """M/M/3+M, λ = 3/h, μ = 1/h, mean patience 2 h: reneged share = P(abandon) = 0.1873.

    Exact birth–death solution (Garnett, Mandelbaum & Reiman 2002): abandonment flow
    θ·E[Lq]/λ. Wrong model: two servers, 0.3846. 2 300 h windows, ~6 900 customers each.
    """
    records = _erlang_a_records()
    assert_matches_theory(
        kpi(records, "services.desk.reneged_share"),
        erlang_a(EA_RATE, 1.0, EA_SERVERS, 1.0 / EA_PATIENCE_H).abandon_probability,
        erlang_a(EA_RATE, 1.0, EA_SERVERS - 1, 1.0 / EA_PATIENCE_H).abandon_probability,
        label="Erlang-A reneged share",
    )


def test_erlang_a_mean_wait_of_served():
    """M/M/3+M as above: mean wait of the customers who started service = 20.70 min.

    The KPI averages over customers who started service, which is ``mean_wait_served`` (the
    wait conditioned on not abandoning, Mandelbaum & Zeltyn 2007) — not the mean time in queue
    of all arrivals (``mean_wait``, 22.47 min, which includes the abandoners' time).
    Wrong model: two servers, 47.76 min.
    """
    records = _erlang_a_records()
    assert_matches_theory(
        kpi(records, "services.desk.wait_mean_min"),
        erlang_a(EA_RATE, 1.0, EA_SERVERS, 1.0 / EA_PATIENCE_H).mean_wait_served * MINUTES,
        erlang_a(EA_RATE, 1.0, EA_SERVERS - 1, 1.0 / EA_PATIENCE_H).mean_wait_served * MINUTES,
        label="Erlang-A served mean wait (min)",
    )


def test_erlang_a_sla_attainment_is_the_service_level():
    """M/M/3+M as above, SLA wait 30 min: ``sla_attainment`` = P(start within 30 min) = 0.5892.

    The KPI counts abandoners as misses, which is :func:`erlang_a_service_level` (each
    waiting stage ends in a move up or the customer's own abandonment; the stage times are
    summed by uniformisation). Wrong model: two servers, 0.2708. Same run as the two tests
    above (the SLA changes no draw).
    """
    records = _erlang_a_records()
    assert_matches_theory(
        kpi(records, "services.desk.sla_attainment"),
        erlang_a_service_level(EA_SLA_WAIT_H, EA_RATE, 1.0, EA_SERVERS, 1.0 / EA_PATIENCE_H),
        erlang_a_service_level(EA_SLA_WAIT_H, EA_RATE, 1.0, EA_SERVERS - 1, 1.0 / EA_PATIENCE_H),
        label="Erlang-A SLA attainment",
    )


# ---------------------------------------------------------------------------------------
# non-preemptive priority M/M/c

PRIO_SERVERS = 4
PRIO_RATE = 2.8  # ρ = 0.7
PRIO_SHARES = {"hi": 0.4, "lo": 0.6}
PRIO_PILOT_REL_STD = 0.11  # of the low-priority wait (the high-priority one: 0.065)


def test_priority_mmc_mean_waits_per_tier():
    """Two tiers, non-preemptive priority M/M/4 (Cobham 1954): per-tier mean waits.

    One segment (λ = 2.8/h) splits 40 % ``hi`` (priority 0) / 60 % ``lo`` (priority 1), so
    λ_hi = 1.12, λ_lo = 1.68, and ``W_k = [C(c,a)/(cμ)] / ((1 − σ_{k−1})(1 − σ_k))`` gives
    hi 8.930 min, lo 29.77 min (their λ-weighted mean is the FIFO 21.43 min: conservation).
    Each tier is checked against two wrong models: the same priority queue with three servers
    (hi 27.98 min, lo 419.7 min) and plain FIFO (21.43 min for both), which is what an engine
    ignoring tiers would produce. 21 100 h windows, ~59 000 customers per replication.

    Seed note: the first seed tried (108) put the ``hi`` mean 2.98 standard errors below
    theory (8.796 vs 8.930 min; a 1-in-170 event for a correct engine, inside the 1 % false
    alarms the method accepts). Before calling it a bug it was re-run six times larger with
    other seeds — 40 × 100 000 h: hi 8.944 ± 0.037 (+0.77 SE), lo 29.80 ± 0.22 (+0.32 SE);
    30 × 60 000 h: hi +0.30 SE, lo −1.75 SE — which shows no bias at the 0.5 % level, so the
    deviation was chance and the test uses the next seed (109).
    """
    doc = scenario_doc(
        staff=PRIO_SERVERS, service_time=EXPONENTIAL_1H, rate=PRIO_RATE,
        window_h=sized_window(PRIO_PILOT_REL_STD, PILOT_WINDOW_H, R), warmup_h=200.0,
        service={"tiers": [{"id": "hi", "priority": 0}, {"id": "lo", "priority": 1}]},
        segment={"tiers": PRIO_SHARES}, name="priority",
    )
    records = run_records(doc, R, seed=109)
    rates = [PRIO_RATE * PRIO_SHARES["hi"], PRIO_RATE * PRIO_SHARES["lo"]]
    right = priority_mmc_mean_waits(rates, 1.0, PRIO_SERVERS)
    fewer = priority_mmc_mean_waits(rates, 1.0, PRIO_SERVERS - 1)
    fifo = mmc_mean_wait(PRIO_RATE, 1.0, PRIO_SERVERS)
    for k, tier in enumerate(("hi", "lo")):
        assert_matches_theory(
            kpi(records, f"services.desk.tiers.{tier}.wait_mean_min"),
            right[k] * MINUTES,
            [fewer[k] * MINUTES, fifo * MINUTES],
            label=f"priority M/M/4 tier {tier} mean wait (min)",
        )
