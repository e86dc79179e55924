"""Fixed-size, log-spaced histogram of waiting times: quantiles in constant memory.

Waits span milliseconds to days, so bins are spaced logarithmically: ``BINS_PER_DECADE``
bins per factor of ten from ``MIN_H`` to ``MAX_H`` hours, plus one bin for waits below
``MIN_H`` (in practice: no wait at all) and one for waits of ``MAX_H`` or more. A quantile
is read by interpolating geometrically by rank inside its bin, so its relative error is at
most the bin ratio minus one: ``RELATIVE_ERROR`` (about 2.3 %) for waits from ``MIN_H``
(0.36 ms) to ``MAX_H`` (100,000 h); a quantile falling in the lowest bin is reported as 0.

Waits are buffered in a short Python list and binned by numpy in blocks, which costs far
less per customer than binning each wait on its own; memory stays fixed whatever the run
length.
"""

from __future__ import annotations

import math

import numpy as np

MIN_H = 1e-7
MAX_H = 1e5
BINS_PER_DECADE = 100
DECADES = 12
N_LOG_BINS = BINS_PER_DECADE * DECADES
RELATIVE_ERROR = 10 ** (1 / BINS_PER_DECADE) - 1
_FLUSH_AT = 4096
_LOG_MIN = math.log10(MIN_H)


class WaitHistogram:
    """Counts of waits (hours) in ``N_LOG_BINS + 2`` bins: [below MIN_H, log bins..., overflow]."""

    __slots__ = ("counts", "buffer")

    def __init__(self) -> None:
        self.counts = np.zeros(N_LOG_BINS + 2, dtype=np.int64)
        self.buffer: list[float] = []

    def add(self, wait_h: float) -> None:
        buffer = self.buffer
        buffer.append(wait_h)
        if len(buffer) >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Bin the buffered waits."""
        if not self.buffer:
            return
        waits = np.asarray(self.buffer, dtype=float)
        self.buffer.clear()
        with np.errstate(divide="ignore"):
            positions = (np.log10(np.maximum(waits, MIN_H * 0.5)) - _LOG_MIN) * BINS_PER_DECADE
        index = np.where(waits < MIN_H, 0, np.clip(np.floor(positions).astype(np.int64) + 1, 1, N_LOG_BINS + 1))
        self.counts += np.bincount(index, minlength=N_LOG_BINS + 2)

    def quantile(self, p: float) -> float | None:
        """The ``p``-quantile of the waits (hours), or ``None`` when there are none."""
        self.flush()
        return quantile_of_counts(self.counts, p)


def bin_edges_h(index: int) -> tuple[float, float]:
    """Lower and upper edge (hours) of log bin ``index`` (1..N_LOG_BINS)."""
    low = 10 ** (_LOG_MIN + (index - 1) / BINS_PER_DECADE)
    return low, low * 10 ** (1 / BINS_PER_DECADE)


def quantile_of_counts(counts: np.ndarray, p: float) -> float | None:
    """The ``p``-quantile of a histogram's counts (hours), ``None`` if it is empty.

    The rank ``p * n`` is located in its bin and interpolated geometrically between the bin's
    edges; the overflow bin reports ``MAX_H``.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"quantile p must be within [0, 1], got {p!r}")
    n = int(counts.sum())
    if n == 0:
        return None
    rank = p * n
    cumulative = np.cumsum(counts)
    index = int(np.searchsorted(cumulative, rank, side="left"))
    index = min(index, len(counts) - 1)
    if index == 0:
        return 0.0
    if index == N_LOG_BINS + 1:
        return MAX_H
    below = cumulative[index - 1]
    fraction = (rank - below) / counts[index] if counts[index] else 0.0
    low, high = bin_edges_h(index)
    return float(low * (high / low) ** min(max(fraction, 0.0), 1.0))
