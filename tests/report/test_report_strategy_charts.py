"""The strategy timeline and the "What the strategy did" section, checked against the result
files of a small real run with a surge rule (capped by ``max_staff``, so some firings are
refused) and an evening pricing rule."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from report_testkit import make_run_folder

from stratsim.errors import ResultsError
from stratsim.report import strategy_charts
from stratsim.report.charts import draw_all
from stratsim.report.results import RunResults
from stratsim.report.sections import build_sections
from stratsim.report.style import finding_of
from tests.conftest import write

STRATEGY_SCENARIO = """\
stratsim: 1
name: small-strategy
horizon: 8d
warmup: 1d
replications: 2
seed: 5
services:
  - id: desk
    staff: 2
    queue_capacity: 10
    service_time: {dist: lognormal, mean: 20min, cv: 0.8}
    price: 40
  - id: backup
    staff: 1
    service_time: {dist: gamma, mean: 30min, cv: 0.5}
    price: 60
segments:
  - id: staff
    rate: 6
    daily_profile: business-hours
    mix: {desk: 0.85, backup: 0.15}
strategy:
  pattern:
    rosters:
      desk:
        - {days: mon-fri, from: "08:00", to: "18:00", staff: 3}
    rules:
      - name: desk-surge
        every: 15min
        when: "queue('desk') >= 3"
        then: {add_staff: {desk: 1}, for: 1h}
        cooldown: 15min
        max_staff: 4
  plan:
    pricing:
      - name: evening-price
        services: [desk]
        when: "hour >= 18"
        factor: 0.75
