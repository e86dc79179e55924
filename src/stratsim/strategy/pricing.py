"""Prices and the demand that answers them: pure functions of the strategy's pricing.

The effective price of a service for a segment is

    list price × price factor × Π(pricing-rule factors in force) × Π(1 − promotion discounts)

and the demand of the pair is its rate at the reference price times
``(effective price / reference price) ^ price_elasticity`` (``docs/model.md``, "Demand").
Overlapping pricing rules, and overlapping promotions, **multiply**: a product does not depend on
the order in which rules are listed, so reordering a file changes no number, and an off-peak
discount and a weekend discount stack the way a planner reading them expects. A planner who wants
one rule to exclude another writes exclusive conditions.

**Demand shifting.** A flexible customer (the segment's ``flexibility`` share) who arrives while
the price is higher than it will be within :data:`DEFERRAL_HORIZON_H` hours may defer to the
cheapest such window (the consecutive hours at the lowest price, the earliest such), coming back
at a time spread evenly over it. The share who defer grows linearly with the relative saving ``gap = 1 −
cheaper / now``: ``flexibility × min(1, gap / FULL_DEFERRAL_GAP)`` — no saving moves nobody, a
saving of :data:`FULL_DEFERRAL_GAP` (20 %) or more moves every flexible customer, 10 % half of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

DEFERRAL_HORIZON_H = 24
"""How far ahead (hours) a flexible customer looks for a cheaper price: the prices at the start
of each of the next 24 hours (so a customer can put off a request to tomorrow, not longer)."""
FULL_DEFERRAL_GAP = 0.2
"""The relative saving at which every flexible customer defers."""


def product(factors: Iterable[float]) -> float:
    """The product of factors, 1 for none (computed in the order given: callers sort)."""
    result = 1.0
    for factor in factors:
        result *= factor
    return result


def price_response(price: float, reference: float, elasticity: float) -> float:
    """``(price / reference) ^ elasticity``; 1 where the reference is 0 (nothing to compare)."""
    if elasticity == 0.0 or reference <= 0.0 or price == reference:
        return 1.0
    return (price / reference) ** elasticity


def deferral_share(flexibility: float, gap: float) -> float:
    """Probability that a customer facing a relative saving ``gap`` defers (module docstring)."""
    if gap <= 0.0 or flexibility <= 0.0:
        return 0.0
    return flexibility * min(1.0, gap / FULL_DEFERRAL_GAP)


def best_window(ratios: list[float]) -> tuple[int, int, float]:
    """The cheapest window among ``ratios[1:]`` relative to ``ratios[0]``.

    ``ratios[j]`` is the price ``j`` hours from now over a common factor. Returns ``(hours
    ahead, length, gap)``: the earliest hour at the lowest price, how many consecutive hours from
    it keep that price (within the look-ahead), and the relative saving; ``(0, 0, 0.0)`` when
    nothing ahead is cheaper.
    """
    now = ratios[0]
    best, best_j = now, 0
    for j in range(1, len(ratios)):
        if ratios[j] < best:
            best, best_j = ratios[j], j
    if best_j == 0 or now <= 0.0 or not math.isfinite(now):
        return 0, 0, 0.0
    length = 1
    while best_j + length < len(ratios) and ratios[best_j + length] == best:
        length += 1
    return best_j, length, 1.0 - best / now
