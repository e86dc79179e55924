"""Weekly rosters compiled to staff change points."""

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
