"""The finance chart: budget against actual by month, and showback per customer-facing service."""

from __future__ import annotations

from matplotlib.colors import to_hex
from PIL import Image
from report_testkit import laid_out, overlapping_slanted_texts, overlapping_texts

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


def test_one_month_budgets_without_showback_are_one_chart_across_the_scenarios(tmp_path):
    """Four weeks each and no dependencies: one bar per scenario beats one chart per scenario."""
    class Run:
        def __init__(self, summary: dict) -> None:
            self.summary = summary

    def one_month(cost: float) -> dict:
        return {"budget": {"per_month": 30000.0, "months": [
            {"month": 1, "start_hours": 24.0, "hours": 672.0, "budget": 28000.0, "cost": stat(cost),
             "variance": stat(28000.0 - cost)}]}}

    comparison = {"baseline": "base", "scenarios": {"base": {}, "plain": {}, "more-staff": {}}}
    runs = {"base": Run({"services": SERVICES, "finance": one_month(27000.0)}),
            "plain": Run({"services": SERVICES}),
            "more-staff": Run({"services": SERVICES, "finance": one_month(29500.0)})}
    results = CompareResults(tmp_path, comparison, None, runs)  # type: ignore[arg-type]
    with style.chart_style():
        (drawing,) = finance_charts.compare_finance(results)
    (ax,) = drawing.figure.axes
    assert drawing.name == "finance" and [bar.get_height() for bar in ax.patches] == [27000.0, 29500.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["base", "more-staff"]
    assert style.finding_of(drawing.figure) == ("1 of 2 scenarios over budget (more-staff); most left: "
                                                "base (1,000)")
    runs["base"] = Run({"services": SERVICES, "finance": FINANCE})   # months and showback: one each
    assert finance_charts.single_month_budgets(results) is None


# A year of months whose variances are six-digit numbers, and six customer-facing services with
# long names using three internal services: as crowded as the cloud example's finance chart.
MONTHS_IN_A_YEAR = 13
BUSY_SERVICES = ("compute", "managed-db", "kubernetes", "backup", "support", "legacy-hosting")
INTERNAL = ("identity", "network", "storage")
BUSY_FINANCE = {
    "budget": {"per_month": 1_050_000.0, "months": [
        {"month": m + 1, "start_hours": 720.0 * m, "hours": 720.0, "budget": 1_050_000.0,
         "cost": stat(950_000.0 + 1_000.0 * m, 5_000.0), "variance": stat(100_000.0 - 1_000.0 * m - 0.5)}
        for m in range(MONTHS_IN_A_YEAR)]},
    "showback": {"internal_cost": stat(3e6), "allocated_cost": stat(3e6), "unallocated_cost": stat(0.0),
                 "services": {name: {"allocated_cost": stat(3e5), "margin": stat(1_584_169.0 - 9e5 * (i % 2)),
                                     "allocated_from": {source: stat(1e5) for source in INTERNAL}}
                              for i, name in enumerate(BUSY_SERVICES)}},
}
BUSY_COSTS = {name: {"cost": stat(2_000_000.0)} for name in BUSY_SERVICES}


def busy_figure():
    """The crowded finance chart, drawn and laid out in the report's style (its font sizes);
    the figure and the renderer that measured it."""
    with style.chart_style():
        figure = finance_charts.finance_figure(BUSY_FINANCE, BUSY_COSTS)
        return figure, laid_out(figure)


def test_variance_labels_neither_overlap_nor_leave_their_panel():
    figure, renderer = busy_figure()
    for ax in figure.axes:
        assert len(ax.texts) == (MONTHS_IN_A_YEAR if ax is figure.axes[0] else len(BUSY_SERVICES))
        assert overlapping_texts(ax.texts, renderer) == []
        top = ax.get_window_extent(renderer).y1
        assert [t.get_text() for t in ax.texts if t.get_window_extent(renderer).y1 > top] == []


def test_service_names_on_the_showback_axis_do_not_overlap():
    figure, renderer = busy_figure()
    showback_ax = figure.axes[1]
    assert [t.get_text() for t in showback_ax.get_xticklabels()] == list(BUSY_SERVICES)
    assert overlapping_slanted_texts(showback_ax.get_xticklabels(), renderer) == []


def test_every_part_of_a_stack_has_its_own_palette_colour():
    figure, _ = busy_figure()
    (legend,) = figure.legends
    colours = {text.get_text(): to_hex(handle.get_facecolor())
               for text, handle in zip(legend.get_texts(), legend.legend_handles)
               if text.get_text() != "budget (prorated)"}   # a line, not a bar
    parts = ["own cost", *(f"allocated from {s}" for s in INTERNAL), "margin after allocation", "actual cost"]
    assert sorted(colours) == sorted(parts)
    assert len(set(colours.values())) == len(parts)
    palette = {c.lower() for c in (*style.SERIES, style.GREY, style.LIGHT_GREY, *style.COST_COLOURS)}
    assert set(colours.values()) <= palette


def test_the_legend_lies_inside_the_figure():
    figure, renderer = busy_figure()
    (legend,) = figure.legends
    inside, box = figure.bbox, legend.get_window_extent(renderer)
    assert inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0
