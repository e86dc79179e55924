"""Sweeps run: common random numbers, the Pareto column, the table and its DataFrame."""

from __future__ import annotations

import pytest

import stratsim
from stratsim.analysis.pareto import dominates
from stratsim.runner.simulation import simulate
from stratsim.scenario import load_scenario_text
from tests.conftest import SMALL_SCENARIO


def test_points_share_random_numbers_and_a_point_at_the_file_values_is_the_plain_run():
    result = stratsim.sweep(load_scenario_text(SMALL_SCENARIO), {"services.desk.staff": [2, 3]},
                            pareto=["profit", "wait_mean_min"])
    plain = simulate(load_scenario_text(SMALL_SCENARIO))
    assert result.documents[0]["summary"]["kpis"] == plain.summary["kpis"]
    assert result.documents[1]["summary"]["kpis"]["arrivals"] == plain.summary["kpis"]["arrivals"]  # same customers
    assert result.documents[1]["summary"]["kpis"] != plain.summary["kpis"]


def test_pareto_column_marks_exactly_the_undominated_points():
    result = stratsim.sweep(load_scenario_text(SMALL_SCENARIO),
                            ["services.desk.staff=1..3", "services.desk.price=30,60"],
                            pareto="profit,wait_mean_min", replications=2)
    column = result.columns.index("pareto")
    rows = result.rows()
    value = lambda row: (row[result.columns.index("profit_mean")], -row[result.columns.index("wait_mean_min_mean")])  # noqa: E731
    for row in rows:
        dominated = any(dominates(value(other), value(row)) for other in rows)
        assert row[column] is (not dominated)
    assert any(row[column] for row in rows)


def test_table_prints_and_converts_to_a_dataframe():
    result = stratsim.sweep(load_scenario_text(SMALL_SCENARIO), ["services.desk.staff=2..3"], replications=2)
    text = str(result)
    assert text.splitlines()[0].split()[:2] == ["point", "services.desk.staff"] and len(text.splitlines()) == 3
    frame = result.to_dataframe()
    assert list(frame.columns) == result.columns and len(frame) == 2
    assert frame["services.desk.staff"].tolist() == [2, 3]
    assert "arrivals_ci95_low" in frame.columns and "pareto" not in frame.columns


def test_a_point_judged_by_constraints_gets_its_feasibility():
    from stratsim.runner.sweep import extra_point_columns

    judged = {"perspective": {"constraints": [{"status": "violated"}], "sla_targets": [],
                              "feasible": False, "score": {"mean": 0.9}}}
    assert extra_point_columns(judged) == {"feasible": False}
    assert extra_point_columns({"summary": judged}) == {"feasible": False}   # a point's document
    assert extra_point_columns({"perspective": {"constraints": [], "sla_targets": []}}) == {}
    assert extra_point_columns({}) == {}


#: SMALL_SCENARIO judged by the mean wait (unbounded: normalised by the reference) and the SLA
#: attainment (bounded 0–1: absolute), equal weights, and one constraint.
SCORED = SMALL_SCENARIO + """\
  perspective:
    objectives: {wait_mean_min: 1, sla_attainment: 1}
    constraints: ["served >= 1"]
"""


def _column(result, name):
    return [row[result.columns.index(name)] for row in result.rows()]


def test_score_is_judged_against_the_base_scenario_hand_checked():
    """Point 0 is the file as written (backup staff 1): it scores what the base scores, 0.5 × 1
    + 0.5 × its SLA attainment; point 1 scores 0.5 × (1 − (wait − base wait) / base wait) +
    0.5 × its attainment, from its own KPI means (the score is linear in them)."""
    result = stratsim.sweep(load_scenario_text(SCORED), ["services.backup.staff=1..2"], replications=3)
    base = result.reference["summary"]["kpis"]
    scores, waits = _column(result, "score"), _column(result, "wait_mean_min_mean")
    slas = _column(result, "sla_attainment_mean")
    assert result.reference_score["mean"] == scores[0]
    assert scores[0] == pytest.approx(0.5 + 0.5 * base["sla_attainment"]["mean"], abs=1e-12)
    expected = 0.5 * (1 - (waits[1] - base["wait_mean_min"]["mean"]) / base["wait_mean_min"]["mean"]) + 0.5 * slas[1]
    assert scores[1] == pytest.approx(expected, abs=1e-12) and scores[1] != scores[0]
    low, high = _column(result, "score_ci95_low")[1], _column(result, "score_ci95_high")[1]
    assert low < scores[1] < high
    assert result.columns[-4:] == ["score", "score_ci95_low", "score_ci95_high", "feasible"]
    own = [d["summary"]["perspective"]["feasible"] for d in result.documents]   # the desk's SLA target: undecided
    assert _column(result, "feasible") == own


def test_score_rises_with_staff_as_the_wait_falls():
    """More backup staff on the same streams: the mean wait falls at every step, so a score that
    weighs only the wait rises at every step — judged alone, every point would score exactly 1."""
    scenario = SMALL_SCENARIO + "  perspective:\n    objectives: {wait_mean_min: 1}\n"
    result = stratsim.sweep(load_scenario_text(scenario), ["services.backup.staff=1..3"], replications=3)
    scores, waits = _column(result, "score"), _column(result, "wait_mean_min_mean")
    assert waits == sorted(waits, reverse=True) and len(set(waits)) == 3
    assert scores == sorted(scores) and len(set(scores)) == 3 and scores[0] == pytest.approx(1, abs=1e-12)
    alone = [d["summary"]["perspective"]["score"]["mean"] for d in result.documents]
    assert alone == pytest.approx([1, 1, 1], abs=1e-12)


def test_no_objectives_no_score_and_no_base_run():
    result = stratsim.sweep(load_scenario_text(SMALL_SCENARIO), ["services.backup.staff=1..2"], replications=2)
    assert result.reference is None and "score" not in result.columns and result.reference_score is None
