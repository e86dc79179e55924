"""Reading demand history: timestamps or counts, whole hours, located errors for bad rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from stratsim.runner.history import MAX_ROW_ISSUES, HistoryError, read_history


def write(tmp_path: Path, text: str, name: str = "history.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(error: HistoryError) -> list[str]:
    return [str(issue) for issue in error.issues]


def test_timestamps_become_whole_days_of_hourly_counts(tmp_path):
    path = write(tmp_path, "id,Timestamp \n1,2025-03-03 08:15\n2,2025-03-03T08:59:59\n"
                           "3,2025-03-04 10:00:00+01:00\n")
    history = read_history(path)
    assert history.start == datetime(2025, 3, 3) and history.hours == 48
    assert history.counts[8] == 2 and history.counts[24 + 10] == 1   # offset ignored: wall clock
    assert history.counts.sum() == 3 and not np.isnan(history.counts).any()


def test_counts_per_quarter_hour_add_up_and_incomplete_hours_are_gaps(tmp_path):
    rows = ["time;calls"]
    for quarter in range(8):             # 00:00–02:00, but 01:30 is missing
        if quarter == 6:
            continue
        rows.append(f"2025-03-03 {quarter // 4:02d}:{15 * (quarter % 4):02d};{quarter}")
    path = write(tmp_path, "\n".join(rows) + "\n")
    history = read_history(path, time_column="time", count_column="calls")
    assert history.hours == 2
    assert history.counts[0] == 0 + 1 + 2 + 3
    assert np.isnan(history.counts[1])


def test_a_column_named_count_is_found_without_options(tmp_path):
    path = write(tmp_path, "timestamp,count\n2025-03-03 00:00,4\n2025-03-03 01:00,0\n")
    history = read_history(path)
    assert list(history.counts) == [4.0, 0.0]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "the file is empty"),
        ("timestamp\n", "no rows"),
        ("when\n2025-03-03 08:00\n", "no column named 'timestamp'; the columns are 'when'"),
        ("timestamp\n2025-03-03 08:00\nyesterday\n", "history.csv:3: timestamp: expected an ISO 8601"),
        ("timestamp\n2025-03-03 08:00\n,\n2025-13-01 00:00\n", "history.csv:4: timestamp:"),
        ("timestamp,count\n2025-03-03 08:00,3\n2025-03-03 09:00,-2\n",
         "history.csv:3: count: expected a whole number of arrivals ≥ 0, got '-2' (a negative count)"),
        ("timestamp,count\n2025-03-03 08:00,2.5\n", "history.csv:2: count: expected a whole number"),
        ("timestamp,count\n2025-03-03,10\n2025-03-04,12\n", "per hour or per whole-minute part"),
    ],
)
def test_bad_files_name_the_row_and_column(tmp_path, text, expected):
    with pytest.raises(HistoryError) as info:
        read_history(write(tmp_path, text))
    assert any(expected in message for message in messages(info.value)), messages(info.value)


def test_every_bad_row_is_reported_up_to_a_limit(tmp_path):
    rows = ["timestamp"] + [f"day {i}" for i in range(MAX_ROW_ISSUES + 5)]
    with pytest.raises(HistoryError) as info:
        read_history(write(tmp_path, "\n".join(rows)))
    lines = messages(info.value)
    assert len(lines) == MAX_ROW_ISSUES + 1 and lines[0].startswith(str(tmp_path / "history.csv") + ":2:")
    assert lines[-1].endswith("… and 5 more bad rows")


def test_a_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(HistoryError, match="file not found"):
        read_history(tmp_path / "nope.csv")
