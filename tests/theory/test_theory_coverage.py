"""Honest intervals: the reported 95 % confidence intervals cover the truth 95 % of the time.

Every other check in this folder trusts the Student-t interval over replications. That trust
rests on replications being independent and identically distributed, which depends on the
engine's random streams (one ``SeedSequence(seed, spawn_key=(replication, …))`` per stream),
on each replication starting afresh, and on ``stratsim.runner.statistics.summarize``
computing the interval right. This test checks the whole chain empirically.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from stratsim.analysis.queueing import erlang_b
from stratsim.engine.compile import compile_scenario
from stratsim.runner.replications import run_replications
from stratsim.runner.statistics import summarize
from stratsim.scenario.models import Scenario

pytestmark = pytest.mark.theory

EXPERIMENTS = 400
REPLICATIONS = 10
SERVERS = 3
LOAD = 2.0  # Erlangs; B(3, 2) = 0.2105
NOMINAL = 0.95


def test_confidence_intervals_cover_the_truth_at_their_nominal_rate():
    """400 independent experiments, each a 95 % CI from 10 replications, cover B(3, 2) ≈ 95 %.

    Each experiment simulates an Erlang loss system (3 servers, a = 2 Erlangs, no waiting
    room: blocked share B(3, 2) = 0.2105 exactly) with its own seed (1000 + j), for 10
    replications of 200 h after a 10 h warm-up (the loss system forgets its empty start within
    a few service times; ~400 customers per replication, 1.6 M in all). ``summarize`` gives the
    Student-t interval of the 10 blocked shares. Short replications are fine: the blocked share
    of a replication is an almost unbiased estimate (its ratio bias is O(1/400), about 1/20 of a
    standard error), and coverage is a property of the interval, not of the run length.

    The number of covering intervals is Binomial(400, 0.95) if the intervals are honest: it
    must lie in the central 99 % range of that distribution (368..390, i.e. 92.0–97.5 %).
    Can fail: the same experiments with intervals built from the wrong spread must land outside
    that range — the standard deviation instead of the standard error (intervals √10 times too
    wide: coverage ≈ 100 %) and z = 1 instead of t(0.975, 9) = 2.26 (coverage ≈ 66 %).
    Correlated replications (a seed ignoring the replication number) would shrink the spread
    and drive the coverage towards 0; an interval not centred on the mean would lower it too.
    """
    theory = erlang_b(SERVERS, LOAD)
    doc = {
        "stratsim": 1, "name": "coverage", "horizon": 210.0, "warmup": 10.0,
        "services": [{"id": "desk", "staff": SERVERS, "queue_capacity": 0,
                      "service_time": {"dist": "exponential", "mean": 1.0}}],
        "segments": [{"id": "all", "rate": LOAD, "mix": {"desk": 1.0}}],
    }
    model = compile_scenario(Scenario.model_validate(doc))
    t = float(stats.t.ppf(0.975, REPLICATIONS - 1))
    honest = too_wide = z_one = 0
    for j in range(EXPERIMENTS):
        records = run_replications(model, 1000 + j, REPLICATIONS)
        shares = [r["services"]["desk"]["blocked_share"] for r in records]
        summary = summarize(shares)
        lo, hi = summary["ci95"]
        honest += lo <= theory <= hi
        error = abs(summary["mean"] - theory)
        too_wide += error <= t * summary["std"]
        z_one += error <= 1.0 * summary["std"] / math.sqrt(REPLICATIONS)

    low = int(stats.binom.ppf(0.005, EXPERIMENTS, NOMINAL))
    high = int(stats.binom.ppf(0.995, EXPERIMENTS, NOMINAL))
    assert low <= honest <= high, (
        f"95% intervals covered the truth in {honest}/{EXPERIMENTS} experiments "
        f"({honest / EXPERIMENTS:.1%}); honest intervals give {low}..{high}"
    )
    assert not low <= too_wide <= high, f"std-based intervals covered {too_wide}/{EXPERIMENTS}"
    assert not low <= z_one <= high, f"z=1 intervals covered {z_one}/{EXPERIMENTS}"
