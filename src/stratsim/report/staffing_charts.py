"""The staffing chart: staff against load over the week, and the SLA each interval attains.

Drawn from a :class:`~stratsim.runner.staffing_study.StaffingPlan` (nothing is computed here):
the top panel shows the offered load in Erlangs, the Erlang staffing and the recommended
staffing hour by hour; the bottom panel each interval's simulated SLA attainment with its
95 % interval, for the recommendation and for Erlang alone, against the target. Okabe–Ito
colours, and every series differs by line style or marker too. matplotlib is imported inside
the function with the Agg backend.
"""

from __future__ import annotations

from pathlib import Path

from stratsim.clock import WEEKDAYS
from stratsim.report.forecast_charts import OKABE_ITO
from stratsim.runner.staffing_study import StaffingPlan


def staffing_title(plan: StaffingPlan) -> str:
    """The finding, in the title."""
    erlang_short = plan.search.erlang.short(plan.target.attainment)
    hours, erlang = plan.staff_hours_per_week, plan.erlang_hours_per_week
    if plan.reachable:
        head = f"{hours:,} staff-hours a week meet {plan.target} in every interval"
    else:
        head = f"{plan.target} is not reached everywhere; best found: {hours:,} staff-hours a week"
    tail = (f"Erlang alone ({erlang:,} h): {erlang_short} of {len(plan.loads)} intervals short"
            if erlang_short else f"Erlang alone: {erlang:,} h")
    return f"{head}; {tail}"


def draw_staffing_chart(plan: StaffingPlan, path: Path, image_format: str = "png") -> None:
    """Write the two-panel chart to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    grid = plan.grid
    owner = grid.interval_of_hour()
    hours = np.arange(len(owner) + 1)

    def stairs(values: list[float]) -> np.ndarray:
        return np.append(values, values[-1])

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(12, 7.5), sharex=True,
                                         layout="constrained")
    figure.suptitle(staffing_title(plan), fontsize=12, fontweight="bold")
    load = [plan.loads[owner[h]].offered_load for h in range(len(owner))]
    top.fill_between(hours, stairs(load), step="post", color=OKABE_ITO["sky"], alpha=0.5,
                     linewidth=0, label="offered load (Erlangs = arrivals/h × mean service time)")
    top.step(hours, stairs(list(plan.current_hourly_staff)), where="post",
             color=OKABE_ITO["black"], linestyle=":", linewidth=1.2, label="today's roster")
    erlang = grid.expand(plan.erlang_staff)
    top.step(hours, stairs(erlang), where="post", color=OKABE_ITO["orange"], linestyle="--",
             linewidth=1.4, label="Erlang staffing, each interval on its own")
    top.step(hours, stairs(list(plan.hourly_staff)), where="post", color=OKABE_ITO["blue"],
             linewidth=1.8, label="recommended staff on duty (verified by simulation)")
    top.set_ylabel("servers")
    top.set_ylim(0, 1.45 * max(max(load), max(plan.hourly_staff), max(erlang), 1))   # room for the legend
    top.grid(alpha=0.3)
    top.legend(loc="upper right", fontsize=8)
    top.set_title(f"Service {plan.service}: staff against load, hour by hour", fontsize=10,
                  loc="left")

    def attainment(results: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mean = np.array([np.nan if results[owner[h]].mean is None else results[owner[h]].mean
                         for h in range(len(owner))])
        low = np.array([np.nan if results[owner[h]].ci95 is None else results[owner[h]].ci95[0]
                        for h in range(len(owner))])
        high = np.array([np.nan if results[owner[h]].ci95 is None else results[owner[h]].ci95[1]
                         for h in range(len(owner))])
        return mean, low, high

    for results, colour, marker, offset, label in (
        (plan.erlang_results, OKABE_ITO["vermillion"], "x", 0.3, "Erlang staffing"),
        (plan.results, OKABE_ITO["blue"], "o", 0.7, "recommended staffing"),
    ):
        mean, low, high = attainment(results)
        bottom.errorbar(hours[:-1] + offset, mean, yerr=[mean - low, high - mean], fmt=marker, markersize=3,
                        color=colour, ecolor=colour, elinewidth=0.7, alpha=0.85,
                        label=f"{label}: mean and 95 % interval")
    bottom.axhline(plan.target.attainment, color=OKABE_ITO["black"], linestyle=":", linewidth=1.2,
                   label=f"target {plan.target.attainment:.0%}")
    bottom.set_ylabel(f"share starting within {plan.target.wait_h * 60:g} min")
    bottom.set_ylim(min(0.0, bottom.get_ylim()[0]), 1.05)
    bottom.set_xlabel("hour of the week (customers by the interval they arrived in)")
    bottom.set_xticks(range(0, 169, 24), [*(f"{d} 00:00" for d in WEEKDAYS), ""])
    bottom.set_xlim(0, 168)
    bottom.grid(alpha=0.3)
    bottom.legend(loc="lower right", fontsize=8)
    bottom.set_title("SLA attainment per interval, simulated", fontsize=10, loc="left")
    figure.savefig(path, dpi=110, format=image_format)
    plt.close(figure)
