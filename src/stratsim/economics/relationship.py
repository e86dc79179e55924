"""Complaints as a function of satisfaction (business relationship management).

A customer's satisfaction score ``s`` (1–5, :mod:`stratsim.economics.satisfaction`) turns into a
complaint with probability

    p(s) = p_worst × (5 − s) / 4,

clipped to [0, p_worst]: 0 for a fully satisfied customer (5), ``p_worst`` for one turned away
or gone unserved (1), and in between for a customer served after a wait beyond its tolerance
(whose score falls to 2 at worst, so p ≤ 0.75 × p_worst there). Linear, so the expected number of
complaints of a group is ``p_worst × (5 − mean score) / 4`` times its size: a segment's mean
satisfaction says directly how many complaints to expect.
"""

from __future__ import annotations

from stratsim.economics.satisfaction import BEST, SCORE_LOST


def complaint_probability(score: float, worst: float) -> float:
    """Probability that a customer with satisfaction ``score`` complains, ``worst`` at score 1."""
    if score >= BEST:
        return 0.0
    if score <= SCORE_LOST:
        return worst
    return worst * (BEST - score) / (BEST - SCORE_LOST)
