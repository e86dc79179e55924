"""Capacity check: offered load against the roster, hour by hour of the week."""

import pytest

from stratsim.analysis.capacity import (
    LARGE_RUN_ARRIVALS,
    capacity_checks,
    expected_arrivals,
    hour_label,
    load_by_hour,
    staff_by_hour,
    volume_warnings,
    window_warnings,
)
from stratsim.engine.compile import compile_scenario
from stratsim.scenario import load_scenario_text

BASE = """\
stratsim: 1
name: cap
horizon: {horizon}
services:
  - {{id: desk, staff: 2, service_time: {{dist: exponential, mean: 30min}}}}
segments:
  - {{id: all, rate: {rate}, mix: {{desk: 1}}, daily_profile: {profile}}}
strategy:
  pattern:
    rosters:
      desk: [{{days: mon-fri, from: "08:30", to: "17:00", staff: 5}}]
"""


def model(rate=4.0, profile="flat", horizon="2w"):
    return compile_scenario(load_scenario_text(BASE.format(rate=rate, profile=profile, horizon=horizon)))


def test_load_is_rate_times_mean_service_time():
    load = load_by_hour(model(rate=4.0), model().stations[0])
    assert load == pytest.approx([2.0] * 168)


def test_staff_is_the_time_average_of_the_roster_in_each_hour():
    staff = staff_by_hour(model().stations[0])
    assert staff[7] == 2 and staff[8] == pytest.approx(3.5) and staff[9] == 5 and staff[17] == 2
    assert staff[5 * 24 + 10] == 2  # Saturday: base staff


def test_hours_where_load_reaches_staff_are_counted_and_warned():
    (check,) = capacity_checks(model(rate=4.0))
    # load 2 everywhere; on weekdays 08:00-09:00 averages 3.5 staff and 09:00-17:00 has 5, so
    # 9 hours a weekday have staff above load and every other hour has exactly 2 = load
    assert check.overloaded_hours == 168 - 5 * 9
    assert check.peak_load == pytest.approx(2.0) and check.staff_at_peak == 2
    assert not check.unstable
    assert "offered load reaches staff" in check.warnings()[0]


def test_unstable_when_average_load_reaches_average_staff():
    (check,) = capacity_checks(model(rate=10.0))
    assert check.unstable and "grows without bound" in check.warnings()[0]
    (calm,) = capacity_checks(model(rate=1.0))
    assert calm.warnings() == [] and calm.overloaded_hours == 0


def test_window_warning_only_for_weekly_patterns_and_partial_weeks():
    assert window_warnings(model(horizon="10d"))            # roster: periodic
    assert window_warnings(model(horizon="2w")) == []


def test_hour_label():
    assert hour_label(0) == "Mon 00:00" and hour_label(24 * 6 + 23) == "Sun 23:00"


def test_window_warning_ignores_growth_on_flat_demand():
    text = BASE.format(rate=1, profile="flat", horizon="10d").split("strategy:")[0]
    text = text.replace("mix: {desk: 1}", "mix: {desk: 1}, growth_per_year: 0.5")
    assert window_warnings(compile_scenario(load_scenario_text(text))) == []


def test_expected_arrivals_and_volume_warning():
    assert expected_arrivals(model(rate=4.0, horizon="2w")) == pytest.approx(4.0 * 336)
    assert volume_warnings(model(rate=4.0)) == []
    huge = model(rate=LARGE_RUN_ARRIVALS / 100, horizon="1w")
    assert "arrivals per replication" in volume_warnings(huge)[0]
