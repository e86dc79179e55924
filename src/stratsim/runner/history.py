"""Read a demand history file (CSV) into arrivals per clock hour, with located errors.

Two layouts are accepted, both with a header row:

* **arrival timestamps**: one row per arrival, its time in the time column;
* **counts per interval**: a time column (the start of each interval) and a count column;
  the interval is the smallest gap between two timestamps and must divide an hour
  (5min, 15min, 30min, 1h…), so that every interval falls inside one clock hour.

The time column is ``--time-column`` or else the column named ``timestamp``; counts are
read from ``--count-column`` or else from a column named ``count``, if there is one.
Column names are matched without regard to case or surrounding spaces. Times are ISO 8601
(``2025-03-03 08:15``, ``2025-03-03T08:15:00+01:00``) and are taken as the wall-clock time
written, the offset ignored: a profile is about when people call, in their own time.

With timestamps the history covers whole days, from the midnight before the first arrival to
the midnight after the last, and every hour of them is observed (an hour without a row had
no arrival). With counts, an hour is observed only when every one of its
intervals has a row; other hours are gaps, left out of the fit, never taken for zeros.

Every bad row is reported (the first :data:`MAX_ROW_ISSUES`, then how many more) as
``file:line: column: problem``, and nothing is fitted.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from stratsim.analysis.forecast import HourlyHistory
from stratsim.clock import HOURS_PER_DAY
from stratsim.errors import Issue, ScenarioError

#: Bad rows listed one by one before the rest are counted.
MAX_ROW_ISSUES = 10
DEFAULT_TIME_COLUMN = "timestamp"
DEFAULT_COUNT_COLUMN = "count"
_EXPECTED_TIME = "expected an ISO 8601 date and time such as 2025-03-03 08:15"


class HistoryError(ScenarioError):
    """A history file cannot be read; holds every located problem found."""


def _issue(file: str, line: int | None, column: str, message: str) -> Issue:
    return Issue(file, line, None, column, message)


def _rows(path: Path, display: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and an iterator of ``(line number, cells)``; raises on an unreadable file."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise HistoryError([_issue(display, None, "", "file not found")]) from None
    except IsADirectoryError:
        raise HistoryError([_issue(display, None, "", "is a folder, not a file")]) from None
    except OSError as error:
        raise HistoryError([_issue(display, None, "", f"cannot be read ({error.strerror})")]) from None
    with handle:
        try:
            text = handle.read()
        except UnicodeDecodeError as error:
            raise HistoryError([_issue(display, None, "", f"not UTF-8 text ({error.reason})")]) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text.splitlines(), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise HistoryError([_issue(display, None, "", "the file is empty: expected a header row "
                                   f"naming a {DEFAULT_TIME_COLUMN!r} column and rows below it")]) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells

    return header, rows()


def _column(header: list[str], wanted: str | None, default: str, display: str,
            option: str, required: bool) -> int | None:
    """Index of the named column (case and spaces ignored), or None when optional and absent."""
    names = [cell.strip().lower() for cell in header]
    name = (wanted or default).strip().lower()
    if name in names:
        return names.index(name)
    if wanted is None and not required:
        return None
    shown = ", ".join(repr(cell) for cell in header)
    how = f"name it with {option}" if wanted is None else f"check {option}"
    raise HistoryError([_issue(display, 1, wanted or default,
                               f"no column named {wanted or default!r}; the columns are {shown} ({how})")])


def parse_timestamp(text: str) -> datetime:
    """Wall-clock time of an ISO 8601 timestamp (any UTC offset dropped); ValueError if not one."""
    moment = datetime.fromisoformat(text.strip())
    return moment.replace(tzinfo=None)


def read_history(
    path: str | os.PathLike[str], *, time_column: str | None = None, count_column: str | None = None
) -> HourlyHistory:
    """Arrivals per clock hour from a history CSV (see the module docstring)."""
    display = os.fspath(path)
    header, rows = _rows(Path(path), display)
    time_index = _column(header, time_column, DEFAULT_TIME_COLUMN, display, "--time-column", True)
    count_index = _column(header, count_column, DEFAULT_COUNT_COLUMN, display, "--count-column",
                          count_column is not None)
    time_name = header[time_index].strip()
    count_name = header[count_index].strip() if count_index is not None else ""
    times: list[datetime] = []
    counts: list[float] = []
    issues: list[Issue] = []
    bad_rows = 0

    def bad(line: int, column: str, message: str) -> None:
        nonlocal bad_rows
        bad_rows += 1
        if len(issues) < MAX_ROW_ISSUES:
            issues.append(_issue(display, line, column, message))

    for line, cells in rows:
        if time_index >= len(cells) or not cells[time_index].strip():
            bad(line, time_name, f"empty time: {_EXPECTED_TIME}")
            continue
        try:
            moment = parse_timestamp(cells[time_index])
        except ValueError:
            bad(line, time_name, f"{_EXPECTED_TIME}, got {cells[time_index].strip()!r}")
            continue
        if count_index is not None:
            raw = cells[count_index].strip() if count_index < len(cells) else ""
            count = _count(raw)
            if count is None:
                problem = "a negative count" if _is_negative(raw) else "not a count"
                bad(line, count_name, f"expected a whole number of arrivals ≥ 0, got {raw!r} ({problem})")
                continue
            counts.append(count)
        times.append(moment)
    if bad_rows > len(issues):
        issues.append(_issue(display, None, "", f"… and {bad_rows - len(issues)} more bad rows"))
    if issues:
        raise HistoryError(issues)
    if not times:
        raise HistoryError([_issue(display, None, "", "no rows: the file has a header but no data")])
    if count_index is None:
        return _from_timestamps(times)
    return _from_counts(times, counts, display)


def _count(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0 or not value.is_integer():
        return None
    return value


def _is_negative(raw: str) -> bool:
    try:
        return float(raw) < 0
    except ValueError:
        return False


def _hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _from_timestamps(times: list[datetime]) -> HourlyHistory:
    """Whole days: from the midnight before the first arrival to the midnight after the last."""
    first = min(times).replace(hour=0, minute=0, second=0, microsecond=0)
    last_day = max(times).replace(hour=0, minute=0, second=0, microsecond=0)
    hours = int((last_day - first).total_seconds() // 3600) + HOURS_PER_DAY
    index = np.array([int((_hour_of(t) - first).total_seconds() // 3600) for t in times])
    return HourlyHistory(first, np.bincount(index, minlength=hours).astype(float))


def _from_counts(times: list[datetime], counts: list[float], display: str) -> HourlyHistory:
    """Hourly totals of interval counts; hours missing any interval are gaps (nan)."""
    distinct = sorted(set(times))
    gaps = [(b - a).total_seconds() for a, b in zip(distinct, distinct[1:])]
    if not gaps:
        raise HistoryError([_issue(display, None, "", "a single interval: at least two weeks of "
                                   "counts are needed")])
    step_s = min(gaps)
    if step_s <= 0 or 3600 % step_s or step_s % 60:
        raise HistoryError([_issue(display, None, "", (
            f"counts must be per hour or per whole-minute part of an hour (5min, 15min, 30min, 1h); "
            f"the closest rows are {timedelta(seconds=step_s)} apart: an hour-of-day profile needs "
            "hourly or finer counts"))])
    per_hour = int(3600 // step_s)
    first = _hour_of(distinct[0])
    hours = int((_hour_of(distinct[-1]) - first).total_seconds() // 3600) + 1
    totals = np.zeros(hours)
    seen: dict[int, set[datetime]] = {}
    for moment, count in zip(times, counts):
        k = int((_hour_of(moment) - first).total_seconds() // 3600)
        totals[k] += count
        seen.setdefault(k, set()).add(moment)
    complete = np.zeros(hours, dtype=bool)
    for k, moments in seen.items():
        complete[k] = len(moments) >= per_hour
    return HourlyHistory(first, np.where(complete, totals, np.nan))
