"""``week.csv``: each replication's bins folded onto the week as they are written, the same
week the report used to fold from ``timeseries.csv``."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from stratsim.errors import ResultsError
from stratsim.report.profiles import read_week_csv, read_week_profile
from stratsim.runner.replications import join_timeseries, join_week
from stratsim.runner.simulation import simulate
from stratsim.runner.week_part import WEEK_COLUMNS
from stratsim.scenario import load_scenario_text
from tests.conftest import SMALL_SCENARIO

FIGURES = ("arrivals_per_h", "queue_mean", "busy_mean", "staffed_mean", "started_per_h", "wait_mean_min",
           "hours_measured")


@pytest.mark.parametrize("time_bin, warmup, horizon", [
    ("1h", "1d", "8d"),            # whole hours, the default
    ("25min", "430min", "9d"),     # bins across hours and a warm-up inside a bin
    ("3h", "1d", "365h"),         # bins of several hours and a short last bin
])
def test_the_week_written_while_the_series_streams_is_the_week_folded_from_the_file(
        tmp_path, time_bin, warmup, horizon):
    text = SMALL_SCENARIO.replace("horizon: 8d", f"horizon: {horizon}\ntime_bin: {time_bin}").replace(
        "warmup: 1d", f"warmup: {warmup}")
    scenario = load_scenario_text(text)
    result = simulate(scenario, timeseries_dir=tmp_path)
    join_timeseries(tmp_path, 3, tmp_path / "timeseries.csv")
    join_week(tmp_path, 3, tmp_path / "week.csv")
    services = ["backup", "desk"]   # report order need not be the model's
    model = result.model
    folded = read_week_profile(tmp_path / "timeseries.csv", services, 3, model.warmup_h, model.horizon_h)
    written = read_week_csv(tmp_path / "week.csv", services, 3, min(model.time_bin_h, model.horizon_h))
    assert written.services == folded.services and written.bin_h == folded.bin_h
    for name in FIGURES:
        ours, theirs = getattr(written, name), getattr(folded, name)
        assert ours.shape == (3, 2, 168)
        assert np.array_equal(np.isnan(ours), np.isnan(theirs)), name
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, err_msg=name)
    assert np.nansum(written.hours_measured) == pytest.approx(3 * 2 * (model.horizon_h - model.warmup_h))


def test_the_file_has_one_row_per_replication_service_and_hour_with_its_day_and_hour(tmp_path):
    simulate(load_scenario_text(SMALL_SCENARIO), timeseries_dir=tmp_path)
    join_week(tmp_path, 3, tmp_path / "week.csv")
    with open(tmp_path / "week.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == WEEK_COLUMNS
    assert len(rows) == 3 * 2 * 168
    assert [(r["replication"], r["service"]) for r in rows[::168]] == [
        (str(rep), service) for rep in range(3) for service in ("desk", "backup")]
    tuesday_nine = rows[24 + 9]
    assert (tuesday_nine["hour_of_week"], tuesday_nine["weekday"], tuesday_nine["hour"]) == ("33", "Tue", "9")
    # an 8-day horizon after a 1-day warm-up measures each hour of the week once
    assert {r["hours_measured"] for r in rows} == {"1.0"}
    # backup is used by the business-hours segment only: nobody starts there at 03:00, so
    # that hour's wait is left empty while its other figures are measured
    backup_three = rows[168 + 3]
    assert (backup_three["service"], backup_three["started_per_h"], backup_three["wait_mean_min"]) == (
        "backup", "0.0", "")
    assert backup_three["staffed_mean"] == "1.0"


@pytest.mark.parametrize("row, message", [
    ("7,desk,3,Mon,3,1.0,1,0,0,1,0,", "replication 7 is not in the summary's 1 replications"),
    ("0,desk,200,Mon,3,1.0,1,0,0,1,0,", "hour_of_week 200 is not in 0-167"),
    ("0,desk,5.7,Mon,5,1.0,1,0,0,1,0,", "hour_of_week 5.7 is not in 0-167"),
    ("0,desk,x,Mon,3,1.0,1,0,0,1,0,", "not a stratsim week"),
])
def test_a_damaged_week_is_a_results_error(tmp_path, row, message):
    path = tmp_path / "week.csv"
    path.write_text(",".join(WEEK_COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ResultsError, match=message):
        read_week_csv(path, ["desk"], 1)


def _week_rows(services: list[str], replications: int) -> list[str]:
    return [f"{r},{s},{h},Mon,{h % 24},2.0,{h / 10},0.5,1.0,2.0,{h / 20},7.5"
            for r in range(replications) for s in services for h in range(168)]


def test_a_whole_week_reads_back_hour_by_hour(tmp_path):
    path = tmp_path / "week.csv"
    rows = _week_rows(["other", "desk"], 2)
    rows[3 + 168] = "0,desk,3,Mon,3,0.0,,,,,,"   # an hour the window never covered
    path.write_text(",".join(WEEK_COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    week = read_week_csv(path, ["desk", "other"], 2)
    assert week.services == ("desk", "other")
    assert week.arrivals_per_h[1, 0, 5] == 0.5 and week.started_per_h[1, 1, 10] == 0.5
    assert week.hours_measured[0, 0, 3] == 0.0 and np.isnan(week.arrivals_per_h[0, 0, 3])
    assert np.isnan(week.wait_mean_min[0, 0, 3]) and week.wait_mean_min[0, 0, 4] == 7.5


@pytest.mark.parametrize("damage, message", [
    (lambda rows: rows[:-1], "replication 1, other, hour 167 has 0"),                     # cut short
    (lambda rows: rows + rows[-1:], "replication 1, other, hour 167 has 2"),              # a row twice
    (lambda rows: [r for r in rows if ",other," not in r], "replication 0, other, hour 0 has 0"),
    (lambda rows: [], "replication 0, desk, hour 0 has 0"),                             # the header alone
])
def test_a_week_missing_or_repeating_a_row_is_refused_not_averaged(tmp_path, damage, message):
    """A week.csv cut short, or left beside another run's files, is an error naming the first
    row that is not there exactly once."""
    path = tmp_path / "week.csv"
    rows = damage(_week_rows(["desk", "other"], 2))
    path.write_text(",".join(WEEK_COLUMNS) + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    with pytest.raises(ResultsError, match=message):
        read_week_csv(path, ["desk", "other"], 2)


def test_a_folder_whose_week_belongs_to_another_run_is_refused_by_the_report(tmp_path):
    """A run of three replications whose week.csv holds two (another run's file): the report
    says so instead of drawing another run's week."""
    from stratsim.report.results import RunResults
    from stratsim.runner.results import write_run_data

    scenario = load_scenario_text(SMALL_SCENARIO)
    write_run_data(tmp_path, simulate(scenario, timeseries_dir=tmp_path))
    rows = (tmp_path / "week.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "week.csv").write_text("\n".join(r for r in rows if not r.startswith("2,")) + "\n",
                                       encoding="utf-8")
    with pytest.raises(ResultsError, match="replication 2, desk, hour 0 has 0"):
        RunResults.load(tmp_path).profile
