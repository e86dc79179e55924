"""Capacity check: offered load against the roster, hour by hour of the week."""

import pytest

from stratsim.analysis.capacity import (
    LARGE_RUN_ARRIVALS,
    LOSS_WARNING_SHARE,
    capacity_checks,
    expected_arrivals,
    fluid_backlog,
    hour_label,
    load_by_hour,
    losses_by_hour,
    staff_by_hour,
    volume_warnings,
    window_warnings,
)
from stratsim.analysis.queueing import erlang_a, erlang_b, mmc_losses, mmck_blocking, system_capacity
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
    # load equal to staff builds no backlog from a steady flow: no number is claimed for it
    assert check.backlog_customers == 0 and "waiting by" not in check.warnings()[0]


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


# ---------------------------------------------------------------------------------------
# services that lose customers instead of queueing without bound


def lossy(services: str, segments: str, roster: str = "", horizon: str = "2w"):
    text = f"stratsim: 1\nname: lossy\nhorizon: {horizon}\nservices:\n{services}\nsegments:\n{segments}\n"
    if roster:
        text += f"strategy:\n  pattern:\n    rosters:\n      desk: [{roster}]\n"
    return compile_scenario(load_scenario_text(text))


DESK = "  - {{id: desk, staff: {staff}, {extra} service_time: {{dist: exponential, mean: 30min}}}}"
ALL = "  - {{id: all, rate: {rate}, mix: {{desk: 1}} {extra}}}"


def test_erlang_b_by_hand_one_server_one_erlang_loses_half():
    # B(c=1, a=1) = (a/1!) / (1 + a) = 0.5: rate 2/h × 30 min = 1 Erlang on 1 server, no room
    m = lossy(DESK.format(staff=1, extra="queue_capacity: 0,"), ALL.format(rate=2, extra=""))
    (check,) = capacity_checks(m)
    assert check.losses.week.turned_away == pytest.approx(0.5)
    assert check.losses.peak.turned_away == pytest.approx(0.5)
    assert check.losses.week.abandoned == 0.0
    assert erlang_b(1, 1.0) == 0.5
    (warning,) = check.warnings()
    assert "expected blocking ≈ 50 % of arrivals over the week, 50 % at the tightest hour" in warning
    assert "Erlang B, no waiting room" in warning and "grows without bound" not in warning


def test_finite_room_is_mmck_hour_by_hour_with_roster_changes_inside_an_hour():
    # load 2 everywhere; staff 2, and 5 on weekdays 08:30-17:00, 3 waiting places
    m = lossy(DESK.format(staff=2, extra="queue_capacity: 3,"), ALL.format(rate=4, extra=""),
              roster='{days: mon-fri, from: "08:30", to: "17:00", staff: 5}')
    b2, b5 = (mmck_blocking(4.0, 2.0, c, system_capacity(c, 3)) for c in (2, 5))
    hourly = losses_by_hour(m, m.stations[0])
    assert hourly[7].turned_away == pytest.approx(b2, rel=1e-12)
    assert hourly[8].turned_away == pytest.approx(0.5 * b2 + 0.5 * b5, rel=1e-12)   # 08:30 change
    assert hourly[10].turned_away == pytest.approx(b5, rel=1e-12)
    (check,) = capacity_checks(m)
    # flat demand: the week is the plain mean over hours: 42.5 h at 5 staff, 125.5 h at 2
    assert check.losses.week.turned_away == pytest.approx((42.5 * b5 + 125.5 * b2) / 168, rel=1e-12)
    assert check.losses.peak.turned_away == pytest.approx(b2, rel=1e-12)
    (warning,) = check.warnings()
    assert f"expected blocking ≈ {100 * check.losses.week.turned_away:.0f} % of arrivals over the week" in warning
    assert "M/M/c/K with 3 waiting places" in warning and "stationary approximations" in warning


