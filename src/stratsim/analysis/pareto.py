"""The Pareto front of points scored on several objectives: pure functions.

A point is on the front when no other point is at least as good on every objective and
strictly better on one. Objectives are oriented first (``"higher"`` or ``"lower"`` is
better), so the comparison is always "larger is better". A point with an objective that is
undefined (``None``) cannot be compared and is never on the front. Ties are kept: two points
with equal values on every objective are both on the front if nothing dominates them.
"""

from __future__ import annotations

from collections.abc import Sequence

Direction = str   # "higher" or "lower": which way is better


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """``a`` dominates ``b`` (both oriented so that larger is better)."""
    return all(x >= y for x, y in zip(a, b)) and any(x > y for x, y in zip(a, b))


def pareto_front(points: Sequence[Sequence[float | None]], directions: Sequence[Direction]) -> list[bool]:
    """For each point, whether it is on the Pareto front (O(n²), fine for a sweep's points)."""
    for direction in directions:
        if direction not in ("higher", "lower"):
            raise ValueError(f"direction must be 'higher' or 'lower', got {direction!r}")
    oriented: list[tuple[float, ...] | None] = []
    for point in points:
        if len(point) != len(directions):
            raise ValueError(f"expected {len(directions)} objectives per point, got {len(point)}")
        if any(value is None for value in point):
            oriented.append(None)
        else:
            oriented.append(tuple(v if d == "higher" else -v for v, d in zip(point, directions)))
    defined = [p for p in oriented if p is not None]
    return [p is not None and not any(dominates(q, p) for q in defined) for p in oriented]
