"""Service dependencies against queueing theory: an open Jackson network and blocking waits.

One run serves all the checks (cached): service ``a`` (2 servers, μ = 1/h, external λ = 1.0/h)
sends an **async** request to ``b`` (2 servers, μ = 1/h, own external λ = 0.4/h) for 60 % of
its customers and a **blocking** one to ``c`` (1 server, μ = 2/h, no external demand) for 40 %.
A request leaves ``a`` when its service ends, so the requests to ``b`` and ``c`` are Bernoulli
thinnings of ``a``'s departures — a Poisson process (Burke) — and the system is the open
Jackson network with routing a→b 0.6, a→c 0.4 (blocking changes no arrival time, only when
``a``'s customers complete). Every node is then an M/M/c queue with the traffic equations'
arrival rate: b receives 0.4 + 0.6 × 1.0 = 1.0/h, c 0.4/h.

Checks (method of :mod:`theory_testkit`: R = 30, 95 % half-width ≤ 3 % of the theory, theory
inside the 99 % interval, a wrong model outside it):

* b's arrival rate = own + share × a's throughput; wrong model: b without a's share;
* the mean waits at a and at b are Erlang C at those rates; wrong model for b: Erlang C
  without a's share (for a: one server fewer);
* a's customers' mean sojourn (arrival to completion) = a's sojourn + 0.4 × c's sojourn;
  wrong model: a's sojourn alone (as if the request did not block).

Run length: the pilot (2000 h window) measured a relative standard deviation of 0.125 for the
mean waits (0.04 for the sojourn, 0.026 for b's arrivals), so :func:`sized_window` gives about
10 400 h: ~10 000 customers at a, 4 000 at b, 10 000 requests per replication, ≈ 0.75 M
arrivals in all (about 20 s). The reordering test runs a short horizon twice.
"""

from __future__ import annotations

import copy
import math

import pytest
from theory_testkit import assert_matches_theory, kpi, run_records, sized_window

from stratsim.analysis.queueing import jackson_network, mmc_mean_wait
from stratsim.runner.simulation import simulate
from stratsim.scenario.models import Scenario

pytestmark = pytest.mark.theory

R = 30
PILOT_WINDOW_H = 2000.0
PILOT_REL_STD = 0.125
WINDOW_H = sized_window(PILOT_REL_STD, PILOT_WINDOW_H, R)
WARMUP_H = 200.0
MINUTES = 60.0
RATE_A, RATE_B = 1.0, 0.4
SHARE_B, SHARE_C = 0.6, 0.4
MU_A, MU_B, MU_C = 1.0, 1.0, 2.0
SERVERS = (2, 2, 1)


def network_doc(window_h: float = WINDOW_H) -> dict:
    total = RATE_A + RATE_B
    return {
        "stratsim": 1, "name": "jackson", "horizon": WARMUP_H + window_h, "warmup": WARMUP_H,
        "services": [
            {"id": "a", "staff": SERVERS[0], "service_time": {"dist": "exponential", "mean": 1 / MU_A},
             "depends_on": [{"service": "b", "share": SHARE_B},
                            {"service": "c", "share": SHARE_C, "mode": "blocking"}]},
            {"id": "b", "staff": SERVERS[1], "service_time": {"dist": "exponential", "mean": 1 / MU_B}},
            {"id": "c", "staff": SERVERS[2], "service_time": {"dist": "exponential", "mean": 1 / MU_C}},
        ],
        "segments": [{"id": "all", "rate": total, "mix": {"a": RATE_A / total, "b": RATE_B / total}}],
    }


def _theory():
    return jackson_network([RATE_A, RATE_B, 0.0], [[0, SHARE_B, SHARE_C], [0, 0, 0], [0, 0, 0]],
                           [MU_A, MU_B, MU_C], list(SERVERS))


def _records():
    return run_records(network_doc(), R, seed=901)


def test_async_requests_add_the_share_of_a_throughput_to_b_arrivals():
    """λ_b = 0.4 + 0.6 × 1.0 = 1.0/h: b's arrivals per replication are λ_b × window."""
    theory = _theory()
    assert theory.arrival_rates[1] == pytest.approx(RATE_B + SHARE_B * RATE_A)
    arrivals = kpi(_records(), "services.b.arrivals")
    assert_matches_theory(arrivals, theory.arrival_rates[1] * WINDOW_H,
                          wrong_theory=RATE_B * WINDOW_H, label="b arrivals")


def test_jackson_waits_at_a_and_b_are_erlang_c():
    """Wq_a = Wq_b = Erlang C(2, 1.0)/(2 − 1) = 1/3 h = 20 min. Wrong: b without a's share,
    Erlang C(2, 0.4) → 1.9 min; a with one server fewer: an M/M/1 at ρ = 1, unstable (its mean
    wait is infinite)."""
    theory = _theory()
    records = _records()
    assert_matches_theory(kpi(records, "services.a.wait_mean_min"), theory.mean_wait[0] * MINUTES,
                          wrong_theory=math.inf, label="a mean wait")
    assert_matches_theory(kpi(records, "services.b.wait_mean_min"), theory.mean_wait[1] * MINUTES,
                          wrong_theory=mmc_mean_wait(RATE_B, MU_B, SERVERS[1]) * MINUTES,
                          label="b mean wait")


def test_blocking_request_adds_c_sojourn_to_a_customers():
    """a's customers' sojourn = W_a + 0.4 × W_c = (1/3 + 1) + 0.4 × (Wq_c + 0.5) h."""
    theory = _theory()
    expected = theory.mean_sojourn[0] + SHARE_C * theory.mean_sojourn[2]
    records = _records()
    assert_matches_theory(kpi(records, "sojourn.a.sojourn_mean_min"), expected * MINUTES,
                          wrong_theory=theory.mean_sojourn[0] * MINUTES, label="a sojourn")
    added = kpi(records, "flows.a=>c.added_sojourn_mean_min")
    assert_matches_theory(added, theory.mean_sojourn[2] * MINUTES,
                          wrong_theory=1 / MU_C * MINUTES, label="c request sojourn")


def test_realised_share_is_the_declared_share():
    """The realised share of a's served customers that sent a request is the edge's share."""
    records = _records()
    assert_matches_theory(kpi(records, "flows.a=>b.share"), SHARE_B, wrong_theory=SHARE_C,
                          label="share a→b")


def test_reordering_the_file_changes_no_number():
    """Services and their depends_on lists in another order: identical records."""
    doc = network_doc(window_h=300.0)
    doc["services"][0]["depends_on"][0]["mode"] = "blocking"
    doc["services"][1]["depends_on"] = [{"service": "c", "share": 0.5}]
    shuffled = copy.deepcopy(doc)
    shuffled["services"].reverse()
    shuffled["services"][-1]["depends_on"].reverse()
    first = simulate(Scenario.model_validate(doc), replications=2, seed=7).records
    second = simulate(Scenario.model_validate(shuffled), replications=2, seed=7).records
    assert first == second
    assert first[0]["flows"]["b=>c"]["sent"] > 0
