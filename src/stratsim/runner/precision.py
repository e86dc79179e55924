"""Replications until the key KPIs are known to a relative precision (``--precision 5%``).

The procedure (the sequential "relative precision" procedure of Law & Kelton, with batches):

1. run the starting number of replications (the file's, or ``--replications``) of every model;
2. for each model and each **key KPI** (:data:`KEY_KPIS`, portfolio level) compute the
   relative half-width of its 95 % Student-t interval, ``half-width / |mean|``;
3. stop when every one is at most the target; else, unless ``max_replications`` is reached,
   add a batch and go to 2. A batch brings the count to what the worst KPI's current
   estimate projects (``n · (relative half-width / target)²``), but adds at least a quarter of
   ``n`` (so the last few replications are not added one batch at a time) and at most ``n``
   (the projection from a small ``n`` is rough: at most doubling keeps an optimistic
   projection from overshooting far).

Decisions, and why:

* **Key KPIs**: portfolio ``wait_mean_min``, ``profit``, ``sla_attainment`` and
  ``satisfaction`` — the customer's wait, the money, the service level and the customer's
  verdict, which are what a decision is made on. A KPI whose mean is 0 (nobody waited) or
  undefined (no SLA in the scenario, nobody served) has no relative precision and is skipped;
  a KPI defined in fewer than two replications counts as not precise enough yet.
* **Replication r is always replication r**: batches add replications ``n .. n'-1`` on their
  own streams, so the result equals a plain run with the final count, bit for bit, and
  the count reached never depends on the worker count or backend (nothing here does).
* **Several models share one count** (``compare``): every model gets the same replications
  and seeds, so their paired differences stay paired; the count grows until every model
  meets the target.
* Stopping when an estimated interval first looks narrow enough makes the final interval's
  coverage slightly below 95 %; with starting counts of 10 or more the effect is small, and
  the interval reported is the ordinary one over all replications run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stratsim.engine.metrics import KpiRecord
from stratsim.runner.batches import ModelRun, run_batch
from stratsim.runner.evaluators import Evaluator
from stratsim.runner.statistics import summarize

KEY_KPIS = ("wait_mean_min", "profit", "sla_attainment", "satisfaction")
DEFAULT_MAX_REPLICATIONS = 200
MIN_REPLICATIONS = 2


@dataclass(frozen=True)
class KpiPrecision:
    """A key KPI's precision after some replications (``relative`` is ``None`` when skipped)."""

    model: str
    kpi: str
    mean: float | None
    half_width: float | None
    relative: float | None
    skipped: str | None = None

    def met(self, target: float) -> bool:
        return self.skipped is not None or (self.relative is not None and self.relative <= target)

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.model, "kpi": self.kpi, "mean": self.mean, "half_width": self.half_width,
                "relative_half_width": self.relative, "skipped": self.skipped}


def kpi_precision(model: str, kpi: str, values: Sequence[float | None]) -> KpiPrecision:
    """The relative half-width of one KPI over replications (pure)."""
    stat = summarize(values)
    if stat["n"] == 0:
        return KpiPrecision(model, kpi, None, None, None, "undefined in every replication")
    mean = stat["mean"]
    if stat["ci95"] is None:
        return KpiPrecision(model, kpi, mean, None, None)   # fewer than two values: not yet known
    half = (stat["ci95"][1] - stat["ci95"][0]) / 2
    if mean == 0:
        return KpiPrecision(model, kpi, mean, half, None, "mean is 0: no relative precision")
    return KpiPrecision(model, kpi, mean, half, half / abs(mean))


def precisions(name: str, records: Sequence[KpiRecord], kpis: Sequence[str] = KEY_KPIS) -> list[KpiPrecision]:
    """The key KPIs' precisions of one model; a KPI the records do not have is skipped."""
    out = []
    for kpi in kpis:
        if kpi not in records[0]["kpis"]:
            out.append(KpiPrecision(name, kpi, None, None, None, "not in this scenario"))
        else:
            out.append(kpi_precision(name, kpi, [record["kpis"].get(kpi) for record in records]))
    return out


def next_count(n: int, worst_relative: float | None, target: float, cap: int) -> int:
    """The replication count after ``n`` when the worst relative half-width is ``worst_relative``.

    ``None`` (an interval not known yet) doubles ``n``. The result is in ``(n, cap]``.
    """
    if worst_relative is None:
        projected = 2 * n
    else:
        projected = math.ceil(n * (worst_relative / target) ** 2)
    step = min(max(projected - n, math.ceil(n / 4), 1), n)
    return min(cap, n + step)


@dataclass
class PrecisionOutcome:
    """What the procedure did: the counts it ran, whether the target was met, the evidence."""

    target: float
    max_replications: int
    counts: list[int] = field(default_factory=list)
    met: bool = False
    final: list[KpiPrecision] = field(default_factory=list)
    limiting: list[KpiPrecision] = field(default_factory=list)

    @property
    def replications(self) -> int:
        return self.counts[-1]

    @property
    def capped(self) -> bool:
        return not self.met

    def as_dict(self) -> dict[str, Any]:
        """The report kept in ``manifest.json`` (``precision``)."""
        return {
            "target_relative_half_width": self.target,
            "key_kpis": list(KEY_KPIS),
            "max_replications": self.max_replications,
            "replications": self.replications,
            "batches": list(self.counts),
            "met": self.met,
            "stopped_by": "target met" if self.met else "max replications",
            "limiting": [p.as_dict() for p in self.limiting],
            "final": [p.as_dict() for p in self.final],
        }


def run_to_precision(
    runs: Sequence[ModelRun],
    names: Sequence[str],
    seed: int,
    target: float,
    initial: int,
    max_replications: int = DEFAULT_MAX_REPLICATIONS,
    evaluator: Evaluator | None = None,
    on_done: Callable[[], None] | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> tuple[list[list[KpiRecord]], PrecisionOutcome]:
    """Run every model in batches until the target is met or ``max_replications`` reached.

    ``on_batch(done, total)`` is called before each batch with the replications done per
    model and the count the batch brings them to. Returns the records per model (replications
    ``0 .. n-1``) and the outcome.
    """
    if not 0 < target < 1:
        raise ValueError(f"target must be a relative half-width in (0, 1), got {target}")
    initial = max(initial, MIN_REPLICATIONS)
    if max_replications < initial:
        raise ValueError(f"max_replications ({max_replications}) is below the starting replications ({initial})")
    outcome = PrecisionOutcome(target, max_replications)
    records: list[list[KpiRecord]] = [[] for _ in runs]
    done, count = 0, initial
    above: list[KpiPrecision] = []
    while True:
        if on_batch is not None:
            on_batch(done, count)
        for kept, new in zip(records, run_batch(runs, seed, done, count, evaluator, on_done)):
            kept.extend(new)
        done = count
        outcome.counts.append(done)
        current = [p for name, kept in zip(names, records) for p in precisions(name, kept)]
        missing = [p for p in current if not p.met(target)]
        if not missing or done >= max_replications:
            outcome.final = current
            outcome.met = not missing
            outcome.limiting = missing if missing else above
            return records, outcome
        above = missing
        relatives = [p.relative for p in missing]
        worst = None if any(r is None for r in relatives) else max(relatives)
        count = next_count(done, worst, target, max_replications)
