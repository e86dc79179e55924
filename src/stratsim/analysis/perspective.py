"""Judging scenarios by a perspective over their replications: score, feasibility, ranking.

Pure functions, no I/O. What is judged is compiled by :mod:`stratsim.strategy.perspective`.

**Feasibility with its evidence.** A constraint is judged comparison by comparison: for
``left OP right`` the *margin* ``left − right`` is computed in every replication and its 95 %
Student-t interval decides, three ways:

* ``met`` — the whole interval satisfies the comparison (for ``>=``: the lower end ≥ 0);
* ``violated`` — the whole interval breaks it (for ``>=``: the upper end < 0);
* ``undecided`` — the interval straddles the limit: the replications cannot tell, and more of
  them would (also when a side is undefined, or with a single replication: no interval).

``and``, ``or`` and ``not`` combine these three-valued (``violated and undecided`` is violated,
``met or undecided`` is met), and a chain ``a <= x <= b`` is the ``and`` of its links. Each
service's (and tier's) SLA attainment target is judged like ``sla_attainment >= target``.
A scenario is **feasible** (``true``) when every constraint and target is met, **infeasible**
(``false``) when one is violated, and undecided (``null``) otherwise. Each constraint is judged
at 95 % on its own, without a multiple-comparison correction: the verdict reports the evidence
of each, and an undecided one says so rather than being counted either way.

**Ranking.** Scenarios not shown infeasible (feasible or undecided) are ordered by mean score,
highest first; a scenario shown infeasible is left out (the verdict says why). Each is compared
with the next by the paired difference of their per-replication scores; when its 95 % interval
holds 0 the two are *not distinguishable* and the ranking says so. This is descriptive, one
interval per adjacent pair, like the constraints.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

from stratsim.analysis.comparison import paired_difference
from stratsim.kpis import format_estimate, format_number
from stratsim.runner.statistics import summarize
from stratsim.strategy.expressions import COMPARISON_SYMBOLS, Expression
from stratsim.strategy.perspective import (
    CompiledPerspective,
    Constraint,
    KpiRecord,
    ObjectiveScale,
    SlaTarget,
    objective_scales,
    score,
)

MET, VIOLATED, UNDECIDED = "met", "violated", "undecided"
_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def interval_status(margin: dict[str, Any], symbol: str) -> str:
    """Whether ``margin OP 0`` holds over the whole interval, fails over it, or neither."""
    interval = margin["ci95"]
    if interval is None:
        return UNDECIDED
    low, high = interval
    met, violated = {
        ">=": (low >= 0, high < 0),
        ">": (low > 0, high <= 0),
        "<=": (high <= 0, low > 0),
        "<": (high < 0, low >= 0),
        "==": (low == high == 0, low > 0 or high < 0),
        "!=": (low > 0 or high < 0, low == high == 0),
    }[symbol]
    return MET if met else VIOLATED if violated else UNDECIDED


def all_of(statuses: Sequence[str]) -> str:
    """Three-valued ``and``: violated if any is, met if all are, else undecided."""
    if VIOLATED in statuses:
        return VIOLATED
    return MET if all(s == MET for s in statuses) else UNDECIDED


def any_of(statuses: Sequence[str]) -> str:
    """Three-valued ``or``: met if any is, violated if all are, else undecided."""
    if MET in statuses:
        return MET
    return VIOLATED if all(s == VIOLATED for s in statuses) else UNDECIDED


def _flip(status: str) -> str:
    return {MET: VIOLATED, VIOLATED: MET}.get(status, UNDECIDED)


def _side(expression: Expression, node: ast.expr, values: list[dict[str, float | None]]) -> dict[str, Any]:
    """A side of a comparison: its text, and its statistics unless it is a constant."""
    side: dict[str, Any] = {"expression": expression.source(node)}
    if not isinstance(node, ast.Constant):
        side.update(summarize([_number(expression.evaluate_part(node, v)) for v in values]))
    return side


def _number(value: float | bool | None) -> float | None:
    return None if value is None else float(value)


def _describe_side(side: dict[str, Any]) -> str:
    text = side["expression"]
    if "mean" not in side:
        return text
    return f"{text} {format_estimate(side['mean'], side['ci95'])}"


def _judge_link(expression: Expression, left: ast.expr, op: ast.cmpop, right: ast.expr,
                values: list[dict[str, float | None]]) -> dict[str, Any]:
    """One comparison ``left OP right`` over the replications, with its evidence."""
    symbol = COMPARISON_SYMBOLS[type(op)]
    margins = []
    for v in values:
        a, b = expression.evaluate_part(left, v), expression.evaluate_part(right, v)
        margins.append(None if a is None or b is None else float(a) - float(b))
    margin = summarize(margins)
    status = interval_status(margin, symbol)
    left_side, right_side = _side(expression, left, values), _side(expression, right, values)
    relation = {MET: symbol, VIOLATED: _NEGATED[symbol]}.get(status, "vs")
    evidence = f"{_describe_side(left_side)} {relation} {_describe_side(right_side)}"
    if status == UNDECIDED:
        evidence += " (undecided: " + (
            "no interval with one replication" if margin["n"] == 1 else
            "undefined in every replication" if margin["n"] == 0 else
            "the interval of the margin holds the limit") + ")"
    return {"comparison": f"{left_side['expression']} {symbol} {right_side['expression']}",
            "status": status, "left": left_side, "right": right_side, "margin": margin,
            "evidence": evidence}


def _judge_node(expression: Expression, node: ast.expr, values: list[dict[str, float | None]],
                links: list[dict[str, Any]]) -> str:
    """Three-valued status of a condition node; each comparison's judgement goes to ``links``."""
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        statuses = []
        for op, left, right in zip(node.ops, operands, operands[1:]):
            link = _judge_link(expression, left, op, right, values)
            links.append(link)
            statuses.append(link["status"])
        return all_of(statuses)
    if isinstance(node, ast.BoolOp):
        statuses = [_judge_node(expression, v, values, links) for v in node.values]
        return all_of(statuses) if isinstance(node.op, ast.And) else any_of(statuses)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _flip(_judge_node(expression, node.operand, values, links))
    raise TypeError(f"not a condition: {ast.dump(node)}")  # the parser guarantees a condition


