"""The drain: a counted customer sees the queue it would really see (Cobham on a short window).

Customer KPIs follow the arrival cohort of ``[warmup, horizon)``. After the horizon the
engine keeps making (uncounted) arrivals until every counted customer has left. If it
stopped arrivals at the horizon instead, a low-priority customer counted near the horizon
would no longer be overtaken by later high-priority arrivals, and on a short window the low
tier's mean wait would come out far below theory. This test proves the first and shows that
the second would be caught.

System: non-preemptive two-class M/M/1 — λ_gold 0.6/h (priority 0), λ_standard 0.3/h
(priority 1), exponential 1 h service, ρ = 0.9. Cobham: W0 = Σλ·E[S²]/2 = 0.9 h, W_gold =
W0/(1 − 0.6) = 2.25 h, W_standard = W0/((1 − 0.6)(1 − 0.9)) = 22.5 h.

Run: a 2000 h warm-up (the M/M/1 relaxation time 1/(μ(1 − √ρ)²) is ≈ 380 h, so the empty
start is forgotten to well under 1 %), then a **24 h** measured window, in R = 1000
replications — about 1 900 customers each.

Estimator: with ~14 gold and ~7 standard customers per window, the per-replication mean wait
is a ratio of two random quantities, and averaging such ratios is biased (busy windows hold
more customers and longer waits, yet weigh the same as quiet ones): a few percent low here.
So the check pools customers over replications — W = Σ waits / Σ customers, which in steady
state estimates E[W] without bias — with the delta-method standard error of a ratio over
independent replications (:func:`ratio_interval`). Acceptance is the project's: theory inside
the 99 % interval. Precision: the 95 % half-width must be at most 10 % of theory — enough to
tell the ≈ 40 % drain bias apart, which is what this test is for (the Cobham formula itself is
checked to 3 % on long windows in ``test_theory_markov.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from scipy import stats
from theory_testkit import ACCEPT_CONFIDENCE, PRECISION_CONFIDENCE

from stratsim.analysis.queueing import priority_mg1_mean_waits
from stratsim.engine.replication import Replication
from stratsim.runner.simulation import simulate
from stratsim.scenario.models import Scenario

pytestmark = pytest.mark.theory

R = 1000
WARMUP_H = 2000.0
WINDOW_H = 24.0
RATES = {"gold": 0.6, "standard": 0.3}
PRECISION = 0.10


def _scenario() -> Scenario:
    total = sum(RATES.values())
    return Scenario.model_validate({
        "stratsim": 1, "name": "drain", "horizon": WARMUP_H + WINDOW_H, "warmup": WARMUP_H,
        "services": [{"id": "desk", "staff": 1,
                      "service_time": {"dist": "exponential", "mean": 1.0},
                      "tiers": [{"id": "gold", "priority": 0}, {"id": "standard", "priority": 1}]}],
        "segments": [{"id": "all", "rate": total, "mix": {"desk": 1.0},
                      "tiers": {tier: rate / total for tier, rate in RATES.items()}}],
    })


def ratio_interval(sums: Sequence[float], counts: Sequence[int], confidence: float) -> tuple[float, float]:
    """Pooled mean ``Σ sums / Σ counts`` over replications and its half-width (delta method).

    With i.i.d. replications (S_r, N_r) and W = ΣS/ΣN, the residuals S_r − W·N_r have mean 0
    and ``var(W) ≈ Σ(S_r − W·N_r)² / (R(R − 1)·N̄²)``; the interval uses Student-t with R − 1
    degrees of freedom.
    """
    r = len(sums)
    pooled = math.fsum(sums) / sum(counts)
    mean_count = sum(counts) / r
    residual = math.fsum((s - pooled * n) ** 2 for s, n in zip(sums, counts))
    se = math.sqrt(residual / (r * (r - 1))) / mean_count
    return pooled, float(stats.t.ppf(0.5 + confidence / 2.0, r - 1)) * se


def _pooled_waits_h(records) -> dict[str, tuple[float, float, float]]:
    """Per tier: pooled mean wait (h) with its 95 % and 99 % half-widths."""
    out = {}
    for tier in RATES:
        levels = [record["services"]["desk"]["tiers"][tier] for record in records]
        # no patience and no loss: every counted customer who started service is served
        assert all(level["unfinished"] == 0 for level in levels)
        counts = [level["served"] for level in levels]
        sums = [(level["wait_mean_min"] or 0.0) / 60.0 * n for level, n in zip(levels, counts)]
        mean, half95 = ratio_interval(sums, counts, PRECISION_CONFIDENCE)
        _, half99 = ratio_interval(sums, counts, ACCEPT_CONFIDENCE)
        out[tier] = (mean, half95, half99)
    return out


def test_low_priority_customers_near_the_horizon_are_still_overtaken(monkeypatch):
    theory = dict(zip(RATES, priority_mg1_mean_waits(list(RATES.values()), 1.0, 2.0)))
    assert theory == pytest.approx({"gold": 2.25, "standard": 22.5})
    scenario = _scenario()
    waits = _pooled_waits_h(simulate(scenario, replications=R, seed=1).records)
    for tier, (mean, half95, half99) in waits.items():
        assert half95 <= PRECISION * theory[tier], (tier, mean, half95)
        assert abs(mean - theory[tier]) <= half99, (
            f"{tier}: pooled mean wait {mean:.3f} h ± {half99:.3f} (99 %) misses Cobham's "
            f"{theory[tier]:.3f} h")

    # Can fail: the same run with arrivals stopped at the horizon misses the low tier's theory.
    # (the old engine's drain: no arrivals after the horizon, bar one already scheduled per pair)
    original = Replication._continue_demand_uncounted

    def stop_arrivals_at_the_horizon(self: Replication) -> None:
        original(self)
        for source in self.sources:
            source.until_h = self.model.horizon_h

    monkeypatch.setattr(Replication, "_continue_demand_uncounted", stop_arrivals_at_the_horizon)
    stopped = _pooled_waits_h(simulate(scenario, replications=R, seed=1).records)
    mean, _, half99 = stopped["standard"]
    assert mean + half99 < theory["standard"], (
        f"stopping arrivals at the horizon should shorten the standard tier's waits: "
        f"{mean:.3f} h ± {half99:.3f}")
    # the high tier is overtaken by nobody, so it is the same either way
    assert stopped["gold"][0] == waits["gold"][0]
