"""The verdict says what the numbers support and nothing more."""

from __future__ import annotations

from typing import Any

from stratsim.analysis.verdict import describe_difference, money_period, verdict

FOUR_WEEKS_H = 4 * 168


def diff(mean: float, low: float, high: float, significant: bool) -> dict[str, Any]:
    return {"mean": mean, "ci95": [low, high], "significant": significant}


def document(differences: dict[str, dict[str, Any]], perspectives: dict[str, dict[str, Any]] | None = None,
             ranking_detail: list[dict[str, Any]] | None = None, window_h: float = FOUR_WEEKS_H) -> dict[str, Any]:
    names = ["A", *differences]
    doc: dict[str, Any] = {
        "baseline": "A", "replications": 20, "horizon_hours": window_h + 24, "warmup_hours": 24,
        "scenarios": {n: ({"perspective": perspectives[n]} if perspectives and n in perspectives else {})
                      for n in names},
        "differences": {n: {"kpis": kpis} for n, kpis in differences.items()},
    }
    if ranking_detail is not None:
        doc["ranking_detail"] = ranking_detail
    return doc


KEY = ["wait_mean_min", "sla_attainment", "cost", "profit"]


def test_significant_differences_are_named_in_units_and_money_per_week() -> None:
    text = verdict(document({"B": {
        "wait_mean_min": diff(-11.0, -12.1, -9.8, True),
        "sla_attainment": diff(0.05, 0.041, 0.059, True),
        "cost": diff(4940.0, 4840.0, 5040.0, True),       # over 4 weeks: 1,210–1,260 a week
        "profit": diff(300.0, -100.0, 700.0, False),
    }}), KEY)
    assert text.startswith("Against A, B cuts mean wait by 9.80–12.10 min, raises SLA attainment by "
                           "4.10–5.90 percentage points and costs 1,210–1,260 more per week; "
                           "no significant difference in profit.")
    assert "money per week" in text and "Holm" in text


def test_nothing_significant_says_so_and_claims_no_winner() -> None:
    text = verdict(document({"B": {k: diff(0.1, -0.2, 0.4, False) for k in KEY}}), KEY)
    assert "B: no significant difference in mean wait, SLA attainment, cost and profit." in text
    assert "cuts" not in text and "raises" not in text and "Ranking" not in text


def test_infeasible_and_undecided_scenarios_with_their_evidence() -> None:
    violated = {"status": "violated", "evidence": "satisfaction 3.7 (3.6–3.8) < 4"}
    unsure = {"status": "undecided", "evidence": "cost 90,100 (89,000–91,200) vs budget 90,411 (undecided: …)"}
    met = {"status": "met", "evidence": "…"}
    perspectives = {
        "A": {"feasible": True, "constraints": [met], "sla_targets": []},
        "B": {"feasible": None, "constraints": [met, unsure], "sla_targets": []},
        "C": {"feasible": False, "constraints": [violated, met], "sla_targets": []},
    }
    text = verdict(document({"B": {}, "C": {}}, perspectives), KEY)
    assert "A meets every constraint and SLA target." in text
    assert "C is infeasible: satisfaction 3.7 (3.6–3.8) < 4." in text
    assert "For B the replications cannot decide cost 90,100" in text and "more replications would" in text


def test_ranking_names_order_and_ties() -> None:
    detail = [
        {"scenario": "B", "score": {"mean": 0.81, "ci95": [0.80, 0.82]}, "distinguishable_from_next": False},
        {"scenario": "A", "score": {"mean": 0.805, "ci95": [0.795, 0.815]}, "distinguishable_from_next": True},
        {"scenario": "C", "score": {"mean": 0.70, "ci95": None}},
    ]
    text = verdict(document({"B": {}, "C": {}}, ranking_detail=detail), KEY)
    assert ("Ranking by score of the scenarios not shown infeasible: 1. B 0.810 (0.800–0.820), "
            "2. A 0.805 (0.795–0.815), 3. C 0.7; not distinguishable: B and A.") in text
    assert "every one is infeasible" in verdict(document({"B": {}}, ranking_detail=[]), KEY)


def test_money_over_a_short_window_is_said_per_window() -> None:
    assert money_period(FOUR_WEEKS_H) == (4.0, "per week")
    assert money_period(48) == (1.0, "over the 48-hour measured window")
    assert describe_difference("profit", diff(-500.0, -600.0, -400.0, True), 48) == (
        "cuts profit by 400–600 over the 48-hour measured window")
    assert describe_difference("satisfaction", diff(0.2, 0.2, 0.2, True), 48) == "raises satisfaction by 0.2 points"
