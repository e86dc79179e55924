"""Statistics over replications: pure functions, no I/O.

Replications are independent and identically distributed, so a KPI's mean over them has a
Student-t confidence interval: ``mean ± t(0.975, n−1) · s / √n`` with ``s`` the sample
standard deviation. Values are combined in replication order, so the same records always
give the same bits. A KPI undefined in some replications (``None``: a mean wait where
nobody started service) is summarised over the others, and ``n`` says how many those are;
with fewer than two values the spread and interval are unknown (``None``), and a KPI with
zero variance has a zero-width interval.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from typing import Any

CONFIDENCE = 0.95


@functools.lru_cache(maxsize=None)
def t_quantile(n: int, confidence: float = CONFIDENCE) -> float:
    """The two-sided Student-t quantile for a mean of ``n`` values (cached: a summary asks for
    the same few quantiles hundreds of times, and each costs scipy about 60 µs).

    ``scipy.special.stdtrit`` is the function ``scipy.stats.t.ppf`` evaluates, so the value is
    the same to the bit; importing ``scipy.stats`` for it cost a compare about a second of
    work in the main process that no worker can share (``benchmarks/bench_parallel.py``)."""
    from scipy.special import stdtrit  # imported here: scipy is slow to import at every CLI start

    return float(stdtrit(n - 1, 0.5 + confidence / 2))


def summarize(values: Sequence[float | None], confidence: float = CONFIDENCE) -> dict[str, Any]:
    """``{"mean", "ci95", "std", "n"}`` of the defined values, in the order given."""
    defined = [float(v) for v in values if v is not None]
    n = len(defined)
    if n == 0:
        return {"mean": None, "ci95": None, "std": None, "n": 0}
    if min(defined) == max(defined):  # exactly, not up to the rounding of a sum: 0.7 stays 0.7
        value = defined[0]
        return {"mean": value, "ci95": [value, value] if n > 1 else None,
                "std": 0.0 if n > 1 else None, "n": n}
    mean = math.fsum(defined) / n
    variance = math.fsum((v - mean) ** 2 for v in defined) / (n - 1)
    std = math.sqrt(variance)
    half = t_quantile(n, confidence) * std / math.sqrt(n)
    return {"mean": mean, "ci95": [mean - half, mean + half], "std": std, "n": n}


def summarize_records(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Summarise a list of same-shaped nested KPI records KPI by KPI.

    Leaves (numbers or ``None``) become :func:`summarize` results; nested dicts keep their
    keys in the order of the first record.
    """
    first = records[0]
    out: dict[str, Any] = {}
    for key, value in first.items():
        if isinstance(value, dict):
            out[key] = summarize_records([record[key] for record in records])
        else:
            out[key] = summarize([record.get(key) for record in records])
    return out


def iter_leaves(record: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every ``(path, value)`` leaf of a nested KPI record, depth first in key order."""
    for key, value in record.items():
        if isinstance(value, dict):
            yield from iter_leaves(value, (*prefix, key))
        else:
            yield (*prefix, key), value
