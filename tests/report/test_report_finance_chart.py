"""The finance chart: budget against actual by month, and showback per customer-facing service."""

from __future__ import annotations

from PIL import Image

from stratsim.report import finance_charts, style
from stratsim.report.charts import chart_functions
from stratsim.report.results import COMPARE, CompareResults


def stat(mean: float, half: float = 1.0) -> dict:
    return {"mean": mean, "ci95": [mean - half, mean + half], "std": half, "n": 3}


FINANCE = {
    "budget": {"per_month": 30000.0, "months": [
        {"month": 1, "start_hours": 0.0, "hours": 720.0, "budget": 30000.0, "cost": stat(32000.0),
         "variance": stat(-2000.0)},
        {"month": 2, "start_hours": 720.0, "hours": 240.0, "budget": 10000.0, "cost": stat(9000.0),
         "variance": stat(1000.0)},
    ]},
    "showback": {"internal_cost": stat(500.0), "allocated_cost": stat(500.0), "unallocated_cost": stat(0.0),
                 "services": {
                     "shop": {"allocated_cost": stat(500.0), "margin": stat(-100.0),
                              "allocated_from": {"identity": stat(500.0)}},
                     "mail": {"allocated_cost": stat(0.0), "margin": stat(200.0), "allocated_from": {}},
                 }},
}
SERVICES = {"shop": {"cost": stat(1000.0)}, "mail": {"cost": stat(100.0)}}


def test_finance_chart_holds_budget_actual_and_showback(tmp_path):
    figure = finance_charts.finance_figure(FINANCE, SERVICES)
    budget_ax, showback_ax = figure.axes
    assert [bar.get_height() for bar in budget_ax.patches] == [32000.0, 9000.0]
    budget_lines = [segment for collection in budget_ax.collections for segment in collection.get_segments()]
    horizontal = [line[0][1] for line in budget_lines if line[0][1] == line[1][1]]
    assert horizontal == [30000.0, 10000.0]   # the budget marks (error bars are vertical)
    heights = [bar.get_height() for bar in showback_ax.patches]
    assert heights == [1000.0, 500.0, -100.0, 100.0, 200.0]   # own, allocated, margin; mail: own, margin
    assert [t.get_text() for t in showback_ax.get_xticklabels()] == ["shop", "mail"]
    assert style.finding_of(figure) == ("1 of 2 months over budget (total variance −1,000); lowest "
                                        "margin after showback: shop (−100)")
    png, _ = style.save(figure, tmp_path, "finance")
    with Image.open(png) as image:
        assert image.size[0] >= 1000 and image.getextrema() != ((255, 255), (255, 255), (255, 255))


def test_finance_chart_needs_a_finance_section():
    class Results:
        summary = {"services": SERVICES}
    assert finance_charts.run_finance(Results()) == []  # type: ignore[arg-type]


def test_budget_only_draws_one_panel():
    figure = finance_charts.finance_figure({"budget": FINANCE["budget"]}, SERVICES)
    assert len(figure.axes) == 1
    assert style.finding_of(figure).startswith("1 of 2 months over budget")


def test_a_comparison_draws_one_finance_chart_per_scenario_with_finance(tmp_path):
    class Run:
        def __init__(self, summary: dict) -> None:
            self.summary = summary
    comparison = {"baseline": "base", "scenarios": {"base": {}, "plain": {}, "more-staff": {}}}
    runs = {"base": Run({"services": SERVICES, "finance": FINANCE}), "plain": Run({"services": SERVICES}),
            "more-staff": Run({"services": SERVICES, "finance": {"budget": FINANCE["budget"]}})}
    with style.chart_style():
        drawings = finance_charts.compare_finance(CompareResults(tmp_path, comparison, None, runs))  # type: ignore[arg-type]
    assert [d.name for d in drawings] == ["finance-1", "finance-3"]   # numbered by place, "plain" has none
    assert style.finding_of(drawings[0].figure).startswith("base: 1 of 2 months over budget")
    assert style.finding_of(drawings[1].figure).startswith("more-staff: ")
    assert [len(d.figure.axes) for d in drawings] == [2, 1]
    assert finance_charts.compare_finance in chart_functions(COMPARE)
