"""A first satisfaction model: each customer's score on a 1–5 scale from their outcome.

The score depends on what the customer lived through, relative to what they were promised:

* served with a wait within the tolerance (the tier's or service's SLA wait, else
  ``DEFAULT_TOLERANCE_H``): **5**;
* served after a longer wait: falls linearly from 5 by ``POINTS_PER_TOLERANCE`` points per
  tolerance of extra wait, down to ``FLOOR_SERVED`` (2) — a served customer always ranks
  above one turned away;
* not served (blocked, balked, reneged, unavailable): ``SCORE_LOST`` (1).

The KPI ``satisfaction`` is the mean score over every counted customer with an outcome.
Later releases (business-relationship management) turn low scores into complaints and churn.
"""

from __future__ import annotations

DEFAULT_TOLERANCE_H = 0.5
BEST = 5.0
FLOOR_SERVED = 2.0
SCORE_LOST = 1.0
POINTS_PER_TOLERANCE = 1.5


def score_served(wait_h: float, tolerance_h: float) -> float:
    """Score of a customer served after waiting ``wait_h`` hours against ``tolerance_h``."""
    if wait_h <= tolerance_h:
        return BEST
    score = BEST - POINTS_PER_TOLERANCE * (wait_h - tolerance_h) / tolerance_h
    return score if score > FLOOR_SERVED else FLOOR_SERVED
