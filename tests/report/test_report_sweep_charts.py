"""Charts of a sweep, on sweep.csv folders written as the sweep command writes them."""

from __future__ import annotations

import numpy as np
import pytest
from report_testkit import write_sweep_folder

from stratsim.errors import ResultsError
from stratsim.report import sweep_charts, write_report
from stratsim.report.charts import draw_all
from stratsim.report.results import SweepResults, load_results
from stratsim.report.style import finding_of

STAFF = [4, 5, 6, 7, 8]


def profit_at(staff: float) -> float:
    return 20000 + 3000 * staff - 400 * staff * staff


@pytest.fixture
def one_parameter(tmp_path):
    profit = [(profit_at(s), profit_at(s) - 500, profit_at(s) + 500) for s in STAFF]
    sla = [(0.5 + 0.08 * s, 0.49 + 0.08 * s, 0.51 + 0.08 * s) for s in STAFF]
    return write_sweep_folder(tmp_path / "sweep", ["services.helpdesk.staff"], [[s] for s in STAFF],
                              {"profit": profit, "sla_attainment": sla}, pareto=["profit", "sla_attainment"],
                              front=[True, True, True, True, True])


def test_one_parameter_gives_a_line_per_chosen_kpi_and_the_front(one_parameter):
    results = load_results(one_parameter)
    assert isinstance(results, SweepResults) and results.params == ["services.helpdesk.staff"]
    drawings = draw_all(results)
    assert [d.name for d in drawings] == ["response-profit", "response-sla_attainment", "pareto-front"]
    (ax,) = drawings[0].figure.axes
    mean = [ln for ln in ax.get_lines() if ln.get_label() == "mean"][0]
    assert list(mean.get_xdata()) == STAFF
    assert list(mean.get_ydata()) == [profit_at(s) for s in STAFF]
    best = [ln for ln in ax.get_lines() if ln.get_label() == "best point"][0]
    assert (best.get_xdata()[0], best.get_ydata()[0]) == (4, profit_at(4))
    assert finding_of(drawings[0].figure).startswith("Profit is best at services.helpdesk.staff = 4")
    (sla_ax,) = drawings[1].figure.axes
    sla = [ln for ln in sla_ax.get_lines() if ln.get_label() == "mean"][0]
    assert np.allclose(sla.get_ydata(), [(0.5 + 0.08 * s) * 100 for s in STAFF])   # shares as %


def test_pareto_chart_highlights_the_front(tmp_path):
    profit = [(100, 90, 110), (80, 70, 90), (60, 50, 70), (50, 40, 60)]
    sla = [(0.7, 0.69, 0.71), (0.9, 0.89, 0.91), (0.8, 0.79, 0.81), (0.95, 0.94, 0.96)]
    folder = write_sweep_folder(tmp_path / "s", ["services.helpdesk.staff"], [[4], [5], [6], [7]],
                                {"profit": profit, "sla_attainment": sla}, pareto=["profit", "sla_attainment"],
                                front=[True, True, False, True])
    figure = sweep_charts.sweep_pareto(load_results(folder))[0].figure
    (ax,) = figure.axes
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["staff=4", "staff=5", "staff=7"]
    front_line = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-" and len(ln.get_xdata()) == 3][0]
    assert list(front_line.get_xdata()) == [50, 80, 100]   # joined in order of profit
    assert finding_of(figure).startswith("3 of 4 points are on the front")
    assert "higher is better" in ax.get_xlabel() and "higher is better" in ax.get_ylabel()


def test_two_parameters_on_a_grid_give_a_heatmap(tmp_path):
    points = [[s, w] for s in STAFF for w in ("15min", "30min")]
    waits = [(10.0 / s + (1 if w == "30min" else 0), 0, 0) for s, w in points]
    folder = write_sweep_folder(tmp_path / "s", ["services.helpdesk.staff", "services.helpdesk.sla.wait"],
                                points, {"wait_mean_min": [(m, m - 0.1, m + 0.1) for m, _, _ in waits]})
    drawings = draw_all(load_results(folder))
    assert [d.name for d in drawings] == ["response-wait_mean_min"]
    ax = drawings[0].figure.axes[0]
    (image,) = ax.get_images()
    grid = image.get_array()
    assert grid.shape == (2, 5)
    assert grid[0, 0] == pytest.approx(10.0 / 4) and grid[1, 4] == pytest.approx(10.0 / 8 + 1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["15min", "30min"]
    assert finding_of(drawings[0].figure).startswith(
        "Mean wait is best at services.helpdesk.staff = 8, services.helpdesk.sla.wait = 15min")


def test_scattered_points_give_a_panel_per_parameter(tmp_path):
    points = [[4, 0.5], [6, 0.9], [5, 0.1]]
    folder = write_sweep_folder(tmp_path / "s", ["a.staff", "b.rate"], points,
                                {"profit": [(1.0, 0.5, 1.5), (2.0, 1.5, 2.5), (3.0, 2.5, 3.5)]})
    figure = draw_all(load_results(folder))[0].figure
    assert [ax.get_xlabel() for ax in figure.axes] == ["a.staff", "b.rate"]


def test_chosen_kpis_and_unknown_ones(one_parameter):
    report = write_report(one_parameter, kpis=["sla_attainment"])
    assert [c.name for c in report.charts] == ["response-sla_attainment", "pareto-front"]
    with pytest.raises(ResultsError, match="unknown KPI 'nonsense'"):
        write_report(one_parameter, kpis=["nonsense"])