def test_the_week_is_weighted_by_arrivals():
    m = lossy(DESK.format(staff=2, extra="queue_capacity: 1,"),
              ALL.format(rate=4, extra=", daily_profile: business-hours"))
    hourly = losses_by_hour(m, m.stations[0])
    rates = m.demands[0].rate_by_hour
    (check,) = capacity_checks(m)
    expected = sum(r * s.turned_away for r, s in zip(rates, hourly)) / sum(rates)
    assert check.losses.week.turned_away == pytest.approx(expected, rel=1e-12)
    assert check.losses.week.turned_away > sum(s.turned_away for s in hourly) / 168   # busy hours lose more


def test_patience_is_erlang_a():
    m = lossy(DESK.format(staff=2, extra=""),
              ALL.format(rate=6, extra=", patience: {dist: exponential, mean: 20min}"))
    (check,) = capacity_checks(m)
    expected = erlang_a(6.0, 2.0, 2, 3.0).abandon_probability
    assert check.losses.week.abandoned == pytest.approx(expected, rel=1e-9)
    assert check.losses.week.turned_away == 0.0 and check.unstable and not check.unbounded
    (warning,) = check.warnings()
    assert f"about {100 * expected:.0f} % of arrivals would abandon over the week" in warning
    assert "instead of queueing without bound" in warning
    assert "Erlang-A, patience as exponential with mean 20 min" in warning


def test_non_exponential_patience_is_taken_at_its_mean():
    m = lossy(DESK.format(staff=2, extra=""),
              ALL.format(rate=6, extra=", patience: {dist: uniform, min: 0min, max: 40min}"))
    (check,) = capacity_checks(m)
    assert check.losses.week.abandoned == pytest.approx(erlang_a(6.0, 2.0, 2, 3.0).abandon_probability)
    assert "patience as exponential with mean 20 min" in check.warnings()[0]


def test_mixed_patience_uses_the_arrival_weighted_abandonment_rate():
    segments = "\n".join([ALL.format(rate=2, extra=", patience: {dist: exponential, mean: 30min}"),
                          ALL.format(rate=1, extra="").replace("id: all", "id: calm")])
    m = lossy(DESK.format(staff=1, extra=""), segments)
    (check,) = capacity_checks(m)
    theta = (2 * 2.0 + 1 * 0.0) / 3          # per hour: 2/h at 1/(30 min), 1/h never abandoning
    expected = mmc_losses([2.0, 1.0], 2.0, 1, abandonment_rate=theta).abandon_share
    assert check.losses.week.abandoned == pytest.approx(expected, rel=1e-12)
    assert check.losses.patience_h == pytest.approx(1 / theta)
    assert "mean 45 min" in check.warnings()[0]


def test_customers_who_never_leave_still_queue_without_bound():
    segments = "\n".join([ALL.format(rate=5, extra=""),
                          ALL.format(rate=3, extra=", patience: {dist: exponential, mean: 10min}")
                          .replace("id: all", "id: hasty")])
    (check,) = capacity_checks(lossy(DESK.format(staff=2, extra=""), segments))
    assert check.unbounded and check.losses.never_lost_mean_load == pytest.approx(2.5)
    (warning,) = check.warnings()
    assert "alone bring an average offered load 2.50 ≥ average staff 2.00" in warning
    assert "grows without bound" in warning


def test_balking_is_a_waiting_limit_per_segment():
    m = lossy(DESK.format(staff=2, extra=""), ALL.format(rate=4, extra=", balk_at: 3"))
    (check,) = capacity_checks(m)
    # one segment balking at 3 waiting is an M/M/2/5 queue for it
    assert check.losses.week.turned_away == pytest.approx(mmck_blocking(4.0, 2.0, 2, 5), rel=1e-12)
    assert "expected balking ≈" in check.warnings()[0] and "M/M/c with balking" in check.warnings()[0]


def test_no_warning_when_losses_are_negligible():
    (check,) = capacity_checks(lossy(DESK.format(staff=6, extra="queue_capacity: 0,"),
                                     ALL.format(rate=2, extra="")))
    assert check.losses.week.turned_away == pytest.approx(erlang_b(6, 1.0), rel=1e-12)
    assert check.losses.week.turned_away < LOSS_WARNING_SHARE and check.warnings() == []


