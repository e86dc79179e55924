"""Weekly rosters compiled to staff change points."""

import pytest

from stratsim.scenario.rosters import RosterWindow
from stratsim.strategy.rosters import weekly_schedule


def Window(days: str, start: str, end: str, staff: int) -> RosterWindow:
    return RosterWindow.model_validate({"days": days, "from": start, "to": end, "staff": staff})


def staff_over_week(schedule, base):
    return [schedule.staff_at(h + 0.5, base) for h in range(168)]


def test_no_windows_means_base_staff_always():
    schedule = weekly_schedule([], 3)
    assert schedule.changes == ()
    assert set(staff_over_week(schedule, 3)) == {3}


def test_weekday_day_shift():
    schedule = weekly_schedule([Window("mon-fri", "08:00", "18:00", 6)], 1)
    staff = staff_over_week(schedule, 1)
    assert staff[8] == 6 and staff[17] == 6 and staff[18] == 1 and staff[7] == 1
    assert staff[5 * 24 + 10] == 1          # Saturday
    assert sum(s == 6 for s in staff) == 50


def test_window_wrapping_midnight_and_the_week():
    # Sunday 22:00 to 06:00 wraps into Monday morning
    schedule = weekly_schedule([Window("sun", "22:00", "06:00", 4)], 2)
    staff = staff_over_week(schedule, 2)
    assert staff[6 * 24 + 22] == 4 and staff[6 * 24 + 23] == 4
    assert staff[0] == 4 and staff[5] == 4 and staff[6] == 2
    assert sum(s == 4 for s in staff) == 8


def test_half_hour_boundaries_and_24_00():
    schedule = weekly_schedule([Window("mon", "08:30", "24:00", 5)], 0)
    assert schedule.staff_at(8.4, 0) == 0
    assert schedule.staff_at(8.5, 0) == 5
    assert schedule.staff_at(23.99, 0) == 5
    assert schedule.staff_at(24.0, 0) == 0


def test_adjacent_windows_with_equal_staff_merge():
    schedule = weekly_schedule([Window("mon", "08:00", "12:00", 3), Window("mon", "12:00", "16:00", 3)], 1)
    assert [staff for _, staff in schedule.changes] == [1, 3, 1]


def staff_hours_per_week(schedule, base):
    points = list(schedule.changes) or [(0.0, base)]
    ends = [hour for hour, _ in points[1:]] + [168.0]
    return sum((end - hour) * staff for (hour, staff), end in zip(points, ends))


def test_windows_meeting_at_a_minute_time_meet_exactly():
    # e.g. 07:50-15:50 then 15:50-23:50: in float hours, 15:50 computed two ways differed by
    # one ulp, which left a zero-length sliver at base staff between the two shifts
    for start in range(0, 24 * 60 - 800, 10):
        middle, end = start + 470, start + 800
        clock = [f"{m // 60:02d}:{m % 60:02d}" for m in (start, middle, end)]
        schedule = weekly_schedule(
            [Window("mon-fri", clock[0], clock[1], 1), Window("mon-fri", clock[1], clock[2], 1)], 6)
        assert [staff for _, staff in schedule.changes].count(1) == 5, clock
        assert staff_hours_per_week(schedule, 6) == pytest.approx(5 * 800 / 60 + 6 * (168 - 5 * 800 / 60))
