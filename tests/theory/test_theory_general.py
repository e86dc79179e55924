"""Non-exponential service: Little's law on M/G/c and Pollaczek–Khinchine on M/G/1.

Exponential service is the easy case for a simulator (memoryless work hides many mistakes
in how work is sampled or carried). These checks use lognormal service with cv 1.5 (squared
cv 2.25, a long right tail) and follow the method of :mod:`theory_testkit`.
"""

from __future__ import annotations

import pytest
from theory_testkit import assert_matches_theory, kpi, run_records, scenario_doc, sized_window

from stratsim.analysis.queueing import mg1_mean_wait

pytestmark = pytest.mark.theory

R = 30
PILOT_WINDOW_H = 5000.0
LOGNORMAL_CV15 = {"dist": "lognormal", "mean": 1.0, "cv": 1.5}
MINUTES = 60.0


def test_littles_law_on_mgc_queue():
    """Little's law ``Lq = λ·Wq`` per replication, M/G/3 with lognormal service (cv 1.5).

    λ = 2.1/h, E[S] = 1 h, ρ = 0.7. Little's law holds for any stationary queue, so it ties
    three KPIs the engine measures independently: ``queue_mean`` (the time integral of the
    number waiting over the window, divided by its length), ``arrivals`` and ``wait_mean_min``
    (per customer, counted by arrival time). Per replication the relative difference
    ``d = (Lq − λ̂·Wq)/Lq``, with ``λ̂ = arrivals / window hours``, must have mean 0 inside its
    99 % interval and a 95 % half-width at most 0.03 (3 % of Lq). Window edges (customers
    straddling the warm-up end or the horizon) contribute equally on average in steady state,
    so they add noise, not bias.

    Wrong model: ``Lq = λ·(Wq + E[S])``, confusing the time waiting with the time in system —
    its per-replication relative differences must exclude 0 (they are about −1.1). Little's
    law needs no long run: 2 000 h windows, ~4 200 customers per replication.
    """
    window = 2000.0
    doc = scenario_doc(
        staff=3, service_time=LOGNORMAL_CV15, rate=2.1, window_h=window, warmup_h=200.0,
        name="little",
    )
    records = run_records(doc, R, seed=201)
    right, wrong = [], []
    for rec in records:
        desk = rec["services"]["desk"]
        lq = desk["queue_mean"]
        lam = desk["arrivals"] / window
        wq_h = desk["wait_mean_min"] / MINUTES
        right.append((lq - lam * wq_h) / lq)
        wrong.append((lq - lam * (wq_h + 1.0)) / lq)
    assert_matches_theory(
        right, 0.0, label="Little's law (Lq - λWq)/Lq, M/G/3", scale=1.0, wrong_values=wrong,
    )


MG1_RATE = 0.6  # ρ = 0.6
MG1_SCV = 1.5**2
MG1_PILOT_REL_STD = 0.23


def test_mg1_mean_wait_is_pollaczek_khinchine():
    """M/G/1 with lognormal service (mean 1 h, cv 1.5), λ = 0.6/h: Wq = ρE[S](1 + c²)/(2(1 − ρ)).

    Theory: 0.6 · 1 · 3.25 / 0.8 = 2.4375 h = 146.25 min, an exact result for any service
    distribution, and a check that the lognormal is sampled with the stated mean *and*
    variance (a lognormal parameterised wrongly, e.g. cv taken as σ, would move it).
    One server fewer does not exist here, so the wrong model is the same queue with the
    variability ignored, i.e. exponential service (c² = 1, the M/M/1 answer 90 min) — what an
    engine that sampled every distribution as an exponential of the right mean would give.

    The long service tail makes the mean wait a noisy statistic (pilot: 23 % relative std per
    replication at 5000 h), so this is the most expensive check: 92 200 h windows after a
    500 h warm-up, ~55 000 customers per replication, 1.7 M in total.
    """
    doc = scenario_doc(
        staff=1, service_time=LOGNORMAL_CV15, rate=MG1_RATE,
        window_h=sized_window(MG1_PILOT_REL_STD, PILOT_WINDOW_H, R), warmup_h=500.0,
        name="mg1",
    )
    records = run_records(doc, R, seed=202)
    assert_matches_theory(
        kpi(records, "services.desk.wait_mean_min"),
        mg1_mean_wait(MG1_RATE, 1.0, MG1_SCV) * MINUTES,
        mg1_mean_wait(MG1_RATE, 1.0, 1.0) * MINUTES,
        label="M/G/1 (lognormal cv 1.5) mean wait (min)",
    )
