"""Complaints against Erlang C: the share of customers who complain in an M/M/c queue.

A customer served after waiting W with tolerance τ (the SLA wait) scores 5 when W ≤ τ, else
5 − min(a·(W − τ), 3) with a = 1.5 / τ points per hour (``economics.satisfaction``), and
complains with probability p_worst·(5 − score)/4 (``economics.relationship``). In the M/M/c
queue, P(W > t) = C·e^{−θt} with C the Erlang C probability of waiting and θ = cμ − λ, and given
W > τ the excess W − τ is exponential with rate θ (memoryless). Hence the expected complaint
probability of a customer is

    p̄ = p_worst/4 · C·e^{−θτ} · E[min(a·X, 3)],   X ~ Exp(θ),
    E[min(a·X, 3)] = ∫₀³ e^{−θy/a} dy = (a/θ)·(1 − e^{−3θ/a}),

and the complaints of a cohort are its arrivals × p̄. Every customer is scored (unlimited
waiting room, no patience, the drain serves everyone), so the per-replication value
complaints / arrivals estimates p̄. Method of :mod:`theory_testkit` (R = 30, precision 3 %,
theory inside the 99 % interval, the same system with one server fewer outside it). The pilot
(5000 h window, seed 1) gave a relative standard deviation of 0.055 per replication, rounded up
to 0.06 for sizing.
"""

from __future__ import annotations

import math

import pytest
from theory_testkit import assert_matches_theory, run_records, scenario_doc, sized_window

from stratsim.analysis.queueing import erlang_c

pytestmark = pytest.mark.theory

R = 30
SERVERS = 4
RATE = 2.8            # μ = 1 per hour: ρ = 0.7; with one server fewer ρ = 0.93, still stable
TOLERANCE_H = 0.25    # the SLA wait, the satisfaction score's tolerance
WORST = 1.0           # complaint probability at the worst score: every unserved customer would complain
PILOT_REL_STD = 0.06
WINDOW_H = sized_window(PILOT_REL_STD, 5000.0, R)


def mean_complaint_probability(servers: int, rate: float, service_rate: float, tolerance_h: float,
                               worst: float) -> float:
    """p̄ of the module docstring: the expected complaint probability of an M/M/c customer."""
    theta = servers * service_rate - rate
    a = 1.5 / tolerance_h
    late = erlang_c(servers, rate / service_rate) * math.exp(-theta * tolerance_h)
    return worst / 4.0 * late * (a / theta) * (1.0 - math.exp(-3.0 * theta / a))


def test_the_complaints_of_an_mmc_queue_are_arrivals_times_the_mean_complaint_probability() -> None:
    doc = scenario_doc(staff=SERVERS, service_time={"dist": "exponential", "mean": 1.0}, rate=RATE,
                       window_h=WINDOW_H, warmup_h=200.0, service={"sla": {"wait": TOLERANCE_H}},
                       segment={"complaints": {"probability": WORST}})
    records = run_records(doc, R, seed=1)
    shares = [r["kpis"]["complaints"] / r["kpis"]["arrivals"] for r in records]
    assert_matches_theory(
        shares, mean_complaint_probability(SERVERS, RATE, 1.0, TOLERANCE_H, WORST),
        mean_complaint_probability(SERVERS - 1, RATE, 1.0, TOLERANCE_H, WORST),
        label="complaint share, M/M/4",
    )