def _evidence(status: str, links: list[dict[str, Any]]) -> str:
    """The evidence of a constraint: the comparisons that decided it (all when undecided)."""
    deciding = [link for link in links if link["status"] == status] or links
    return "; ".join(link["evidence"] for link in deciding)


def judge_constraint(constraint: Constraint, values: list[dict[str, float | None]]) -> dict[str, Any]:
    """``{"constraint", "status", "evidence", "comparisons"}`` of one constraint."""
    links: list[dict[str, Any]] = []
    status = _judge_node(constraint.expression, constraint.expression.body, values, links)
    return {"constraint": constraint.text, "status": status, "evidence": _evidence(status, links),
            "comparisons": links}


def judge_sla_target(target: SlaTarget, records: Sequence[KpiRecord]) -> dict[str, Any]:
    """A service's (or tier's) SLA attainment against its declared target."""
    attained = [target.attainment(r) for r in records]
    margin = summarize([None if a is None else a - target.target for a in attained])
    status = interval_status(margin, ">=")
    side = {"expression": f"{target.label} sla_attainment", **summarize(attained)}
    relation = {MET: ">=", VIOLATED: "<"}.get(status, "vs")
    evidence = f"{_describe_side(side)} {relation} target {format_number(target.target)}"
    return {"service": target.service, "tier": target.tier, "target": target.target,
            "status": status, "attainment": summarize(attained), "evidence": evidence}


def feasibility(statuses: Sequence[str]) -> bool | None:
    """True when all are met, False when one is violated, ``None`` (undecided) otherwise."""
    status = all_of(statuses)
    return True if status == MET else False if status == VIOLATED else None


def scores(records: Sequence[KpiRecord], scales: tuple[ObjectiveScale, ...]) -> list[float | None]:
    """The score of every replication."""
    return [score(r, scales) for r in records]


def judge(perspective: CompiledPerspective, records: Sequence[KpiRecord],
          scales: tuple[ObjectiveScale, ...], reference: str) -> dict[str, Any]:
    """The ``perspective`` section of a scenario's summary: score, feasibility, evidence.

    ``scales`` normalise the objectives (from the ``reference`` scenario's records).
    """
    values = [perspective.names(r) for r in records]
    constraints = [judge_constraint(c, values) for c in perspective.constraints]
    targets = [judge_sla_target(t, records) for t in perspective.sla_targets]
    section: dict[str, Any] = {}
    if scales:
        section["score"] = summarize(scores(records, scales))
        section["reference"] = reference
        section["objectives"] = {
            s.kpi: {"weight": s.weight, "normalisation": s.describe(),
                    "value": summarize([s.value(r["kpis"].get(s.kpi)) for r in records])}
            for s in scales}
    if perspective.budget is not None:
        section["budget"] = perspective.budget
    section["feasible"] = feasibility([c["status"] for c in constraints] + [t["status"] for t in targets])
    section["constraints"] = constraints
    section["sla_targets"] = targets
    return section


def judge_alone(perspective: CompiledPerspective, records: Sequence[KpiRecord], name: str) -> dict[str, Any]:
    """The perspective of a single run: the scenario is its own reference."""
    return judge(perspective, records, objective_scales(perspective, list(records)), name)


def rank(feasible: dict[str, bool | None], score_series: dict[str, list[float | None]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Scenarios not shown infeasible, by mean score (highest first), and the detail of each.

    ``feasible`` and ``score_series`` are keyed by scenario name, in the comparison's order,
    which breaks ties. Each detail entry compares a scenario with the next one down.
    """
    means = {name: summarize(series)["mean"] for name, series in score_series.items()}
    candidates = [name for name in score_series if feasible.get(name) is not False and means[name] is not None]
    ordered = sorted(candidates, key=lambda name: -means[name])  # type: ignore[operator]
    detail = []
    for i, name in enumerate(ordered):
        entry: dict[str, Any] = {"scenario": name, "score": summarize(score_series[name]),
                                 "feasible": feasible.get(name)}
        if i + 1 < len(ordered):
            lead = paired_difference(score_series[name], score_series[ordered[i + 1]])
            interval = lead["ci95"]
            entry["lead_over_next"] = lead
            entry["distinguishable_from_next"] = interval is not None and (interval[0] > 0 or interval[1] < 0)
        detail.append(entry)
    return ordered, detail
