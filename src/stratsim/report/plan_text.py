"""What ``stratsim forecast`` and ``stratsim staff`` print: plain lines built from their results.

Nothing is computed here beyond formatting. Names a user wrote (files, segments, services)
are only ever put into plain strings, which the command line prints as rich ``Text``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stratsim.analysis.forecast import Forecast, week_hour_label
from stratsim.analysis.staffing import IntervalResult, acceptable, day_spec, scheduled_staff
from stratsim.clock import HOURS_PER_DAY, WEEKDAYS

if TYPE_CHECKING:
    from stratsim.runner.staffing_study import StaffingPlan

#: A growth interval wider than this (in shares per year) is called too short to tell.
WIDE_GROWTH_INTERVAL = 0.2


def _percent(share: float) -> str:
    return f"{share:.1%}"


def forecast_lines(forecast: Forecast, history_file: str, segment_id: str) -> list[str]:
    """The fit, its evidence and its accuracy, for the terminal."""
    segment = forecast.segment
    weeks = (forecast.history_end - forecast.history_start).total_seconds() / 3600 / 168
    missing = f", {forecast.missing_hours:,} hours missing" if forecast.missing_hours else ""
    lines = [
        f"History {history_file}: {forecast.arrivals:,} arrivals over {weeks:.1f} weeks "
        f"({forecast.history_start:%Y-%m-%d %H:%M} to {forecast.history_end:%Y-%m-%d %H:%M}"
        f"{missing}).",
        f"Segment {segment_id} at {forecast.origin:%A %Y-%m-%d %H:%M} (the Monday after the "
        "history, where a scenario using it starts):",
        f"  rate             {segment.rate:.4g} per hour (the week's mean hourly rate)",
    ]
    if forecast.growth_ci95 is not None:
        low, high = forecast.growth_ci95
        hint = ("; the history is too short to tell a yearly trend: consider --no-trend"
                if high - low > WIDE_GROWTH_INTERVAL else "")
        lines.append(f"  growth_per_year  {segment.growth_per_year:+.1%} (95 % CI {low:+.1%} to "
                     f"{high:+.1%}){hint}")
    else:
        lines.append("  growth_per_year  0 (no trend fitted)")
    daily = segment.daily_profile
    peak = max(range(HOURS_PER_DAY), key=lambda h: daily[h])
    lines.append(f"  daily_profile    24 factors averaging 1, peak {daily[peak]:.2f} at {peak:02d}:00, "
                 f"lowest {min(daily):.2f}")
    lines.append("  weekly_profile   " + ", ".join(
        f"{day} {factor:.2f}" for day, factor in zip(WEEKDAYS, segment.weekly_profile)))
    factorisation = forecast.factorisation
    test = ""
    if factorisation.p_value is not None:
        verdict = ("an hour × weekday pattern the format cannot hold"
                   if factorisation.p_value < 0.05 else "no significant departure")
        test = f"; F test p = {factorisation.p_value:.2g}: {verdict}"
    lines.append(
        f"Profile as daily × weekly factors (a 168-hour profile does not exist in the format): "
        f"{_percent(factorisation.wape)} of the week's volume away from a free hour-of-week fit "
        f"(WAPE), worst {week_hour_label(factorisation.worst_hour)} "
        f"{factorisation.worst_relative:+.0%}{test}.")
    dispersion = forecast.dispersion
    note = ("" if dispersion < 1.5 else
            "; the history varies more than Poisson arrivals, so simulations will understate "
            "its hour-to-hour swings")
    lines.append(f"Dispersion {dispersion:.2f} (Poisson counts: 1){note}.")
    holdout = forecast.holdout
    if holdout is None:
        lines.append("Hold-out: the history is too short to hold weeks out (3 weeks or more "
                     "are needed).")
    else:
        better = holdout.wape_forecast < holdout.wape_seasonal_naive
        lines.append(
            f"Hold-out, last {holdout.weeks} week(s) ({holdout.hours} hours), fitted on the weeks "
            f"before: WAPE {_percent(holdout.wape_forecast)} (hour-of-week model "
            f"{_percent(holdout.wape_hour_of_week)}), seasonal-naive (the last week repeated) "
            f"{_percent(holdout.wape_seasonal_naive)}: the forecast is "
            f"{'better' if better else 'not better'}.")
    return lines


def _attainment(result: IntervalResult) -> str:
    """``0.837 (0.807–0.866)``: the mean and its 95 % interval, clipped to 0–1 for reading."""
    if result.mean is None:
        return "no customers"
    if result.ci95 is None:
        return f"{result.mean:.3f}"
    low, high = (min(1.0, max(0.0, v)) for v in result.ci95)
    return f"{result.mean:.3f} ({low:.3f}–{high:.3f})"


def _worst(plan: StaffingPlan, results: tuple[IntervalResult, ...]) -> str:
    """The interval most clearly short of the target (lowest upper end of its interval)
    when some are short; else the tightest one (lowest lower end)."""
    target = plan.target.attainment
    short = [i for i, r in enumerate(results) if not acceptable(r, target)]
    if short:
        i = min(short, key=lambda i: (results[i].ci95 or (results[i].mean,) * 2)[1])
        return f"worst {plan.grid.label(i)}: {_attainment(results[i])}"
    judged = [i for i, r in enumerate(results) if r.mean is not None]
    if not judged:
        return "no interval had customers"
    i = min(judged, key=lambda i: (results[i].ci95 or (results[i].mean,) * 2)[0])
    return f"tightest {plan.grid.label(i)}: {_attainment(results[i])}"


def staffing_lines(plan: StaffingPlan) -> list[str]:
    """The recommendation, how it compares with Erlang alone, shifts, shrinkage and cost."""
    target, grid = plan.target, plan.grid
    intervals = len(plan.loads)
    groups = ", ".join(day_spec(days) for days in grid.day_groups)
    weeks = plan.window_h / 168
    lines = [
        f"Staffing {plan.service} to {target} ({target.attainment:.0%} of its customers start "
        f"service within {target.wait_h * 60:g} min) in {intervals} intervals of "
        f"{grid.interval_h} h; days with the same demand share them: {groups}.",
        f"Each staffing simulated over {plan.replications} replications of {weeks:g} measured "
        f"week(s) (seed {plan.seed}); an interval meets the target when its whole 95 % interval "
        f"does; {plan.simulations} simulations.",
    ]
    current_short = sum(not acceptable(r, target.attainment) for r in plan.current_results)
    lines.append(
        f"Today's roster: {plan.current_hours_per_week:,.0f} staff-hours a week; simulated, "
        f"{current_short} of {intervals} intervals not shown to meet the target "
        f"({_worst(plan, plan.current_results)}).")
    erlang_short = plan.search.erlang.short(target.attainment)
    lines.append(
        f"Erlang alone, each interval on its own: {plan.erlang_hours_per_week:,} staff-hours a "
        f"week; simulated, {erlang_short} of {intervals} intervals not shown to meet the target "
        f"({_worst(plan, plan.erlang_results)}).")
    short = sum(not acceptable(r, target.attainment) for r in plan.results)
    hours = plan.staff_hours_per_week
    change = hours - plan.erlang_hours_per_week
    if plan.reachable:
        lines.append(
            f"Recommended: {hours:,} staff-hours a week ({change:+,} on Erlang), every interval "
            f"meets {target} ({_worst(plan, plan.results)}).")
    else:
        reason = plan.search.reason or "the shifts could not be verified"
        lines.append(
            f"Unreachable: {reason}. Best found: {hours:,} staff-hours a week, {short} "
            f"interval(s) still not shown to meet it ({_worst(plan, plan.results)}).")
    if plan.shifts is not None:
        shifts = plan.shifts
        needed = sum(grid.expand(plan.search.staff))
        lines.append(
            f"Shifts of {shifts.length_h} h: hour by hour the target needs {needed:,} staff-hours "
            f"a week; the fewest shifts covering that (by integer programming) are "
            f"{sum(shifts.counts)}, {shifts.staff_hours:,} staff-hours, verified by the same "
            "simulation.")
    kpis = plan.service_kpis
    overall = kpis["sla_attainment"]
    if overall["mean"] is not None:
        spread = (f" ({overall['ci95'][0]:.3f}–{overall['ci95'][1]:.3f})"
                  if overall["ci95"] else "")
        lines.append(f"Whole window, all of {plan.service}'s customers: {overall['mean']:.3f}"
                     f"{spread} start within {target.wait_h * 60:g} min; utilisation "
                     f"{kpis['utilization']['mean']:.2f}.")
    if plan.shrinkage:
        per = ("" if plan.shifts is None else
               f", {scheduled_staff(sum(plan.shifts.counts), plan.shrinkage)} shifts")
        lines.append(
            f"Shrinkage {plan.shrinkage:.0%}: schedule {plan.scheduled_hours_per_week:,.0f} "
            f"staff-hours a week (on duty / (1 − {plan.shrinkage:g}){per}; per interval in the "
            "CSV, rounded up).")
    if plan.staff_hour_cost:
        cost = kpis["cost"]
        service_cost = ""
        if cost["mean"] is not None:
            service_cost = (f"; the service's whole simulated cost (staff on duty, per-request, "
                            f"fixed): {cost['mean'] / weeks:,.0f} a week")
        lines.append(f"Staff cost: {plan.scheduled_hours_per_week:,.0f} h × "
                     f"{plan.staff_hour_cost:g} = {plan.staff_cost_per_week:,.0f} a week"
                     f"{service_cost}.")
    return lines
