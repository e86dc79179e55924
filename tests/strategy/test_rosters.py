"""Weekly rosters compiled to staff change points."""

from dataclasses import dataclass

from stratsim.strategy.rosters import weekly_schedule


@dataclass
class Window:
    weekdays: tuple
    start_hours: float
    end_hours: float
    staff: int


def staff_over_week(schedule, base):
    return [schedule.staff_at(h + 0.5, base) for h in range(168)]


def test_no_windows_means_base_staff_always():
    schedule = weekly_schedule([], 3)
    assert schedule.changes == ()
    assert set(staff_over_week(schedule, 3)) == {3}


def test_weekday_day_shift():
    schedule = weekly_schedule([Window((0, 1, 2, 3, 4), 8.0, 18.0, 6)], 1)
    staff = staff_over_week(schedule, 1)
    assert staff[8] == 6 and staff[17] == 6 and staff[18] == 1 and staff[7] == 1
    assert staff[5 * 24 + 10] == 1          # Saturday
    assert sum(s == 6 for s in staff) == 50


def test_window_wrapping_midnight_and_the_week():
    # Sunday 22:00 to 06:00 wraps into Monday morning
    schedule = weekly_schedule([Window((6,), 22.0, 6.0, 4)], 2)
    staff = staff_over_week(schedule, 2)
    assert staff[6 * 24 + 22] == 4 and staff[6 * 24 + 23] == 4
    assert staff[0] == 4 and staff[5] == 4 and staff[6] == 2
    assert sum(s == 4 for s in staff) == 8


def test_half_hour_boundaries_and_24_00():
    schedule = weekly_schedule([Window((0,), 8.5, 24.0, 5)], 0)
    assert schedule.staff_at(8.4, 0) == 0
    assert schedule.staff_at(8.5, 0) == 5
    assert schedule.staff_at(23.99, 0) == 5
    assert schedule.staff_at(24.0, 0) == 0


def test_adjacent_windows_with_equal_staff_merge():
    schedule = weekly_schedule([Window((0,), 8.0, 12.0, 3), Window((0,), 12.0, 16.0, 3)], 1)
    assert [staff for _, staff in schedule.changes] == [1, 3, 1]
