"""Roster windows: day specifications, clock windows, wrap-around and overlap detection."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from scenario_testkit import dump, issues_of, only

from stratsim.scenario import load_scenario_text
from stratsim.scenario.rosters import RosterWindow, first_overlap, parse_days


@pytest.mark.parametrize(
    ("spec", "days"),
    [
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("sat-sun", (5, 6)),
        ("mon,wed,fri", (0, 2, 4)),
        ("daily", (0, 1, 2, 3, 4, 5, 6)),
        ("tue", (1,)),
        ("fri-mon", (0, 4, 5, 6)),
        ("sun-tue", (0, 1, 6)),
        ("Monday-Wednesday", (0, 1, 2)),
        ("weekdays", (0, 1, 2, 3, 4)),
        ("weekend", (5, 6)),
        ("mon-wed, tue", (0, 1, 2)),
        (["mon", "thu"], (0, 3)),
        (["sat-sun", "wed"], (2, 5, 6)),
    ],
)
def test_day_specs(spec: Any, days: tuple[int, ...]) -> None:
    assert parse_days(spec) == days


@pytest.mark.parametrize("spec", ["mon-fry", "", "mon-", "someday", [], ["mon", 3], 5, None])
def test_bad_day_specs(spec: Any) -> None:
    with pytest.raises(ValueError, match="expected days such as"):
        parse_days(spec)


def window(**fields: Any) -> RosterWindow:
    data = {"days": "mon", "from": "08:00", "to": "18:00", "staff": 1} | fields
    return RosterWindow.model_validate(data)


def test_window_properties_and_alias() -> None:
    w = window(days="mon-fri", to="24:00")
    assert w.weekdays == (0, 1, 2, 3, 4)
    assert (w.start_hours, w.end_hours) == (8.0, 24.0)
    assert w.from_ == "08:00"
    assert RosterWindow(days="tue", from_="09:30", to="10:00", staff=2).start_hours == 9.5


def test_window_that_wraps_midnight() -> None:
    w = window(days="tue", **{"from": "22:00"}, to="06:00")
    assert w.week_intervals() == [(24 + 22.0, 48 + 6.0)]


def test_sunday_night_window_wraps_into_monday() -> None:
    w = window(days="sun", **{"from": "22:00"}, to="06:00")
    assert w.week_intervals() == [(144 + 22.0, 168.0), (0.0, 6.0)]


def test_equal_from_and_to_is_a_full_day() -> None:
    assert window(days="wed", **{"from": "07:00"}, to="07:00").week_intervals() == [(55.0, 79.0)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"from": "24:00"}, "only allowed as the end"),
        ({"to": "25:00"}, 'expected a time of day "HH:MM"'),
        ({"staff": -1}, "greater than or equal to 0"),
        ({"days": "funday"}, "expected days such as"),
    ],
)
def test_bad_windows(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        window(**fields)


def test_first_overlap() -> None:
    assert first_overlap([(0, 10)], [(10, 20)]) is None
    assert first_overlap([(0, 10), (30, 40)], [(35, 50), (5, 12)]) == (5, 10)


def rostered(valid_data: dict[str, Any], *windows: dict[str, Any]) -> str:
    valid_data["strategy"]["pattern"]["rosters"]["helpdesk"] = list(windows)
    return dump(valid_data)


def test_overlapping_windows_are_an_error_naming_both(valid_data: dict[str, Any]) -> None:
    text = rostered(
        valid_data,
        {"days": "mon-fri", "from": "08:00", "to": "18:00", "staff": 6},
        {"days": "wed", "from": "17:00", "to": "20:00", "staff": 2},
    )
    issue = only(issues_of(text), "strategy.pattern.rosters.helpdesk[1]")
    assert "strategy.pattern.rosters.helpdesk[0]" in issue.message
    assert "mon-fri 08:00-18:00" in issue.message and "wed 17:00-20:00" in issue.message
    assert "Wed 17:00 to Wed 18:00" in issue.message
    assert issue.line is not None


def test_overlap_through_the_sunday_to_monday_wrap(valid_data: dict[str, Any]) -> None:
    text = rostered(
        valid_data,
        {"days": "sun", "from": "22:00", "to": "07:00", "staff": 1},
        {"days": "mon", "from": "06:00", "to": "12:00", "staff": 4},
    )
    issue = only(issues_of(text), "strategy.pattern.rosters.helpdesk[1]")
    assert "Mon 06:00 to Mon 07:00" in issue.message


def test_adjacent_and_wrapping_windows_without_overlap_load(valid_data: dict[str, Any]) -> None:
    text = rostered(
        valid_data,
        {"days": "mon-fri", "from": "08:00", "to": "18:00", "staff": 6},
        {"days": "mon-fri", "from": "18:00", "to": "24:00", "staff": 2},
        {"days": "fri-mon", "from": "00:00", "to": "08:00", "staff": 1},
        {"days": ["sat", "sun"], "from": "08:00", "to": "00:00", "staff": 1},
    )
    scenario = load_scenario_text(text)
    windows = scenario.strategy.pattern.rosters["helpdesk"]
    assert [w.weekdays for w in windows][2] == (0, 4, 5, 6)


def test_unquoted_clock_times_stay_clock_times(valid_text: str) -> None:
    text = valid_text.replace('from: "08:00", to: "18:00"', "from: 8:00, to: 18:00")
    scenario = load_scenario_text(text)
    assert scenario.strategy.pattern.rosters["helpdesk"][0].end_hours == 18.0


def test_adjacent_windows_at_minute_times_do_not_overlap() -> None:
    from stratsim.scenario.rosters import first_overlap, window_intervals
    from stratsim.scenario.durations import parse_clock

    early = window_intervals((0, 1, 2, 3, 4), parse_clock("07:20"), parse_clock("15:40", end=True))
    late = window_intervals((0, 1, 2, 3, 4), parse_clock("15:40"), parse_clock("23:00", end=True))
    assert first_overlap(early, late) is None
