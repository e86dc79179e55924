"""The perspective at run time: objectives that score a scenario, constraints it must meet.

A scenario's ``strategy.perspective`` says how it is judged (README, "The perspective:
objectives, constraints, budget"):

* ``objectives`` — KPI name → weight. Weights are relative (``{a: 2, b: 2}`` is ``{a: 0.5, b:
  0.5}``) and must be positive; which way is better comes from the KPI (:mod:`stratsim.kpis`),
  so a KPI better neither higher nor lower (``utilization``, ``arrivals``) cannot be an objective.
* ``constraints`` — conditions over the portfolio KPI names and ``budget`` in the expression
  language of :mod:`stratsim.strategy.expressions`, such as ``"satisfaction >= 4"`` or
  ``"cost <= budget"``. ``budget`` is ``strategy.plan.budget.per_month`` prorated to the
  measured window, a month being 30 days: a 28-day window has a budget of 28/30 of a month.
* every service's ``sla.attainment`` target (and a tier's, where the tier declares its own SLA)
  is judged like the constraint ``sla_attainment >= target`` on that service or tier.

**Normalisation of objectives** (decided here; the README says the same). A score must be
comparable across the scenarios of a comparison *and* mean something for a single run, so each
KPI's value ``v`` is:

* for a KPI with a natural range (shares and SLA attainment 0–1, satisfaction 1–5): its position
  in that range, 1 at the best end and 0 at the worst — ``(x − low) / (high − low)``, or
  ``(high − x) / (high − low)`` when lower is better. Absolute: the same in a run and a compare.
* for an unbounded KPI (money, minutes, counts): ``1 + direction × (x − reference) / scale``,
  where ``reference`` is the reference scenario's mean of that KPI (the baseline in a compare,
  the scenario itself in a run) and ``scale`` is the reference's mean **revenue** for money
  (so profit near break-even does not blow up a ratio; else its mean cost, else 1) and the
  reference's own mean for minutes and counts (else 1). So 1.1 means 10 % of the reference's
  revenue (or of its wait) better than the reference. A run alone scores exactly 1 on these,
  and its score shows where it stands on the bounded KPIs; a comparison is what moves them.

The score is the weighted mean ``Σ weight × v``. It is computed **per replication**, so scores
of scenarios run on common random numbers are paired like any KPI, and a score's confidence
interval is the Student-t interval of the per-replication scores. Min-max scaling over the
compared scenarios was rejected: it is undefined for a single run and changes every score
when a scenario is added to the comparison.

This module holds what is compiled from a scenario and evaluated per replication; judging over
replications (intervals, feasibility, ranking) is in :mod:`stratsim.analysis.perspective`. It
imports no scenario module at import time, so the scenario validator can use its vocabulary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stratsim.clock import DAYS_PER_MONTH, HOURS_PER_DAY
from stratsim.kpis import KPIS, PORTFOLIO_KPIS
from stratsim.strategy.expressions import Expression, Vocabulary, parse_expression

if TYPE_CHECKING:
    from stratsim.scenario import Scenario

BUDGET = "budget"
HOURS_PER_MONTH = DAYS_PER_MONTH * HOURS_PER_DAY
CONSTRAINT_VOCABULARY = Vocabulary(frozenset((*PORTFOLIO_KPIS, BUDGET)), what="KPI or budget")
"""Names a constraint may use: the portfolio KPIs and ``budget``; functions ``min``, ``max``, ``abs``."""
OBJECTIVE_KPIS: tuple[str, ...] = tuple(name for name in PORTFOLIO_KPIS if KPIS[name].better)
"""Portfolio KPIs with a better direction: the ones an objective may weigh."""

KpiRecord = dict[str, Any]


@dataclass(frozen=True)
class Objective:
    """A KPI to score on, with its weight normalised so the weights add up to 1."""

    kpi: str
    weight: float


@dataclass(frozen=True)
class Constraint:
    """A constraint as written (``text``) and checked (``expression``)."""

    text: str
    expression: Expression


@dataclass(frozen=True)
class SlaTarget:
    """The declared SLA attainment target of a service, or of one of its tiers."""

    service: str
    tier: str | None
    target: float

    @property
    def label(self) -> str:
        return self.service if self.tier is None else f"{self.service}/{self.tier}"

    def attainment(self, record: KpiRecord) -> float | None:
        """The measured SLA attainment of this service or tier in one replication."""
        kpis = record["services"].get(self.service, {})
        if self.tier is not None:
            kpis = kpis.get("tiers", {}).get(self.tier, {})
        return kpis.get("sla_attainment")


@dataclass(frozen=True)
class CompiledPerspective:
    """Objectives, constraints, SLA targets and the budget of the measured window."""

    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...]
    sla_targets: tuple[SlaTarget, ...]
    budget_per_month: float | None
    window_h: float

    @property
    def budget(self) -> float | None:
        """The budget for the measured window (per month × window / 30 days)."""
        if self.budget_per_month is None:
            return None
        return self.budget_per_month * self.window_h / HOURS_PER_MONTH

    @property
    def judges_anything(self) -> bool:
        return bool(self.objectives or self.constraints or self.sla_targets)

    def names(self, record: KpiRecord) -> dict[str, float | None]:
        """The values a constraint sees in one replication: portfolio KPIs and ``budget``."""
        return {**record["kpis"], BUDGET: self.budget}


def compile_perspective(scenario: Scenario) -> CompiledPerspective:
    """The perspective of a validated scenario (whose constraints the loader has checked)."""
    perspective = scenario.strategy.perspective
    total = math.fsum(perspective.objectives.values())
    objectives = tuple(Objective(kpi, weight / total) for kpi, weight in perspective.objectives.items())
    constraints = tuple(Constraint(text, parse_expression(text, CONSTRAINT_VOCABULARY))
                        for text in perspective.constraints)
    targets: list[SlaTarget] = []
    for service in scenario.services:
        if service.sla is not None:
            targets.append(SlaTarget(service.id, None, service.sla.attainment))
        for tier in service.tiers or ():
            if tier.sla is not None:
                targets.append(SlaTarget(service.id, tier.id, tier.sla.attainment))
    budget = scenario.strategy.plan.budget
    return CompiledPerspective(objectives, constraints, tuple(targets),
                               None if budget is None else budget.per_month,
                               scenario.horizon - scenario.warmup)


@dataclass(frozen=True)
class ObjectiveScale:
    """How one objective's KPI becomes a value (see the module docstring).

    ``bounds`` for a KPI with a natural range; else ``reference`` and ``scale``.
    """

    kpi: str
    weight: float
    sign: int
    bounds: tuple[float, float] | None
    reference: float | None
    scale: float | None

    def value(self, x: float | None) -> float | None:
        if x is None:
            return None
        if self.bounds is not None:
            low, high = self.bounds
            return (x - low) / (high - low) if self.sign > 0 else (high - x) / (high - low)
        assert self.reference is not None and self.scale is not None
        return 1 + self.sign * (x - self.reference) / self.scale

    def describe(self) -> str:
        """The normalisation in words, for the result files."""
        if self.bounds is not None:
            low, high = self.bounds
            best = high if self.sign > 0 else low
            return f"position in its range {low:g}–{high:g} (1 at {best:g})"
        return f"1 + {'+' if self.sign > 0 else '−'}(x − {self.reference:.6g}) / {self.scale:.6g}"


def _mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return math.fsum(defined) / len(defined) if defined else None


def objective_scales(perspective: CompiledPerspective, reference: list[KpiRecord]) -> tuple[ObjectiveScale, ...]:
    """The normalisation of every objective, given the reference scenario's records."""
    scales = []
    for objective in perspective.objectives:
        info = KPIS[objective.kpi]
        if info.bounds is not None:
            scales.append(ObjectiveScale(objective.kpi, objective.weight, info.sign, info.bounds, None, None))
            continue
        mean = _mean([r["kpis"].get(objective.kpi) for r in reference])
        ref = 0.0 if mean is None else mean
        candidates = [abs(ref)]
        if info.unit == "money":
            candidates = [_mean([r["kpis"].get(k) for r in reference]) or 0.0 for k in ("revenue", "cost")]
        scale = next((abs(c) for c in candidates if c and abs(c) > 0), 1.0)
        scales.append(ObjectiveScale(objective.kpi, objective.weight, info.sign, None, ref, scale))
    return tuple(scales)


def score(record: KpiRecord, scales: tuple[ObjectiveScale, ...]) -> float | None:
    """The score of one replication: ``Σ weight × value``; undefined if any value is."""
    values = [s.value(record["kpis"].get(s.kpi)) for s in scales]
    if not scales or any(v is None for v in values):
        return None
    return math.fsum(s.weight * v for s, v in zip(scales, values))  # type: ignore[operator]
