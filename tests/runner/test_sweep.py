"""Sweeps run: common random numbers, the Pareto column, the table and its DataFrame."""

from __future__ import annotations

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


def test_a_point_judged_by_constraints_gets_its_feasibility_and_no_score():
    from stratsim.runner.sweep import extra_point_columns

    judged = {"perspective": {"constraints": [{"status": "violated"}], "sla_targets": [],
                              "feasible": False, "score": {"mean": 0.9}}}
    assert extra_point_columns(judged) == {"feasible": False}
    assert extra_point_columns({"perspective": {"constraints": [], "sla_targets": []}}) == {}
    assert extra_point_columns({}) == {}
