"""Charts of a run, checked on what they hold (lines, labels, values) against the result files.

The small run measures 8 days after a 1-day warm-up: its window [24 h, 192 h) holds each hour
of the week exactly once, so each replication's profile is the time series itself and the
expected values are read straight from timeseries.csv.
"""

from __future__ import annotations

import csv
import json
import math
import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stratsim.report import run_charts, style
from stratsim.report.charts import draw_all, save_all
from stratsim.report.findings import NBSP, hour_ranges
from stratsim.report.results import RunResults

RUN_CHARTS = ["arrivals-by-hour", "capacity-by-hour", "wait-by-hour", "utilisation-heatmap",
              "wait-distribution", "money"]


def series(folder: Path, column: str) -> dict[str, np.ndarray]:
    """Per service, the column's value by replication and hour of the week (window only)."""
    out: dict[str, np.ndarray] = {}
    with open(folder / "timeseries.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            t = float(row["time_h"])
            if 24 <= t < 192:
                array = out.setdefault(row["service"], np.full((3, 168), np.nan))
                value = row[column]
                array[int(row["replication"]), int(t) % 168] = float(value) if value else np.nan
    return out


def line(ax, text: str):
    found = [ln for ln in ax.get_lines() if ln.get_label() == text]
    assert len(found) == 1, [ln.get_label() for ln in ax.get_lines()]
    return found[0]


def panels(figure):
    return [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]


@pytest.fixture(scope="module")
def results(small_run) -> RunResults:
    return RunResults.load(small_run)


def test_every_run_chart_is_saved_as_png_and_svg_of_the_standard_width(results, tmp_path):
    drawings = draw_all(results)
    assert [d.name for d in drawings] == RUN_CHARTS
    charts = save_all(drawings, tmp_path / "charts")
    for drawing, chart in zip(drawings, charts):
        with Image.open(chart.png) as image:
            image.verify()
        with Image.open(chart.png) as image:
            width, height = drawing.figure.get_size_inches() * style.DPI
            assert image.format == "PNG" and image.size == (round(width), round(height))
            assert image.size[0] == 1200
            assert len(image.convert("RGB").getcolors(1_000_000)) > 50    # drawn, not blank
        root = ElementTree.parse(chart.svg).getroot()
        assert root.tag.endswith("svg")
        assert chart.finding and chart.caption


def test_charts_are_readable_on_a_projector(results):
    for drawing in draw_all(results):
        title = drawing.figure.get_suptitle()
        assert drawing.figure._suptitle.get_fontsize() >= 14
        assert max(len(line_) for line_ in title.split("\n")) <= style.TITLE_WRAP
        for ax in panels(drawing.figure):
            assert ax.xaxis.label.get_fontsize() >= 12 and ax.yaxis.label.get_fontsize() >= 12
            for tick in ax.get_xticklabels() + ax.get_yticklabels():
                assert tick.get_fontsize() >= 12


def test_arrivals_chart_holds_the_simulated_mean_and_the_scenarios_rate(results, small_run):
    figure = run_charts.run_arrivals(results)[0].figure
    model = json.loads((small_run / "model.json").read_text())
    arrivals = series(small_run, "arrivals")
    assert [ax.get_title() for ax in panels(figure)] == ["desk", "backup"]
    for ax, service in zip(panels(figure), ("desk", "backup")):
        simulated = line(ax, "simulated arrivals per hour")
        assert np.allclose(simulated.get_ydata(), arrivals[service].mean(axis=0))
        expected = line(ax, "expected rate λ(h) from the scenario")
        assert np.allclose(expected.get_ydata(), model["services"][service]["arrival_rate_per_h"])
        assert len(ax.collections) == 1   # the replication band
    assert figure.get_suptitle().startswith("Demand peaks on")


def test_capacity_chart_sets_staff_against_offered_load_and_busy_servers(results, small_run):
    figure = run_charts.run_capacity(results)[0].figure
    model = json.loads((small_run / "model.json").read_text())["services"]
    busy = series(small_run, "busy_mean")
    for ax, service in zip(panels(figure), ("desk", "backup")):
        staff = line(ax, "staff on duty").get_ydata()
        assert list(staff[:-1]) == model[service]["staff"]
        load = line(ax, "offered load λ·E[S] (servers the demand needs on average)").get_ydata()
        assert np.allclose(load, model[service]["offered_load_erlangs"])
        assert np.allclose(line(ax, "busy servers (simulated)").get_ydata(), busy[service].mean(axis=0))
        short = [h for h, (l, s) in enumerate(zip(load, model[service]["staff"])) if l > 0 and l >= s]
        assert len(ax.patches) == len(hour_ranges(short))


def test_wait_chart_holds_the_mean_wait_by_hour_and_the_sla(results, small_run):
    figure = run_charts.run_waits_by_hour(results)[0].figure
    waits = series(small_run, "wait_mean_min")
    desk, backup = panels(figure)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # hours nobody started in: nan
        expected = np.nanmean(waits["desk"], axis=0)
    assert np.allclose(line(desk, "mean wait").get_ydata(), expected, equal_nan=True)
    assert line(desk, "SLA wait").get_ydata()[0] == 15.0
    assert desk.get_title() == f"desk (SLA wait 15{NBSP}min)"
    assert "SLA wait" not in [ln.get_label() for ln in backup.get_lines()]   # backup has no SLA


def test_utilisation_heatmap_is_busy_over_staffed_by_day_and_hour(results, small_run):
    figure = run_charts.run_utilisation(results)[0].figure
    busy, staffed = series(small_run, "busy_mean"), series(small_run, "staffed_mean")
    for ax, service in zip(panels(figure), ("desk", "backup")):
        (image,) = ax.get_images()
        expected = (busy[service] / staffed[service]).mean(axis=0).reshape(7, 24)
        assert np.allclose(image.get_array().filled(np.nan), expected, equal_nan=True)
        peak = int(np.nanargmax(expected))
        (outline,) = ax.patches
        assert outline.get_xy() == (peak % 24, peak // 24)
    assert "<colorbar>" in [ax.get_label() for ax in figure.axes]


def test_wait_distribution_meets_the_sla_attainment_at_the_sla_wait(results, small_run):
    figure = run_charts.run_wait_distribution(results)[0].figure
    desk = panels(figure)[0]
    with open(small_run / "replications.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["scope"] == "tier" and r["id"] == "desk"]
    with open(small_run / "waits.csv", newline="") as handle:
        waits = [r for r in csv.DictReader(handle) if r["service"] == "desk"]
    for tier in ("gold", "std"):
        value = {(r["replication"], r["kpi"]): float(r["value"]) for r in rows if r["tier"] == tier}
        admitted = [value[(str(k), "served")] + value[(str(k), "reneged")] for k in range(3)]
        hits = sum(value[(str(k), "sla_attainment")] * admitted[k] for k in range(3))
        exact = hits / sum(admitted)
        # the curve is linear inside the 2.3 %-wide histogram bin holding 15 min: it may be off by
        # at most that bin's share of the customers
        straddling = sum(float(r["customers"]) for r in waits if r["tier"] == tier
                         and float(r["wait_from_min"]) <= 15.0 < float(r["wait_to_min"] or "inf"))
        (curve,) = [ln for ln in desk.get_lines() if ln.get_label().startswith(f"{tier}:")]
        at_sla = float(np.interp(15.0, curve.get_xdata(), curve.get_ydata())) / 100
        assert abs(at_sla - exact) <= straddling / sum(admitted) + 1e-12
        served = sum(value[(str(k), "served")] for k in range(3))
        assert f"({served:,.0f} served, {sum(admitted) - served:,.0f} gave up)" in curve.get_label()
    assert [ax.get_title() for ax in panels(figure)] == ["desk", "backup"]


def test_the_wait_distribution_explains_only_the_lines_it_draws(results):
    desk, backup = panels(run_charts.run_wait_distribution(results)[0].figure)
    # desk's tiers have an SLA wait and its default attainment target (80 %), backup neither
    styles = [ln.get_linestyle() for ln in desk.get_lines()]
    assert styles.count("--") == 2 and styles.count(":") == 2
    assert desk.get_xlabel() == "wait before service starts (min); dashed: SLA wait; dotted: target share"
    assert not [ln for ln in backup.get_lines() if ln.get_linestyle() in ("--", ":")]
    assert backup.get_xlabel() == "wait before service starts (min)"
    assert run_charts.line_key(True, False) == "; dashed: SLA wait"


def test_money_chart_holds_revenue_cost_by_category_and_profit(results, small_run):
    figure = run_charts.run_money(results)[0].figure
    summary = json.loads((small_run / "summary.json").read_text())
    (ax,) = panels(figure)
    levels = [summary["services"]["desk"], summary["services"]["backup"], summary["kpis"]]
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == 5 * len(levels)   # revenue, three cost parts, profit
    for i, level in enumerate(levels):
        revenue, staff, requests, fixed, profit = heights[5 * i: 5 * i + 5]
        assert revenue == pytest.approx(level["revenue"]["mean"])
        assert (staff, requests, fixed) == pytest.approx(
            (level["cost_staff"]["mean"], level["cost_requests"]["mean"], level["cost_fixed"]["mean"]))
        assert profit == pytest.approx(level["profit"]["mean"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["desk", "backup", "portfolio"]


def test_charts_without_their_data_are_left_out(run_copy):
    for name in ("timeseries.csv", "week.csv", "waits.csv"):
        (run_copy / name).unlink()
    assert [d.name for d in draw_all(RunResults.load(run_copy))] == ["money"]


def test_without_money_there_is_no_money_chart(run_copy):
    summary = json.loads((run_copy / "summary.json").read_text())
    for level in [summary["kpis"], *summary["services"].values()]:
        for kpi in ("revenue", "cost", "cost_staff", "cost_requests", "cost_fixed", "profit"):
            level[kpi] = {"mean": 0.0, "ci95": [0.0, 0.0], "std": 0.0, "n": 3}
    (run_copy / "summary.json").write_text(json.dumps(summary))
    assert "money" not in [d.name for d in draw_all(RunResults.load(run_copy))]


def test_an_older_time_series_without_waits_gets_the_queue_chart(run_copy):
    (run_copy / "week.csv").unlink()   # older results had no week.csv: the report folds the series
    path = run_copy / "timeseries.csv"
    with open(path, newline="") as handle:
        rows = [row[:9] for row in csv.reader(handle)]
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    names = [d.name for d in draw_all(RunResults.load(run_copy))]
    assert "queue-by-hour" in names and "wait-by-hour" not in names


def test_without_model_json_staff_comes_from_the_time_series(run_copy):
    (run_copy / "model.json").unlink()
    figure = run_charts.run_capacity(RunResults.load(run_copy))[0].figure
    staffed = series(run_copy, "staffed_mean")
    desk = panels(figure)[0]
    assert np.allclose(line(desk, "staff on duty").get_ydata()[:-1], staffed["desk"].mean(axis=0))
    assert not [ln for ln in desk.get_lines() if ln.get_label().startswith("offered load")]
    assert not math.isnan(line(desk, "busy servers (simulated)").get_ydata()[0])


def money_level(revenue: float, cost: float) -> dict:
    """A service's money KPIs as the summary holds them (cost split staff 60 %, requests 10 %, fixed 30 %)."""
    def stat(mean: float) -> dict:
        return {"mean": mean, "ci95": [mean - 0.01 * abs(mean), mean + 0.01 * abs(mean)]}
    return {"revenue": stat(revenue), "cost": stat(cost), "profit": stat(revenue - cost),
            "cost_staff": stat(0.6 * cost), "cost_requests": stat(0.1 * cost), "cost_fixed": stat(0.3 * cost)}


# The cloud example's money chart: six customer-facing and four internal services (no revenue),
# seven-digit money, long names.
CUSTOMER_FACING = {"compute": (5_336_593.0, 2_667_882.0), "managed-db": (4_054_220.0, 1_921_110.0),
                   "kubernetes": (2_489_263.0, 1_418_259.0), "backup": (847_110.0, 680_205.0),
                   "support": (1_537_206.0, 908_581.0), "legacy-hosting": (698_707.0, 800_147.0)}
INTERNAL_SERVICES = {"identity": 973_154.0, "network": 1_263_037.0, "storage": 1_392_825.0,
                     "customer-relations": 72_962.0}
CLOUD_LEVELS = {**{name: money_level(*money) for name, money in CUSTOMER_FACING.items()},
                **{name: money_level(0.0, cost) for name, cost in INTERNAL_SERVICES.items()},
                "portfolio": money_level(14_963_099.0, 12_098_164.0)}
MARGINS = {"compute": 846_077.0, "managed-db": 1_584_169.0, "kubernetes": 343_240.0, "backup": -9_507.0,
           "support": 374_000.0, "legacy-hosting": -200_082.0}


def test_money_labels_and_service_names_do_not_overlap_on_a_wide_portfolio():
    from report_testkit import laid_out, overlapping_slanted_texts, overlapping_texts

    with style.chart_style():   # the report's font sizes
        figure = run_charts.money_figure(CLOUD_LEVELS, 364.0, MARGINS)
        renderer = laid_out(figure)
    (ax,) = panels(figure)
    labels_per_service = 3 * len(CUSTOMER_FACING) + len(INTERNAL_SERVICES) + 3   # revenue, cost, profit
    assert len(ax.texts) == labels_per_service
    assert overlapping_texts(ax.texts, renderer) == []
    top = ax.get_window_extent(renderer).y1
    assert [t.get_text() for t in ax.texts if t.get_window_extent(renderer).y1 > top] == []
    assert overlapping_slanted_texts(ax.get_xticklabels(), renderer) == []


def test_internal_services_have_no_profit_bar_and_the_title_judges_margins():
    figure = run_charts.money_figure(CLOUD_LEVELS, 364.0, MARGINS)
    (ax,) = panels(figure)
    bars_per_level = 5   # revenue, three cost parts, profit
    assert len(ax.patches) == bars_per_level * (len(CLOUD_LEVELS)) - len(INTERNAL_SERVICES)
    names = [t.get_text() for t in ax.get_xticklabels()]
    assert [n for n in names if n.endswith("(internal)")] == [f"{n} (internal)" for n in INTERNAL_SERVICES]
    finding = style.finding_of(figure)
    assert "2 customer-facing services run at a loss, most legacy-hosting (−200,082)" in finding
    assert not any(name in finding for name in INTERNAL_SERVICES)


def test_an_hour_staffed_only_by_overrun_is_hatched_not_shown_as_fully_busy():
    # the roster ends at 24:00; in Monday's first hour one server is still finishing its last
    # customer, so busy / staffed is 1 there by construction: hatched, out of colour and title
    from stratsim.report.profiles import WeekProfile

    hours = 168
    rostered = [1.0 if 8 <= h % 24 < 24 else 0.0 for h in range(hours)]
    staffed = np.array(rostered)
    staffed[0] = 0.3                                # overrun after Sunday's shift
    busy = staffed * 0.6
    busy[0] = staffed[0]                            # the overrunning server is busy until it leaves
    shape = (1, 1, hours)
    profile = WeekProfile(("desk",), np.ones(shape), np.zeros(shape), busy.reshape(shape),
                          staffed.reshape(shape), None, None)
    assert run_charts.overrun_only_hours(staffed, rostered).tolist() == [h == 0 for h in range(hours)]
    figure = run_charts.utilisation_figure(profile, None, {"desk": rostered})
    (image,) = figure.axes[0].get_images()
    assert np.ma.is_masked(image.get_array()[0, 0])
    hatched = [p for p in figure.axes[0].patches if p.get_hatch()]
    assert [p.get_xy() for p in hatched] == [(0, 0)]
    assert "100" not in figure.get_suptitle() and "Mon 00:00" not in figure.get_suptitle()
    without_roster = run_charts.utilisation_figure(profile)
    assert without_roster.axes[0].get_images()[0].get_array()[0, 0] == pytest.approx(1.0)


def test_a_four_hour_bin_with_one_rostered_hour_is_real_duty():
    rostered = [0.0] * 168
    rostered[3] = 1.0
    staffed = np.zeros(168)
    staffed[0:4] = 0.25
    overrun = run_charts.overrun_only_hours(staffed, rostered, bin_h=4.0)
    assert not overrun[:4].any()
    assert run_charts.overrun_only_hours(staffed, rostered, bin_h=1.0)[:3].all()


def test_the_busiest_outline_covers_the_whole_four_hour_bin():
    from stratsim.report.profiles import WeekProfile

    bin_h = 4.0
    staffed = np.ones(168)
    busy = np.full(168, 0.5)
    busy[8:12] = 0.9                                 # one 4 h bin, its hours one value
    shape = (1, 1, 168)
    profile = WeekProfile(("desk",), np.ones(shape), np.zeros(shape), busy.reshape(shape),
                          staffed.reshape(shape), None, None, bin_h=bin_h)
    figure = run_charts.utilisation_figure(profile)
    (outline,) = [p for p in figure.axes[0].patches if not p.get_hatch()]
    assert outline.get_xy() == (8, 0) and outline.get_width() == bin_h
    assert "Mon 08:00–12:00" in figure.get_suptitle()
