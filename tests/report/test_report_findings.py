"""Titles that state findings: pure functions of the numbers."""

from __future__ import annotations

import math

import pytest

from stratsim.report import findings
from stratsim.report.findings import NBSP, Difference, SlaResult

NAN = math.nan


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def week(values: dict[int, float], default: float = 0.0) -> list[float]:
    return [values.get(h, default) for h in range(168)]


def test_hour_labels_and_ranges():
    assert findings.hour_label(0) == "Mon 00:00" and findings.hour_label(167) == "Sun 23:00"
    assert findings.hour_ranges([9, 10, 11, 30]) == [(9, 12), (30, 31)]
    assert findings.range_label(9, 12) == "Mon 09:00–12:00"
    assert findings.range_label(20, 24) == "Mon 20:00–24:00"
    assert findings.range_label(22, 26) == "Mon 22:00–Tue 02:00"


def test_the_week_wraps_from_sunday_night_to_monday_morning():
    assert findings.hour_ranges([166, 167, 0, 1]) == [(166, 170)]
    assert findings.hours_text([166, 167, 0, 1]) == "Sun 22:00–Mon 02:00"


def test_hours_text_names_at_most_a_few_periods():
    assert findings.hours_text([1, 30]) == "Mon 01:00–02:00 and Tue 06:00–07:00"
    assert findings.hours_text([1, 30, 60, 90, 120]) == (
        "Mon 01:00–02:00, Tue 06:00–07:00, Wed 12:00–13:00 and 2 more periods")


def test_wait_finding_names_the_only_hours_above_the_sla():
    waits = {"helpdesk": (week({9: 35.0, 10: 41.0, 11: 31.0}, 5.0), 30.0)}
    assert plain(findings.wait_finding(waits)) == (
        "Mon 09:00–12:00 is the only time helpdesk's mean wait exceeds its 30 min SLA")


def test_wait_finding_counts_hours_when_the_sla_is_often_exceeded():
    above = {h: 40.0 + h for h in (9, 33, 57, 81, 105)}
    text = plain(findings.wait_finding({"desk": (week(above, 1.0), 30.0)}))
    assert text == "desk's mean wait exceeds its 30 min SLA in 5 hours of the week, longest at Fri 09:00 (2.4 h)"


def test_wait_finding_within_the_sla_names_the_closest_hour_relative_to_each_sla():
    waits = {"desk": (week({10: 12.0}, 1.0), 20.0), "backup": (week({50: 60.0}, 1.0), 480.0)}
    assert plain(findings.wait_finding(waits)) == (
        "Mean waits stay within the SLA in every hour of the week; closest: desk on Mon 10:00, "
        "12 min against 20 min")


def test_wait_finding_ignores_hours_nobody_was_served_in():
    waits = {"desk": (week({3: NAN, 10: 4.0}, NAN), 20.0)}
    assert "Mon 10:00, 4 min" in plain(findings.wait_finding(waits))
    assert findings.wait_finding({"desk": (week({}, NAN), 20.0)}) == "Nobody started service in the measured window"


def test_capacity_finding():
    load, staff = week({8: 3.7, 9: 2.0}, 0.5), week({}, 3.0)
    assert findings.capacity_finding({"helpdesk": (load, staff)}) == (
        "Offered load reaches the staff on duty in 1 hour of the week, so queues build: helpdesk Mon 08:00–09:00")
    relaxed = findings.capacity_finding({"helpdesk": (week({8: 1.5}, 0.5), staff)})
    assert plain(relaxed) == ("Staff on duty exceeds the offered load in every hour; tightest: helpdesk at "
                              "Mon 08:00 (50 % of staff needed)")


def test_utilisation_finding_names_the_busiest_hour_and_the_whole_window():
    util = {"desk": week({17: 0.87, 40: 0.5}, 0.3), "backup": week({}, NAN)}
    assert plain(findings.utilisation_finding(util, {"desk": 0.49})) == (
        "desk is busiest on Mon 17:00–18:00: 87 % of staffed time busy (49 % over the whole window)")
    hot = plain(findings.utilisation_finding({"desk": week({1: 0.95, 2: 0.92}, 0.1)}))
    assert hot.endswith("; 2 service-hours of the week run at 90 % or more")


