"""Folding timeseries.csv onto the hours of the week, and the bands over replications."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from stratsim.errors import ResultsError
from stratsim.report.profiles import band, read_week_profile

HEADER = "replication,datetime,time_h,bin_h,service,arrivals,queue_mean,busy_mean,staffed_mean,started,wait_mean_min\n"


def write_series(tmp_path, rows: list[tuple], header: str = HEADER):
    path = tmp_path / "timeseries.csv"
    path.write_text(header + "".join(",".join(str(v) for v in row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_hourly_bins_of_two_weeks_average_over_the_weeks(tmp_path):
    rows = []
    for week in range(2):
        for hour in range(168):
            t = week * 168 + hour
            rows.append((0, "", t, 1.0, "desk", hour + 10 * week, 0.5 * week, 1.0, 2.0, hour, 2.0 + week))
    profile = read_week_profile(write_series(tmp_path, rows), ["desk"], 1, 0.0, 336.0)
    assert profile.arrivals_per_h[0, 0, 7] == pytest.approx((7 + 17) / 2)
    assert profile.queue_mean[0, 0, 100] == pytest.approx(0.25)
    assert profile.staffed_mean[0, 0].tolist() == [2.0] * 168
    # hour 0 had no starts in either week: no wait; hour 3 had 3 starts a week at 2 and 3 min
    assert math.isnan(profile.wait_mean_min[0, 0, 0])
    assert profile.wait_mean_min[0, 0, 3] == pytest.approx(2.5)
    assert profile.utilization[0, 0, 5] == pytest.approx(0.5)


def test_warmup_is_left_out_and_a_bin_straddling_it_counts_for_its_measured_part(tmp_path):
    rows = [(0, "", 0.0, 2.0, "desk", 10, 1.0, 1.0, 1.0, 0, ""),     # [0, 2): half inside [1, ...)
            (0, "", 2.0, 2.0, "desk", 4, 3.0, 1.0, 1.0, 0, "")]      # [2, 4)
    profile = read_week_profile(write_series(tmp_path, rows), ["desk"], 1, 1.0, 4.0)
    assert math.isnan(profile.arrivals_per_h[0, 0, 0])             # all warm-up
    assert profile.arrivals_per_h[0, 0, 1] == pytest.approx(5.0)   # 10 arrivals over 2 h
    assert profile.arrivals_per_h[0, 0, 2] == pytest.approx(2.0)
    assert profile.queue_mean[0, 0, 3] == pytest.approx(3.0)


def test_half_hour_bins_add_up_within_their_hour(tmp_path):
    rows = [(0, "", 0.0, 0.5, "desk", 3, 1.0, 0, 1, 2, 4.0),
            (0, "", 0.5, 0.5, "desk", 5, 3.0, 0, 1, 6, 8.0)]
    profile = read_week_profile(write_series(tmp_path, rows), ["desk"], 1, 0.0, 1.0)
    assert profile.arrivals_per_h[0, 0, 0] == pytest.approx(8.0)
    assert profile.queue_mean[0, 0, 0] == pytest.approx(2.0)
    assert profile.wait_mean_min[0, 0, 0] == pytest.approx((2 * 4 + 6 * 8) / 8)


def test_replications_and_services_are_kept_apart_and_older_files_have_no_waits(tmp_path):
    header = "replication,datetime,time_h,bin_h,service,arrivals,queue_mean,busy_mean,staffed_mean\n"
    rows = [(r, "", 0.0, 1.0, s, 10 * r + i, 0, 0, 1) for r in range(2) for i, s in enumerate(("a", "b", "c"))]
    profile = read_week_profile(write_series(tmp_path, rows, header), ["a", "b"], 2, 0.0, 1.0)
    assert profile.arrivals_per_h[:, :, 0].tolist() == [[0.0, 1.0], [10.0, 11.0]]
    assert profile.wait_mean_min is None and profile.started_per_h is None


def test_a_file_that_is_not_a_time_series_is_a_results_error(tmp_path):
    path = tmp_path / "timeseries.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ResultsError, match="not a stratsim time series"):
        read_week_profile(path, ["desk"], 1, 0.0, 1.0)


@pytest.mark.parametrize(("rows", "message"), [
    ([(3, "", 0.0, 1.0, "desk", 1, 0, 0, 1, 0, "")], "replication 3 is not in the summary's 1"),
    ([(0.5, "", 0.0, 1.0, "desk", 1, 0, 0, 1, 0, "")], "replication 0.5 is not in the summary's 1"),
    ([(0, "", "noon", 1.0, "desk", 1, 0, 0, 1, 0, "")], "not a stratsim time series"),
    ([(0, "", 0.0, 1.0, "desk", 1, 0)], "not a stratsim time series"),
    ([("#0", "", 0.0, 1.0, "desk", 1, 0, 0, 1, 0, "")], "not a stratsim time series"),   # no comments
])
def test_a_damaged_time_series_is_a_results_error(tmp_path, rows, message):
    with pytest.raises(ResultsError, match=message):
        read_week_profile(write_series(tmp_path, rows), ["desk"], 1, 0.0, 1.0)


def test_an_empty_time_series_is_a_results_error_and_one_without_rows_an_empty_week(tmp_path):
    path = tmp_path / "timeseries.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ResultsError, match="empty file"):
        read_week_profile(path, ["desk"], 1, 0.0, 1.0)
    profile = read_week_profile(write_series(tmp_path, []), ["desk"], 1, 0.0, 1.0)
    assert np.isnan(profile.arrivals_per_h).all()
    assert profile.wait_mean_min is None   # no row says anyone started: no wait chart


def test_rows_of_other_services_only_still_say_whether_the_file_has_waits(tmp_path):
    rows = [(0, "", 0.0, 1.0, "elsewhere", 1, 0, 0, 1, 1, 2.0)]
    profile = read_week_profile(write_series(tmp_path, rows), ["desk"], 1, 0.0, 1.0)
    assert profile.wait_mean_min is not None and np.isnan(profile.wait_mean_min).all()


def test_a_quoted_field_reads_as_its_text(tmp_path):
    path = write_series(tmp_path, [(0, '"2027-01-04T00:00"', 0.0, 1.0, '"desk"', 6, 0, 0, 1, 2, 1.5)])
    profile = read_week_profile(path, ["desk"], 1, 0.0, 1.0)
    assert profile.arrivals_per_h[0, 0, 0] == 6.0 and profile.wait_mean_min[0, 0, 0] == 1.5


def test_band_is_the_student_t_interval_over_replications():
    values = np.array([[1.0, 5.0], [2.0, 5.0], [4.0, math.nan]])
    result = band(values)
    half = stats.t.ppf(0.975, 2) * np.std([1, 2, 4], ddof=1) / math.sqrt(3)
    assert result.mean[0] == pytest.approx(7 / 3)
    assert result.high[0] - result.mean[0] == pytest.approx(half)
    assert result.low[1] == result.high[1] == 5.0   # no spread: a zero-width band