"""
HORIZON_H = 192.0


@pytest.fixture(scope="module")
def strategy_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("strategy-run")
    run, _ = make_run_folder(folder / "run", write(folder, "s.yaml", STRATEGY_SCENARIO), replications=2)
    return run


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def timeline(folder: Path):
    drawings = [d for d in draw_all(RunResults.load(folder)) if d.name == "strategy-timeline"]
    assert len(drawings) == 1
    return drawings[0].figure


def test_the_timeline_has_a_price_and_a_staff_panel_for_the_service_the_strategy_changed(strategy_run):
    figure = timeline(strategy_run)
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles == ["desk: price (replication 0)", "desk: staff on duty (replication 0)"]
    price_ax, staff_ax = figure.axes
    series = [r for r in rows(strategy_run, "timeseries.csv") if r["replication"] == "0" and r["service"] == "desk"]
    price = next(ln for ln in price_ax.get_lines() if ln.get_label().startswith("price"))
    assert np.allclose(price.get_ydata()[:-1], [float(r["price_mean"]) for r in series])
    assert {30.0, 40.0} <= set(np.round(price.get_ydata(), 9))
    staff = next(ln for ln in staff_ax.get_lines() if ln.get_label().startswith("staff on duty"))
    assert np.allclose(staff.get_ydata()[:-1], [float(r["staff_mean"]) for r in series])
    surge_bins = [r for r in series if float(r["surge_mean"]) > 0]
    bars = [p for c in staff_ax.containers for p in c.patches]
    assert surge_bins and len(bars) == len(surge_bins)
    assert np.allclose(sorted(b.get_height() for b in bars), sorted(float(r["surge_mean"]) for r in surge_bins))
    assert staff_ax.get_xlim() == (0.0, HORIZON_H)
    assert [t.get_text() for t in staff_ax.get_xticklabels()][:3] == ["Mon 1", "Tue 2", "Wed 3"]


def test_there_is_a_marker_per_firing_and_refusal_of_replication_0_labelled_by_rule(strategy_run):
    figure = timeline(strategy_run)
    events = [r for r in rows(strategy_run, "rules.csv") if r["replication"] == "0"
              and r["outcome"] in ("applied", "refused") and float(r["time_h"]) < HORIZON_H]
    assert {r["outcome"] for r in events if r["name"] == "desk-surge"} == {"applied", "refused"}
    markers = {ln.get_label(): ln for ax in figure.axes for ln in ax.get_lines()
               if ln.get_marker() not in ("None", None, "")}
    assert sum(len(ln.get_xdata()) for ln in markers.values()) == len(events)
    for name, outcome, text in [("desk-surge", "applied", "fired"), ("desk-surge", "refused", "refused"),
                                ("evening-price", "applied", "fired")]:
        times = sorted(float(r["time_h"]) for r in events if r["name"] == name and r["outcome"] == outcome)
        line = markers[f"{name} {text} ({len(times)})"]
        assert sorted(line.get_xdata()) == pytest.approx(times)
    price_ax, staff_ax = figure.axes
    assert all(ln.get_label().startswith("evening-price") for ln in price_ax.get_lines() if ln.get_label() in markers)
    assert all(ln.get_label().startswith("desk-surge") for ln in staff_ax.get_lines() if ln.get_label() in markers)


def test_the_title_counts_firings_per_replication_in_the_window_as_summary_json_does(strategy_run):
    summary = json.loads((strategy_run / "summary.json").read_text())
    finding = finding_of(timeline(strategy_run))
    surge = summary["rules"]["desk-surge"]
    assert f"desk-surge fired {surge['fired']['mean']:g} times a replication" in finding
    assert f"refused {summary['rules']['desk-surge']['refused']['mean']:g} times a replication" in finding
    assert "evening-price fired" in finding and "mostly evenings" in finding
    assert "desk's price stayed within 30–40" in finding


def test_the_section_tables_firings_refusals_and_the_top_refusal_reason(strategy_run):
    results = RunResults.load(strategy_run)
    section = next(s for s in build_sections(results, []) if s.key == "strategy")
    assert section.title == "What the strategy did"
    summary = results.summary["rules"]
    for name in ("desk-surge", "evening-price"):
        assert f"<td>{name}</td>" in section.body
    refused = [r for r in rows(strategy_run, "rules.csv")
               if r["outcome"] == "refused" and 24 <= float(r["time_h"]) < HORIZON_H]
    assert len(refused) == round(summary["desk-surge"]["refused"]["mean"] * 2)
    assert f"max_staff 4 reached ({len(refused):,})" in section.body


def test_a_run_without_a_strategy_has_neither_timeline_nor_section(small_run):
    results = RunResults.load(small_run)
    assert rows(small_run, "rules.csv") == []
    assert strategy_charts.run_strategy_timeline(results) == []
    assert "strategy-timeline" not in [d.name for d in draw_all(results)]
    assert "strategy" not in [s.key for s in build_sections(results, [])]


@pytest.mark.parametrize(("times", "expected"), [
    ([9.0, 10.0, 11.5, 33.0], "mostly Monday mornings"),          # 3 of 4 on Monday 06:00–12:00
    ([9.0, 33.0, 57.0, 130.0], "mostly mornings"),                 # Mon, Tue, Wed and Fri mornings
    ([1.0, 9.0, 15.0, 20.0], ""),                                  # no part of the day holds half
    ([], ""),
])
def test_when_the_firings_happened(times, expected):
    assert strategy_charts.when_text(times) == expected


def test_the_finding_states_prices_and_rare_refusals_as_totals():
    text = strategy_charts.strategy_finding({"surge": 41.0}, {"surge": 0.1}, {"surge": [9.0] * 41},
                                            {"desk": (0.8, 1.0), "backup": (60.0, 60.0)}, replications=20)
    assert text == ("surge fired 41 times a replication, mostly Monday mornings, refused 2 times in 20 "
                    "replications; desk's price stayed within 0.8–1; backup's price stayed at 60")
    assert strategy_charts.strategy_finding({}, {}, {}, {}, 5) == "The strategy never acted inside the measured window"


def test_a_long_horizon_is_ticked_by_week():
    figure = strategy_charts.timeline_figure(
        {"desk": strategy_charts.ServiceLine([0.0, 336.0], [336.0, 696.0], [1.0, 0.8], [2, 2], [0, 0])},
        [], {"desk": (True, False)}, horizon_h=696.0, warmup_h=24.0, finding="x")
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert labels == ["week 1", "week 2", "week 3", "week 4", "week 5"]


@pytest.mark.parametrize("weeks, step", [(4, 1), (20, 2), (52, 4), (53, 4), (104, 13), (520, 52)])
def test_week_ticks_thin_out_with_the_run_length(weeks, step):
    assert strategy_charts.week_tick_step(weeks * 168.0) == step


def test_a_year_is_ticked_every_four_weeks_and_no_two_labels_overlap():
    horizon_h = 365 * 24.0
    figure = strategy_charts.timeline_figure(
        {"desk": strategy_charts.ServiceLine([0.0], [horizon_h], [1.0], [2], [0])},
        [], {"desk": (True, False)}, horizon_h=horizon_h, warmup_h=24.0, finding="x")
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:3] == ["week 1", "week 5", "week 9"]
    figure.draw_without_rendering()
    boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
    assert all(left.x1 < right.x0 for left, right in zip(boxes, boxes[1:]))


SERIES_HEADER = ("replication,datetime,time_h,bin_h,service,arrivals,queue_mean,busy_mean,staffed_mean,"
                 "started,wait_mean_min,price_mean,staff_mean,surge_mean,customers\n")


def test_read_lines_takes_one_replication_and_the_price_range_of_every_measured_bin(tmp_path):
    rows = [(r, t, s, price, staff) for r in range(2) for t in range(4)
            for s, price, staff in (("desk", 10.0 + r + t, 2), ("chat", 5.0, 1 + t))]
    path = tmp_path / "timeseries.csv"
    path.write_text(SERIES_HEADER + "".join(
        f"{r},,{float(t)},1.0,{s},1,0,0,1,1,2.0,{price},{staff},0.0,\n" for r, t, s, price, staff in rows),
        encoding="utf-8")
    lines, prices = strategy_charts.read_lines(path, replication=1, warmup_h=1.0)
    assert list(lines) == ["desk", "chat"]
    assert lines["desk"].start_h == [0.0, 1.0, 2.0, 3.0] and lines["desk"].end_h == [1.0, 2.0, 3.0, 4.0]
    assert lines["desk"].price == [11.0, 12.0, 13.0, 14.0] and lines["chat"].staff == [1.0, 2.0, 3.0, 4.0]
    assert prices == {"desk": (11.0, 14.0), "chat": (5.0, 5.0)}   # hour 0 of either replication is warm-up


def test_read_lines_of_a_series_without_the_strategy_columns_is_empty_and_a_damaged_one_an_error(tmp_path):
    path = tmp_path / "timeseries.csv"
    path.write_text("replication,datetime,time_h,bin_h,service,arrivals\n0,,0.0,1.0,desk,3\n", encoding="utf-8")
    assert strategy_charts.read_lines(path, 0, 0.0) == ({}, {})
    path.write_text(SERIES_HEADER + "0,,noon,1.0,desk,1,0,0,1,1,2.0,10,1,0,\n", encoding="utf-8")
    with pytest.raises(ResultsError, match="not a stratsim time series"):
        strategy_charts.read_lines(path, 0, 0.0)