@pytest.mark.parametrize("low, high, status", [(0.81, 0.9, "met"), (0.7, 0.79, "missed"), (0.75, 0.85, "unclear")])
def test_sla_status_judges_the_whole_interval(low, high, status):
    assert SlaResult("desk", (low + high) / 2, low, high, 0.8, 20.0).status == status


def test_sla_finding_names_the_misses_worst_first():
    results = [SlaResult("desk", 0.943, 0.94, 0.946, 0.8, 20.0),
               SlaResult("desk vip", 0.926, 0.918, 0.935, 0.95, 5.0),
               SlaResult("backup", 0.844, 0.835, 0.853, 0.9, 480.0)]
    assert plain(findings.sla_finding(results)) == (
        "1 of 3 SLA targets met; missed: backup (84.4 % within 8 h, target 90 %) and desk vip "
        "(92.6 % within 5 min, target 95 %)")
    assert plain(findings.sla_finding(results[:1])) == "desk meets its SLA: 94.3 % start within 20 min (target 80 %)"
    assert findings.sla_finding([]) == "No service has an SLA"


def test_money_finding():
    assert findings.money_finding({"desk": 27051.0, "backup": -1932.0}, 25119.0, 28.0) == (
        "Portfolio profit 25,119 over 28 days; backup runs at a loss (−1,932)")
    assert findings.money_finding({"a": 10.0, "b": 30.0}, 40.0, 7.0) == (
        "Portfolio profit 40 over 7 days; every service is profitable, b most (30)")


def test_arrivals_finding_compares_the_quietest_day_with_the_busiest():
    rates = week({24 * d + 10: 10.0 - d for d in range(7)}, 0.0)
    assert plain(findings.arrivals_finding({"desk": rates})) == (
        "Demand peaks on Mon 10:00–11:00 at 10 arrivals per hour (desk); Sunday brings 40 % of Monday's customers")


def test_differences_finding_groups_better_and_worse():
    diffs = [Difference("early", "wait_mean_min", -4.1, True), Difference("early", "profit", -1810.0, True),
             Difference("early", "satisfaction", 0.01, False)]
    assert plain(findings.differences_finding(diffs, "base")) == (
        "Against base: early is significantly better on 1 KPI (mean wait −4.1 min) and worse on 1 (profit −1,810)")
    assert findings.differences_finding(diffs[2:], "base") == "No KPI differs significantly from base"


def test_a_difference_knows_which_way_is_better():
    assert Difference("s", "wait_mean_min", -1.0, True).better is True
    assert Difference("s", "sla_attainment", -0.1, True).better is False
    assert Difference("s", "utilization", 0.1, True).better is None


def test_kpi_means_and_wait_change_findings():
    best = {"wait_mean_min": "b", "profit": "a", "sla_attainment": "b"}
    assert plain(findings.kpi_means_finding(best, ["a", "b"])) == (
        "b has the best mean on 2 of 3 KPIs (mean wait, SLA attainment)")
    waits = {"desk": {"base": week({18: 5.0}, 1.0), "early": week({18: 10.0, 7: 0.5}, 1.0)}}
    assert plain(findings.wait_change_finding(waits, "base")) == (
        "The largest change: early raises desk's mean wait on Mon 18:00–19:00 from 5 min to 10 min")


def test_sweep_findings():
    points = [(["4"], 25600.0), (["5"], 25000.0), (["8"], 18400.0)]
    assert plain(findings.response_finding("profit", ["staff"], points)) == (
        "Profit is best at staff = 4: 25,600 (range over the sweep 18,400 to 25,600)")
    waits = [(["4"], 9.0), (["8"], 2.0)]
    assert findings.response_finding("wait_mean_min", ["staff"], waits).startswith("Mean wait is best at staff = 8")
    assert findings.pareto_finding(["profit", "sla_attainment"], 3, 5) == (
        "3 of 5 points are on the front of profit and SLA attainment: no other point is better on both")
    assert findings.score_finding({"a": 0.7, "b": 0.9}, {"b": False}) == (
        "a scores best among the feasible scenarios (0.7); 1 breaches a constraint")


