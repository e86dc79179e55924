"""MSER-5: where an output series' initial transient ends (White 1997; White, Cobb & Spratt 2000).

A simulation that starts empty and idle at time 0 is not in its long-run state at first; the
observations of that start bias the averages. MSER-5 picks the truncation point ``d`` that
minimises the *marginal standard error* of what is left:

1. average the series in consecutive batches of 5 (a trailing incomplete batch is dropped):
   ``Z_1 .. Z_n``;
2. for ``d = 0, 1, …`` below ``n / 2``: ``MSER(d) = Σ_{j>d} (Z_j − Z̄_d)² / (n − d)²``, with
   ``Z̄_d`` the mean of ``Z_{d+1} .. Z_n`` — the squared standard error of that mean, up to a
   constant: deleting biased early batches shrinks the numerator faster than the
   denominator, deleting good ones does not;
3. ``d*`` is the smallest ``d`` where the minimum is reached, and the warm-up is ``5·d*``
   observations. Only the first half is searched, as White recommends: near the end the
   statistic rests on a handful of batches and its minimum means nothing. A minimum at the
   last ``d`` searched means the transient may not be over within half the series
   (``at_boundary``): the run is too short to say.

Pure functions of numbers: the runner (:mod:`stratsim.runner.warmup`) decides which series
to feed in and what to do with the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BATCH_SIZE = 5
MIN_BATCHES = 4


@dataclass(frozen=True)
class MserResult:
    """The truncation MSER-5 chose and the evidence: the statistic for every ``d`` searched."""

    truncation_batches: int
    batch_size: int
    batches: int
    statistic: tuple[float, ...]
    at_boundary: bool

    @property
    def truncation(self) -> int:
        """The truncation in observations of the original series."""
        return self.truncation_batches * self.batch_size

    @property
    def minimum(self) -> float:
        return self.statistic[self.truncation_batches]


def batch_means(series: Sequence[float], size: int = BATCH_SIZE) -> np.ndarray:
    """Means of consecutive batches of ``size`` observations; an incomplete last batch is dropped."""
    values = np.asarray(series, dtype=float)
    n = len(values) // size
    return values[: n * size].reshape(n, size).mean(axis=1)


def mser_statistic(batches: Sequence[float]) -> np.ndarray:
    """``MSER(d)`` for ``d = 0 .. ⌈n/2⌉-1`` over batch means ``Z_1 .. Z_n``."""
    z = np.asarray(batches, dtype=float)
    n = len(z)
    # Suffix sums give every d in one pass: Σ_{j≥d} z_j and Σ_{j≥d} z_j².
    tail_sum = np.cumsum(z[::-1])[::-1]
    tail_sq = np.cumsum((z * z)[::-1])[::-1]
    d = np.arange((n + 1) // 2)
    kept = n - d
    mean = tail_sum[d] / kept
    squares = np.maximum(tail_sq[d] - kept * mean * mean, 0.0)   # rounding never makes it negative
    return squares / (kept * kept)


def mser5(series: Sequence[float], batch_size: int = BATCH_SIZE) -> MserResult:
    """MSER-5 on a series; raises ``ValueError`` when it has fewer than 4 batches."""
    z = batch_means(series, batch_size)
    if len(z) < MIN_BATCHES:
        raise ValueError(f"MSER-{batch_size} needs at least {MIN_BATCHES * batch_size} observations, "
                         f"got {len(series)}")
    statistic = mser_statistic(z)
    # Equal within rounding counts as equal, so a flat series truncates nothing.
    scale = max(float(np.max(np.abs(statistic))), np.finfo(float).tiny)
    best = int(np.flatnonzero(statistic <= statistic.min() + 1e-12 * scale)[0])
    return MserResult(best, batch_size, len(z), tuple(float(s) for s in statistic),
                      at_boundary=best == len(statistic) - 1 and best > 0)
