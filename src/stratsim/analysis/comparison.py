"""Paired comparison statistics: differences over common random numbers, and Holm's correction.

Pure functions, no I/O. Scenarios compared by stratsim run replication ``r`` on the same random
streams (``docs/model.md``, "Random streams and common random numbers"), so the natural unit of
comparison is the per-replication difference ``scenario − baseline``. Its mean has a Student-t
interval and a paired t-test; because the two scenarios share most of their randomness, the
difference varies far less than either KPI, and the interval is much narrower than one built
from two independent samples.

* **Pairing with undefined values.** A KPI undefined in a replication (``None``: a mean wait
  where nobody was served) is left out of the pairs, together with the other scenario's value of
  that replication; ``n`` says how many pairs remain.
* **Zero variance.** A difference that is the same in every replication has no sampling
  variability to test: exactly 0 (a KPI the change cannot touch, such as arrivals under a
  roster change) is *not* significant, with the zero-width interval ``[0, 0]`` and p = 1; any
  other constant is significant (p = 0), with a zero-width interval at that constant.
* **Fewer than two pairs**: no interval, no p-value, never significant.
* **Multiple comparisons: Holm.** A comparison makes many tests at once (every KPI of every
  scenario), so a "significant" flag at 5 % each would turn up false differences. The
  ``significant`` flag is decided after Holm's step-down correction, which keeps the chance of
  *any* false claim in a family at 5 % without assuming the tests independent (they are not:
  cost and profit move together). Holm is a few lines, written here rather than importing
  statsmodels for it; the tests check it against hand-computed values.

Which tests form a family is decided by the comparison (see :mod:`stratsim.runner.compare`):
the portfolio KPIs of all scenarios are one family; the service, tier and segment breakdown
(which explains where a portfolio difference comes from) is a second family with its own Holm
correction, so adding services to a portfolio never weakens the portfolio-level claims.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from stratsim.runner.statistics import summarize

ALPHA = 0.05


def paired_values(scenario: Sequence[float | None], baseline: Sequence[float | None]) -> list[float]:
    """The per-replication differences ``scenario − baseline`` where both are defined."""
    return [float(s) - float(b) for s, b in zip(scenario, baseline, strict=True)
            if s is not None and b is not None]


def p_value(differences: Sequence[float]) -> float | None:
    """Two-sided p-value of the paired t-test that the mean difference is 0.

    Zero variance: 1 for an exact zero, 0 for any other constant; ``None`` below two pairs.
    """
    n = len(differences)
    if n < 2:
        return None
    if min(differences) == max(differences):
        return 1.0 if differences[0] == 0 else 0.0
    from scipy.special import stdtr  # what scipy.stats.t.sf evaluates, without importing scipy.stats

    mean = math.fsum(differences) / n
    std = math.sqrt(math.fsum((d - mean) ** 2 for d in differences) / (n - 1))
    t = mean / (std / math.sqrt(n))
    return float(2 * stdtr(n - 1, -abs(t)))


def paired_difference(scenario: Sequence[float | None], baseline: Sequence[float | None]) -> dict[str, Any]:
    """``{"mean", "ci95", "std", "n", "p_value"}`` of the paired differences.

    ``p_holm`` and ``significant`` are added by :func:`apply_holm` once the family is known.
    """
    differences = paired_values(scenario, baseline)
    return {**summarize(differences), "p_value": p_value(differences)}


def unpaired_difference(scenario: Sequence[float | None], baseline: Sequence[float | None]) -> dict[str, Any]:
    """Mean difference with Welch's interval, ignoring the pairing (for comparison only: what
    the interval would be had the scenarios not shared their random streams)."""
    from scipy.special import stdtrit  # what scipy.stats.t.ppf evaluates

    a = [float(v) for v in scenario if v is not None]
    b = [float(v) for v in baseline if v is not None]
    mean = math.fsum(a) / len(a) - math.fsum(b) / len(b)
    var_a = math.fsum((v - math.fsum(a) / len(a)) ** 2 for v in a) / (len(a) - 1) / len(a)
    var_b = math.fsum((v - math.fsum(b) / len(b)) ** 2 for v in b) / (len(b) - 1) / len(b)
    se = math.sqrt(var_a + var_b)
    dof = (var_a + var_b) ** 2 / (var_a**2 / (len(a) - 1) + var_b**2 / (len(b) - 1))
    half = float(stdtrit(dof, 0.975)) * se
    return {"mean": mean, "ci95": [mean - half, mean + half]}


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values, in the order given.

    With the ``m`` defined p-values sorted ascending, ``p_(i)`` becomes
    ``max_{j ≤ i} min(1, (m − j + 1) · p_(j))``; a test is significant at level α when its
    adjusted p-value is at most α. ``None`` (no test possible) stays ``None`` and is not counted
    in ``m``. Ties keep their given order, so the result is deterministic.
    """
    order = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(order)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def apply_holm(family: Sequence[dict[str, Any]], alpha: float = ALPHA) -> None:
    """Add ``p_holm`` and ``significant`` to each difference of one family (in place)."""
    for difference, adjusted in zip(family, holm([d["p_value"] for d in family])):
        difference["p_holm"] = adjusted
        difference["significant"] = adjusted is not None and adjusted <= alpha