def test_money_finding_after_showback_judges_customer_facing_services_on_their_margin():
    """Internal services earn nothing by design: their negative profit is no loss to report;
    a customer-facing service with a positive profit can still lose money after showback."""
    profit = {"compute": 2_668_711.0, "backup": 166_905.0, "storage": -1_392_825.0, "network": -1_263_037.0}
    margins = {"compute": 846_077.0, "backup": -9_507.0}
    text = findings.money_finding(profit, 2_864_935.0, 364.0, margins)
    assert text == "Portfolio profit 2,864,935 over 364 days; after showback backup runs at a loss (−9,507)"
    assert "storage" not in text and "network" not in text
    assert findings.money_finding(profit, 1.0, 7.0, {"compute": 5.0, "backup": -1.0, "shop": -3.0}) == (
        "Portfolio profit 1 over 7 days; after showback 2 customer-facing services run at a loss, most shop (−3)")
    assert findings.money_finding(profit, 1.0, 7.0, {"compute": 5.0, "backup": 2.0}) == (
        "Portfolio profit 1 over 7 days; after showback every customer-facing service keeps a margin, "
        "lowest backup (2)")


FOUR_HOUR_BINS_H = 4.0


def test_a_finding_from_four_hour_bins_names_the_whole_bin_not_one_hour():
    # Sunday 08:00 is hour 6 * 24 + 8 of the week; a 4 h bin from it covers 08:00–12:00,
    # and the profile gives its four hours one value, even if only one of them is above the SLA
    sunday_8 = 6 * 24 + 8
    waits = {"desk": (week({sunday_8: 30.0}, 5.0), 20.0)}
    assert plain(findings.wait_finding(waits)).startswith("Sun 08:00–09:00 is the only time")
    assert plain(findings.wait_finding(waits, FOUR_HOUR_BINS_H)).startswith("Sun 08:00–12:00 is the only time")
    assert findings.bin_span(sunday_8 + 3, FOUR_HOUR_BINS_H) == (sunday_8, sunday_8 + 4)
    calm = {"desk": (week({sunday_8 + 1: 15.0}, 5.0), 20.0)}
    assert "on Sun 08:00–12:00, 15 min against 20 min" in plain(findings.wait_finding(calm, FOUR_HOUR_BINS_H))
    busy = {"desk": week({sunday_8 + 2: 0.95}, 0.5)}
    assert plain(findings.utilisation_finding(busy, bin_h=FOUR_HOUR_BINS_H)).startswith(
        "desk is busiest on Sun 08:00–12:00: 95 %")
    assert "Sun 08:00–12:00" in plain(findings.arrivals_finding({"desk": week({sunday_8: 9.0}, 1.0)},
                                                                 FOUR_HOUR_BINS_H))


def test_bins_that_do_not_tile_the_week_are_named_as_such():
    # 168 h is not a whole number of 5 h bins: hours blend bins, so the title says the bin length
    assert findings.bin_step_h(5.0) == 1 and findings.bin_step_h(4.0) == 4 and findings.bin_step_h(0.5) == 1
    text = plain(findings.wait_finding({"desk": (week({10: 30.0}, 5.0), 20.0)}, 5.0))
    assert text.endswith("(from 5 h bins)")


def test_kpi_means_with_significance_claims_only_real_leads():
    best = {"cost": "a"}
    text = plain(findings.kpi_means_finding(best, ["a", "b"], ["wait_mean_min", "profit"]))
    assert text == ("a is significantly better on 1 of 3 KPIs (cost); "
                    "no significant difference on mean wait, profit")
    assert "best" not in text
    assert findings.kpi_means_finding({}, ["a", "b"], ["cost"]) == (
        "No scenario is significantly better on any KPI shown")
