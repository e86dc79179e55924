"""Score, normalisation, feasibility and ranking on hand-checked cases."""

from __future__ import annotations

from typing import Any

import pytest

from stratsim.analysis.perspective import (
    MET,
    UNDECIDED,
    VIOLATED,
    all_of,
    any_of,
    interval_status,
    judge,
    judge_alone,
    rank,
)
from stratsim.strategy.expressions import parse_expression
from stratsim.strategy.perspective import (
    CONSTRAINT_VOCABULARY,
    CompiledPerspective,
    Constraint,
    Objective,
    SlaTarget,
    objective_scales,
    score,
)

FOURTEEN_DAYS_H = 14 * 24


def record(sla: float | None = None, **kpis: float | None) -> dict[str, Any]:
    services = {"desk": {"sla_attainment": sla, "tiers": {"gold": {"sla_attainment": sla}}}}
    return {"kpis": dict(kpis), "services": services, "segments": {}}


def perspective(objectives: dict[str, float] | None = None, constraints: tuple[str, ...] = (),
                targets: tuple[SlaTarget, ...] = (), budget: float | None = None) -> CompiledPerspective:
    total = sum((objectives or {}).values())
    return CompiledPerspective(
        tuple(Objective(k, w / total) for k, w in (objectives or {}).items()),
        tuple(Constraint(c, parse_expression(c, CONSTRAINT_VOCABULARY)) for c in constraints),
        targets, budget, FOURTEEN_DAYS_H)


def test_bounded_kpis_are_placed_in_their_natural_range() -> None:
    scales = objective_scales(perspective({"satisfaction": 1, "sla_attainment": 1, "blocked_share": 1}), [])
    by_kpi = {s.kpi: s for s in scales}
    assert by_kpi["satisfaction"].value(4.2) == pytest.approx(0.8)       # (4.2 − 1) / 4
    assert by_kpi["satisfaction"].value(1.0) == 0 and by_kpi["satisfaction"].value(5.0) == 1
    assert by_kpi["sla_attainment"].value(0.9) == pytest.approx(0.9)
    assert by_kpi["blocked_share"].value(0.1) == pytest.approx(0.9)      # lower is better: 1 − x
    assert [s.weight for s in scales] == pytest.approx([1 / 3] * 3)


def test_unbounded_kpis_are_relative_to_the_reference() -> None:
    reference = [record(revenue=900.0, profit=80.0, wait_mean_min=9.0, cost=820.0),
                 record(revenue=1100.0, profit=120.0, wait_mean_min=11.0, cost=980.0)]
    scales = {s.kpi: s for s in objective_scales(
        perspective({"profit": 1, "wait_mean_min": 1, "cost": 2}), reference)}
    # money: scale = the reference's mean revenue (1000); reference profit 100, cost 900
    assert scales["profit"].value(150.0) == pytest.approx(1 + 50 / 1000)
    assert scales["cost"].value(950.0) == pytest.approx(1 - 50 / 1000)   # lower is better
    # minutes: scale = the reference's own mean (10): 2 minutes less is 20 % better
    assert scales["wait_mean_min"].value(8.0) == pytest.approx(1.2)
    assert scales["profit"].value(100.0) == scales["wait_mean_min"].value(10.0) == 1.0
    # weights normalised: profit 1/4, wait 1/4, cost 2/4
    scored = score(record(profit=150.0, wait_mean_min=8.0, cost=950.0), tuple(scales.values()))
    assert scored == pytest.approx(0.25 * 1.05 + 0.25 * 1.2 + 0.5 * 0.95)


def test_money_without_revenue_falls_back_to_cost_then_one() -> None:
    costs_only = [record(revenue=0.0, cost=500.0, profit=-500.0)]
    (scale,) = objective_scales(perspective({"profit": 1}), costs_only)
    assert scale.scale == 500 and scale.value(-400.0) == pytest.approx(1.2)
    (nothing,) = objective_scales(perspective({"wait_mean_min": 1}), [record(wait_mean_min=0.0)])
    assert nothing.scale == 1 and nothing.value(2.0) == -1.0


def test_score_is_undefined_where_an_objective_is() -> None:
    scales = objective_scales(perspective({"satisfaction": 1}), [])
    assert score(record(satisfaction=None), scales) is None


def test_single_run_scores_per_replication_with_an_interval() -> None:
    records = [record(satisfaction=s, profit=p, revenue=1000.0)
               for s, p in ((4.2, 100.0), (4.6, 120.0), (4.4, 80.0))]
    judged = judge_alone(perspective({"satisfaction": 1, "profit": 1}), records, "alone")
    # the run is its own reference: profit scores 1 + (p − 100)/1000 per replication
    expected = [0.5 * (s - 1) / 4 + 0.5 * (1 + (p - 100) / 1000)
                for s, p in ((4.2, 100.0), (4.6, 120.0), (4.4, 80.0))]
    assert judged["score"]["mean"] == pytest.approx(sum(expected) / 3)
    assert judged["score"]["n"] == 3 and judged["score"]["ci95"][0] < judged["score"]["mean"]
    assert judged["reference"] == "alone" and judged["feasible"] is True


@pytest.mark.parametrize(("interval", "symbol", "status"), [
    ((0.0, 1.0), ">=", MET), ((-1.0, -0.1), ">=", VIOLATED), ((-0.1, 0.1), ">=", UNDECIDED),
    ((0.0, 1.0), ">", UNDECIDED), ((-1.0, 0.0), ">", VIOLATED),
    ((-1.0, 0.0), "<=", MET), ((0.1, 1.0), "<=", VIOLATED),
    ((-1.0, 0.0), "<", UNDECIDED), ((0.0, 1.0), "<", VIOLATED),
    ((0.0, 0.0), "==", MET), ((0.1, 0.2), "==", VIOLATED), ((-0.1, 0.2), "==", UNDECIDED),
    ((0.1, 0.2), "!=", MET), ((0.0, 0.0), "!=", VIOLATED),
])  # fmt: skip
def test_interval_status(interval: tuple[float, float], symbol: str, status: str) -> None:
    assert interval_status({"ci95": list(interval)}, symbol) == status


