"""Charts of a comparison, on a comparison folder shaped as the compare command writes it."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from report_testkit import BASELINE, EARLY_SHIFT, make_compare_folder

from stratsim.report import compare_charts, style
from stratsim.report.charts import draw_all
from stratsim.report.labels import scaled
from stratsim.report.style import finding_of
from stratsim.report.results import CompareResults


@pytest.fixture(scope="module")
def comparison_folder(tmp_path_factory):
    return make_compare_folder(tmp_path_factory.mktemp("compare") / "cmp", [BASELINE, EARLY_SHIFT], replications=3)


@pytest.fixture(scope="module")
def results(comparison_folder):
    return CompareResults.load(comparison_folder)


def comparison(folder):
    return json.loads((folder / "comparison.json").read_text())


def test_compare_charts_of_scenarios_with_a_perspective(results):
    # the example baseline has a perspective: each scenario's summary holds its score
    # ... and a budget over a four-week window, no dependencies: one finance chart across them
    assert [d.name for d in draw_all(results)] == ["kpi-means", "differences", "scores",
                                                   "wait-by-hour-compare", "finance"]


def test_the_score_chart_reads_each_scenarios_perspective(results, comparison_folder):
    (ax,) = compare_charts.compare_scores(results)[0].figure.axes
    scenarios = comparison(comparison_folder)["scenarios"]
    expected = [scenarios[name]["perspective"]["score"]["mean"] for name in results.names]
    assert [bar.get_width() for bar in ax.patches] == pytest.approx(expected)


def test_compare_charts_without_scores(comparison_folder, tmp_path):
    folder = shutil.copytree(comparison_folder, tmp_path / "plain")
    data = comparison(folder)
    for summary in data["scenarios"].values():
        summary.pop("perspective", None)
    (folder / "comparison.json").write_text(json.dumps(data))
    assert [d.name for d in draw_all(CompareResults.load(folder))] == [
        "kpi-means", "differences", "wait-by-hour-compare", "finance"]


def test_kpi_means_chart_holds_each_scenarios_mean_and_interval(results, comparison_folder):
    figure = compare_charts.compare_means(results)[0].figure
    data = comparison(comparison_folder)
    names = ["helpdesk-baseline", "helpdesk-early-shift"]
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["Mean wait", "SLA attainment", "Satisfaction", "Reneged",
                                               "Profit", "Cost"]
    for ax, kpi in zip(axes, compare_charts.MEANS_KPIS):
        assert [c.get_label() for c in ax.containers] == names
        for container in ax.containers:
            stat = data["scenarios"][container.get_label()]["kpis"][kpi]
            point = container.lines[0]
            assert point.get_xdata()[0] == pytest.approx(scaled(kpi, stat["mean"]))
            (whisker,) = container.lines[2]
            low, high = whisker.get_segments()[0][:, 0]
            assert (low, high) == pytest.approx((scaled(kpi, stat["ci95"][0]), scaled(kpi, stat["ci95"][1])))
    # the fixture's flags: the title speaks of significant leads, never a bare "best mean"
    assert figure.get_suptitle().count("significantly better") == 1 and "best" not in figure.get_suptitle()


def test_forest_plot_marks_significant_differences(results, comparison_folder):
    figure = compare_charts.compare_forest(results)[0].figure
    (ax,) = figure.axes
    differences = comparison(comparison_folder)["differences"]["helpdesk-early-shift"]["kpis"]
    base = comparison(comparison_folder)["scenarios"]["helpdesk-baseline"]["kpis"]
    points = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert "Arrivals" not in rows   # identical in every replication (common random numbers)
    assert len(points) == len(rows)
    shown = {"Mean wait": "wait_mean_min", "Profit": "profit", "SLA attainment": "sla_attainment"}
    for point in points:
        label = rows[len(rows) - 1 - round(point.get_ydata()[0])]
        if label not in shown:
            continue
        stat = differences[shown[label]]
        assert point.get_xdata()[0] == pytest.approx(stat["mean"] / abs(base[shown[label]]["mean"]) * 100)
        filled = point.get_markerfacecolor() != "white"
        assert filled == stat["significant"]
        assert point.get_label().endswith("(significant)" if stat["significant"] else "(not significant)")
    assert ax.lines[0].get_xdata() is not None
    assert figure.get_suptitle().startswith("Against helpdesk-baseline") or "No KPI" in figure.get_suptitle()


def test_the_forest_colours_follow_better_and_worse():
    from stratsim.report.findings import Difference

    differences = [Difference("b", "wait_mean_min", -2.0, True), Difference("b", "profit", -5.0, True),
                   Difference("b", "satisfaction", 0.01, False)]
    intervals = {("b", "wait_mean_min"): [-3.0, -1.0], ("b", "profit"): [-8.0, -2.0],
                 ("b", "satisfaction"): [-0.02, 0.04]}
    figure = compare_charts.forest_figure(differences, intervals, {"wait_mean_min": 10.0, "profit": 100.0,
                                                                   "satisfaction": 4.0}, "a", ["a", "b"])
    markers = [ln for ln in figure.axes[0].get_lines() if ln.get_marker() == "o"]
    assert [m.get_color() for m in markers] == [style.BETTER_COLOUR, style.WORSE_COLOUR, style.GREY]
    assert [m.get_xdata()[0] for m in markers] == [pytest.approx(-20.0), pytest.approx(-5.0), pytest.approx(0.25)]
    assert markers[2].get_markerfacecolor() == "white"


def test_wait_comparison_has_a_line_per_scenario_and_service(results):
    figure = compare_charts.compare_waits(results)[0].figure
    for ax, service in zip(figure.axes, ("helpdesk", "cloud-backup")):
        assert ax.get_title() == service
        labels = [ln.get_label() for ln in ax.get_lines()]
        assert labels[:2] == ["helpdesk-baseline", "helpdesk-early-shift"]
        run = results.runs["helpdesk-baseline"].profile
        with np.errstate(invalid="ignore"):
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                expected = np.nanmean(run.wait_mean_min[:, run.index(service)], axis=0)
        assert np.allclose(ax.get_lines()[0].get_ydata(), expected, equal_nan=True)


def test_scores_and_feasibility_are_charted_when_the_comparison_has_them(comparison_folder, tmp_path):
    folder = shutil.copytree(comparison_folder, tmp_path / "cmp")
    data = comparison(folder)
    data["scores"] = {"helpdesk-baseline": 0.62, "helpdesk-early-shift": 0.71}
    data["feasible"] = {"helpdesk-baseline": True, "helpdesk-early-shift": False}
    (folder / "comparison.json").write_text(json.dumps(data))
    results = CompareResults.load(folder)
    drawing = compare_charts.compare_scores(results)[0]
    (ax,) = drawing.figure.axes
    bars = ax.patches
    assert [b.get_width() for b in bars] == [0.62, 0.71]
    assert bars[1].get_hatch() == "//" and bars[0].get_hatch() is None
    assert finding_of(drawing.figure) == ("helpdesk-baseline scores best among the feasible scenarios "
                                          "(0.62); 1 breaches a constraint")


def test_without_scenario_folders_the_week_chart_is_left_out(comparison_folder, tmp_path):
    folder = tmp_path / "bare"
    folder.mkdir()
    shutil.copy(comparison_folder / "comparison.json", folder)
    assert [d.name for d in draw_all(CompareResults.load(folder))] == ["kpi-means", "differences", "scores"]


def test_forest_money_is_per_week_as_in_the_verdict(tmp_path):
    from report_testkit import compare_results_folder

    from stratsim.report.labels import difference_text

    folder = compare_results_folder(tmp_path / "real", replications=3)
    (ax,) = compare_charts.compare_forest(CompareResults.load(folder))[0].figure.axes
    data = comparison(folder)
    weeks = (data["horizon_hours"] - data["warmup_hours"]) / 168
    texts = [t.get_text() for t in ax.texts]
    for kpi in ("revenue", "cost", "profit"):
        stat = data["differences"]["helpdesk-early-shift"]["kpis"][kpi]
        expected = difference_text(kpi, stat["mean"] / weeks) + "/week"
        assert any(t.startswith(expected) for t in texts), (expected, texts)


def test_best_is_claimed_only_for_a_significant_lead():
    two = ["base", "alt"]
    assert compare_charts.real_best("cost", {"base": 10.0, "alt": 12.0}, two, {"alt": True}) == "base"
    assert compare_charts.real_best("cost", {"base": 10.0, "alt": 12.0}, two, {"alt": False}) is None
    assert compare_charts.real_best("profit", {"base": 10.0, "alt": 12.0}, two, {"alt": True}) == "alt"
    assert compare_charts.real_best("profit", {"base": 10.0, "alt": 10.0}, two, {"alt": False}) is None
    # a third scenario: the lead of one non-baseline over another was never tested
    three = {"base": 10.0, "alt": 12.0, "other": 11.0}
    assert compare_charts.real_best("profit", three, ["base", "alt", "other"], {"alt": True, "other": True}) is None


def test_identical_scenarios_get_no_best_in_the_title():
    stat = {"mean": 5.0, "ci95": [4.0, 6.0]}
    means = {"wait_mean_min": {"a": stat, "b": stat}, "cost": {"a": stat, "b": stat}}
    figure = compare_charts.kpi_means_figure(means, ["a", "b"], {k: {"b": False} for k in means})
    title = figure.get_suptitle()
    assert "best" not in title and "No scenario is significantly better" in title


def test_millions_get_short_distinct_tick_labels():
    formatter = compare_charts.CompactTickFormatter()
    ticks = [12_120_000.0, 12_180_000.0, 12_240_000.0]
    formatter.set_locs(ticks)
    assert [formatter(t) for t in ticks] == ["12.12 M", "12.18 M", "12.24 M"]
    formatter.set_locs([28.5, 30.0, 31.5])
    assert [formatter(t) for t in (28.5, 30.0, 31.5)] == ["28.5", "30.0", "31.5"]
    formatter.set_locs([93.2, 93.25, 93.3])   # a narrow range: never the same label twice
    assert [formatter(t) for t in (93.2, 93.25, 93.3)] == ["93.20", "93.25", "93.30"]
    formatter.set_locs([0.0, 500.0, 1000.0])
    assert [formatter(t) for t in (0.0, 500.0, 1000.0)] == ["0", "500", "1,000"]