def test_peaks_on_an_unlimited_queue_report_the_fluid_backlog():
    # load 3 all day; staff 2 until noon (+1 Erlang per hour), 5 after (−2 per hour): 12 h of
    # work pile up by 12:00 (24 customers of 30 min) and are worked off by 18:00, every day
    m = lossy(DESK.format(staff=2, extra=""), ALL.format(rate=6, extra=""),
              roster='{days: mon-sun, from: "12:00", to: "24:00", staff: 5}')
    (check,) = capacity_checks(m)
    assert check.losses is None and not check.unstable and check.overloaded_hours == 7 * 12
    assert check.backlog_customers == pytest.approx(24.0) and check.backlog_hour == 12
    assert "to about 24 waiting by Mon 12:00" in check.warnings()[0]


def test_fluid_backlog_carries_over_the_week():
    load = [3.0] * 168
    # +1 per hour for 60 hours, then −1: 60 h of work by hour 60, gone by hour 120
    assert fluid_backlog(load, [2.0] * 60 + [4.0] * 108) == (pytest.approx(60.0), 60)
    # the build-up spans the week's end: +18 on Sunday evening carries into Monday's +50,
    # so the periodic peak is 68 at hour 50, not the 50 of a week started empty
    assert fluid_backlog(load, [2.0] * 50 + [4.0] * 100 + [2.0] * 18) == (pytest.approx(68.0), 50)


@pytest.mark.parametrize("tiny", ["5.0e-324", "1.0e-320"])
def test_a_service_time_too_short_for_a_float_rate_is_no_load_not_a_crash(tiny):
    """Found by the property test: a uniform service time up to 5e-324 h has mean 0 (or a
    rate that overflows); the check must say "no load, nobody lost", not raise."""
    text = ("stratsim: 1\nname: tiny\nhorizon: 1d\nservices:\n"
            f"  - {{id: d, staff: 1, queue_capacity: 2, service_time: {{dist: uniform, min: 0, max: {tiny}}}}}\n"
            "segments:\n  - {id: s, rate: 1, mix: {d: 1}, patience: {dist: exponential, mean: 10min}}\n")
    (check,) = capacity_checks(compile_scenario(load_scenario_text(text)))
    assert check.mean_load < 1e-300 and check.warnings() == []


def test_a_brief_warning_says_what_happens_and_where_without_how_it_was_estimated():
    """``run`` and ``compare`` print the brief form (one line for each of many services); the
    full one, with the split and the model, stays in the manifest and ``validate``."""
    patient = lossy(DESK.format(staff=2, extra="queue_capacity: 3,"),
                    ALL.format(rate=6, extra=", patience: {dist: exponential, mean: 20min}, balk_at: 2"))
    (check,) = capacity_checks(patient)
    (full,), (brief,) = check.warnings(), check.warnings(brief=True)
    lost = f"about {100 * check.losses.week.lost:.0f} % of arrivals would be lost over the week"
    assert lost in full and lost in brief
    assert "abandoning:" in full and "Erlang-A" in full and "stationary approximations" in full
    assert "abandoning:" not in brief and "Erlang" not in brief and len(brief) < len(full) * 0.7
    assert full.startswith(brief)

    peaked = lossy(DESK.format(staff=2, extra=""), ALL.format(rate=6, extra=""),
                   roster='{days: mon-sun, from: "12:00", to: "24:00", staff: 5}')
    (check,) = capacity_checks(peaked)
    (full,), (brief,) = check.warnings(), check.warnings(brief=True)
    # the backlog is a fluid estimate: the brief line keeps saying so, in fewer words
    assert brief.endswith("to about 24 waiting by Mon 12:00 even with steady demand")
    assert full.startswith(brief[:-len("with steady demand")]) and "steady flow" in full