def test_three_valued_combination() -> None:
    assert all_of([MET, UNDECIDED]) == UNDECIDED and all_of([VIOLATED, UNDECIDED]) == VIOLATED
    assert any_of([MET, UNDECIDED]) == MET and any_of([VIOLATED, UNDECIDED]) == UNDECIDED
    assert any_of([VIOLATED, VIOLATED]) == VIOLATED and all_of([MET, MET]) == MET


def judged_alone(constraints: tuple[str, ...], records: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    return judge_alone(perspective(constraints=constraints, **kwargs), records, "x")


def test_feasibility_met_violated_and_undecided_with_evidence() -> None:
    met = judged_alone(("satisfaction >= 4",), [record(satisfaction=s) for s in (4.4, 4.5, 4.6)])
    assert met["feasible"] is True and met["constraints"][0]["status"] == MET
    assert met["constraints"][0]["evidence"] == "satisfaction 4.50 (4.25–4.75) >= 4"
    low = judged_alone(("satisfaction >= 4",), [record(satisfaction=s) for s in (3.6, 3.7, 3.8)])
    assert low["feasible"] is False
    evidence = low["constraints"][0]["evidence"]
    assert evidence.startswith("satisfaction 3.70 (3.45–3.95) < 4"), evidence
    unsure = judged_alone(("satisfaction >= 4",), [record(satisfaction=s) for s in (3.8, 4.0, 4.2)])
    assert unsure["feasible"] is None and "undecided" in unsure["constraints"][0]["evidence"]


def test_budget_is_prorated_to_the_measured_window() -> None:
    records = [record(cost=c) for c in (1380.0, 1385.0, 1388.0)]
    judged = judged_alone(("cost <= budget",), records, budget=3000.0)   # 14 of 30 days: 1,400
    assert judged["budget"] == pytest.approx(1400.0)
    assert judged["constraints"][0]["status"] == MET
    assert "budget 1,400" in judged["constraints"][0]["evidence"]
    over = judged_alone(("cost <= budget",), [record(cost=c) for c in (1420.0, 1430.0, 1425.0)], budget=3000.0)
    assert over["feasible"] is False and "> budget 1,400" in over["constraints"][0]["evidence"]


def test_chains_and_boolean_operators_judge_each_comparison() -> None:
    records = [record(satisfaction=s, wait_p90_min=w) for s, w in ((4.4, 40.0), (4.5, 42.0), (4.6, 44.0))]
    chain = judged_alone(("4 <= satisfaction <= 5",), records)["constraints"][0]
    assert chain["status"] == MET and len(chain["comparisons"]) == 2
    both = judged_alone(("satisfaction >= 4 and wait_p90_min <= 30",), records)["constraints"][0]
    assert both["status"] == VIOLATED and both["evidence"].startswith("wait_p90_min 42.0 (37.0–47.0) > 30")
    either = judged_alone(("satisfaction >= 4 or wait_p90_min <= 30",), records)["constraints"][0]
    assert either["status"] == MET
    negated = judged_alone(("not wait_p90_min <= 30",), records)["constraints"][0]
    assert negated["status"] == MET


def test_undefined_kpi_and_single_replication_are_undecided() -> None:
    undefined = judged_alone(("satisfaction >= 4",), [record(satisfaction=None)] * 3)
    assert undefined["feasible"] is None and "undefined" in undefined["constraints"][0]["evidence"]
    single = judged_alone(("satisfaction >= 4",), [record(satisfaction=4.5)])
    assert single["feasible"] is None and "one replication" in single["constraints"][0]["evidence"]


def test_sla_targets_are_judged_like_constraints() -> None:
    targets = (SlaTarget("desk", None, 0.8), SlaTarget("desk", "gold", 0.95))
    judged = judged_alone((), [record(sla=a) for a in (0.85, 0.86, 0.87)], targets=targets)
    statuses = [t["status"] for t in judged["sla_targets"]]
    assert statuses == [MET, VIOLATED] and judged["feasible"] is False
    assert judged["sla_targets"][1]["evidence"].startswith("desk/gold sla_attainment 0.860")


def test_ranking_leaves_out_the_infeasible_and_says_which_are_indistinguishable() -> None:
    scores = {"a": [0.50, 0.52, 0.51], "b": [0.60, 0.61, 0.62], "c": [0.505, 0.515, 0.52],
              "d": [0.90, 0.90, 0.90]}
    ranking, detail = rank({"a": True, "b": None, "c": True, "d": False}, scores)
    assert ranking == ["b", "c", "a"]
    assert detail[0]["distinguishable_from_next"] is True     # b − c ≈ 0.097, tight
    assert detail[1]["distinguishable_from_next"] is False    # c − a: interval holds 0
    assert "lead_over_next" not in detail[2]


def test_judge_with_a_reference_uses_its_scales() -> None:
    view = perspective({"profit": 1})
    baseline = [record(profit=100.0, revenue=1000.0)] * 2
    variant = [record(profit=200.0, revenue=1100.0)] * 2
    judged = judge(view, variant, objective_scales(view, baseline), "base")
    assert judged["score"]["mean"] == pytest.approx(1.1) and judged["reference"] == "base"
