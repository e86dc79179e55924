"""Charts of one run: the week per service, utilisation, waits against the SLA, money.

Each chart has a figure function taking plain data (tested on its own) and a registered
function that takes the data from a results folder, or returns nothing when the folder
lacks it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from stratsim.clock import HOURS_PER_WEEK, WEEKDAYS
from stratsim.report import findings, style
from stratsim.report.charts import Drawing, register_chart, week_axis
from stratsim.report.labels import number
from stratsim.report.profiles import Band, WeekProfile, band
from stratsim.report.results import RUN, RunResults, WaitDistribution

MIDPOINTS = np.arange(HOURS_PER_WEEK) + 0.5
#: Utilisation from which a heatmap cell shows its value.
HIGH_UTILISATION = 0.8


def _band_label(replications: int) -> str:
    return f"95 % CI over {replications} replications" if replications > 1 else "one replication"


def _plot_band(ax, values: Band, colour: str, label: str, replications: int) -> None:
    ax.plot(MIDPOINTS, values.mean, color=colour, label=label)
    if replications > 1:
        ax.fill_between(MIDPOINTS, values.low, values.high, color=colour, alpha=0.25, linewidth=0,
                        label=_band_label(replications))


def _stacked(services: Sequence[str]) -> tuple[Figure, list]:
    figure, axes = style.new_figure(style.stacked_height(len(services)), rows=len(services), sharex=True)
    for ax, service in zip(axes, services):
        ax.set_title(service)
        week_axis(ax, label=ax is axes[-1])
    return figure, axes


# -- arrivals ---------------------------------------------------------------------------


def arrivals_figure(profile: WeekProfile, expected: Mapping[str, Sequence[float]]) -> Figure:
    """Arrivals per hour by hour of the week, per service, against the expected rate λ(h)."""
    figure, axes = _stacked(profile.services)
    means = {}
    for ax, service in zip(axes, profile.services):
        observed = band(profile.arrivals_per_h[:, profile.index(service)])
        means[service] = observed.mean
        _plot_band(ax, observed, style.BLUE, "simulated arrivals per hour", profile.replications)
        if service in expected:
            ax.plot(MIDPOINTS, expected[service], color=style.BLACK, linestyle="--", linewidth=1.6,
                    label="expected rate λ(h) from the scenario")
        ax.set_ylabel("arrivals per hour")
        ax.set_ylim(bottom=0)
    style.figure_legend(figure, axes, 3)
    style.set_finding(figure, findings.arrivals_finding(means, profile.bin_h))
    return figure


@register_chart(RUN, order=10)
def run_arrivals(results: RunResults) -> list[Drawing]:
    profile = results.profile
    if profile is None:
        return []
    expected = {s: results.service_model(s)["arrival_rate_per_h"] for s in profile.services
                if "arrival_rate_per_h" in results.service_model(s)}
    return [Drawing("arrivals-by-hour", arrivals_figure(profile, expected),
                    "Customers arriving per hour at each service, averaged over the weeks of the "
                    "measured window, by hour of the week; band: 95 % confidence interval over the "
                    "replications; dashed: the arrival rate the scenario's profiles give.")]


# -- capacity ---------------------------------------------------------------------------


def capacity_figure(profile: WeekProfile, load: Mapping[str, Sequence[float]],
                    staff: Mapping[str, Sequence[float]]) -> Figure:
    """Staff on duty against offered load (λ·E[S]) and the servers actually busy, per service."""
    figure, axes = _stacked(profile.services)
    for ax, service in zip(axes, profile.services):
        i = profile.index(service)
        on_duty = staff.get(service)
        if on_duty is None:
            on_duty = band(profile.staffed_mean[:, i]).mean
        ax.step(np.arange(HOURS_PER_WEEK + 1), [*on_duty, on_duty[-1]], where="post",
                color=style.BLACK, linewidth=2.0, label="staff on duty")
        if service in load:
            ax.plot(MIDPOINTS, load[service], color=style.ORANGE, linestyle="--",
                    label="offered load λ·E[S] (servers the demand needs on average)")
            for first, end in findings.hour_ranges(
                    h for h, (l, s) in enumerate(zip(load[service], on_duty)) if l > 0 and l >= s):
                ax.axvspan(first, end, color=style.YELLOW, alpha=0.6, linewidth=0,
                           label="load reaches staff: queues build")
        _plot_band(ax, band(profile.busy_mean[:, i]), style.BLUE, "busy servers (simulated)",
                   profile.replications)
        ax.set_ylabel("servers")
        ax.set_ylim(bottom=0)
    style.figure_legend(figure, axes, 2)
    capacity = {s: (load[s], staff[s]) for s in profile.services if s in load and s in staff}
    style.set_finding(figure, findings.capacity_finding(capacity) if capacity else
                      findings.utilisation_finding(
                          {s: band(profile.utilization[:, profile.index(s)]).mean for s in profile.services},
                          bin_h=profile.bin_h))
    return figure


@register_chart(RUN, order=20)
def run_capacity(results: RunResults) -> list[Drawing]:
    profile = results.profile
    if profile is None:
        return []
    models = {s: results.service_model(s) for s in profile.services}
    load = {s: m["offered_load_erlangs"] for s, m in models.items() if "offered_load_erlangs" in m}
    staff = {s: m["staff"] for s, m in models.items() if "staff" in m}
    return [Drawing("capacity-by-hour", capacity_figure(profile, load, staff),
                    "Servers on duty (the roster), the offered load λ·E[S] in Erlangs (arrival rate "
                    "× mean service time: the servers the demand keeps busy on average) and the "
                    "servers the simulation found busy, by hour of the week. Where the load reaches "
                    "the staff, queues build up; where the busy servers stay below the load, demand "
                    "was lost (customers gave up, balked or were blocked).")]


# -- waits by hour ----------------------------------------------------------------------


def wait_by_hour_figure(profile: WeekProfile, sla_min: Mapping[str, float | None]) -> Figure:
    """Mean wait of the customers starting service in each hour of the week, against the SLA."""
    assert profile.wait_mean_min is not None
    figure, axes = _stacked(profile.services)
    waits = {}
    for ax, service in zip(axes, profile.services):
        values = band(profile.wait_mean_min[:, profile.index(service)])
        waits[service] = (values.mean, sla_min.get(service))
        _plot_band(ax, values, style.BLUE, "mean wait", profile.replications)
        top = np.nanmax(values.mean) if np.isfinite(values.mean).any() else 1.0
        sla = sla_min.get(service)
        if sla is not None and sla <= 3 * top:
            ax.axhline(sla, color=style.SLA_COLOUR, linestyle="--", linewidth=2.0, label="SLA wait")
            ax.set_title(f"{service} (SLA wait {findings.minutes_text(sla)})")
            top = max(top, sla)
        elif sla is not None:
            ax.set_title(f"{service} (SLA wait {findings.minutes_text(sla)}: far above every hour's mean)")
        ax.set_ylim(0, max(top * 1.15, 1.0))
        ax.set_ylabel("mean wait (min)")
    style.figure_legend(figure, axes, 3)
    style.set_finding(figure, findings.wait_finding(waits, profile.bin_h))
    return figure


def queue_by_hour_figure(profile: WeekProfile) -> Figure:
    """Mean number waiting by hour of the week (for results without per-hour waits)."""
    figure, axes = _stacked(profile.services)
    peaks = {}
    for ax, service in zip(axes, profile.services):
        values = band(profile.queue_mean[:, profile.index(service)])
        peaks[service] = values.mean
        _plot_band(ax, values, style.BLUE, "customers waiting", profile.replications)
        ax.set_ylabel("customers waiting")
        ax.set_ylim(bottom=0)
    style.figure_legend(figure, axes, 3)
    service, hour = max(((s, int(np.nanargmax(v))) for s, v in peaks.items() if np.isfinite(v).any()),
                        key=lambda item: peaks[item[0]][item[1]], default=(profile.services[0], 0))
    style.set_finding(figure, f"Queues are longest at {service} on {findings.range_label(*findings.bin_span(hour, profile.bin_h))}: "
                              f"{number(float(peaks[service][hour]))} customers waiting on average")
    return figure


@register_chart(RUN, order=30)
def run_waits_by_hour(results: RunResults) -> list[Drawing]:
    profile = results.profile
    if profile is None:
        return []
    if profile.wait_mean_min is None:
        return [Drawing("queue-by-hour", queue_by_hour_figure(profile),
                        "Customers waiting (not in service), time-averaged per hour of the week; "
                        "band: 95 % confidence interval over the replications.")]
    sla = {s: results.service_model(s).get("sla_wait_min") for s in profile.services}
    return [Drawing("wait-by-hour", wait_by_hour_figure(profile, sla),
                    "Mean wait of the customers who started service in each hour of the week (all "
                    "tiers together), against the service's SLA wait; band: 95 % confidence interval "
                    "over the replications. Hours nobody was served in have no point.")]


# -- utilisation heatmap ----------------------------------------------------------------


def overrun_only_hours(staffed: np.ndarray, rostered: Sequence[float] | None, bin_h: float = 1.0) -> np.ndarray:
    """Hours of the week (bool per hour) whose staffed time is only staff finishing work after
    their shift: someone was on duty (``staffed`` > 0) though the roster has nobody in the
    whole time-series bin holding the hour (a 4 h bin with one rostered hour is real duty).

    Busy over staffed is then 100 % by construction (an overrunning server is busy until it
    leaves), which says nothing about how loaded the rostered staff were.
    """
    if rostered is None or len(rostered) != len(staffed):
        return np.zeros(len(staffed), dtype=bool)
    roster = np.asarray(rostered, dtype=float)
    unrostered = np.array([not np.any(roster[slice(*findings.bin_span(hour, bin_h))] > 0)
                           for hour in range(len(roster))])
    return unrostered & (np.nan_to_num(staffed) > 0)


def utilisation_figure(profile: WeekProfile, overall: Mapping[str, float | None] | None = None,
                       rostered: Mapping[str, Sequence[float]] | None = None) -> Figure:
    """Utilisation per service as a day × hour grid (grey: nobody staffed); ``overall``: the
    utilisation KPI per service, for the title; ``rostered``: service → rostered staff per hour
    of the week (``model.json``), to hatch the hours staffed only by overrun (see
    :func:`overrun_only_hours`), which are left out of the colours and the finding."""
    services = profile.services
    figure, axes = style.new_figure(style.stacked_height(len(services), panel_in=2.9, extra_in=1.3),
                                    rows=len(services), sharex=True)
    cmap = colormaps[style.HEATMAP].with_extremes(bad=style.LIGHT_GREY)
    means = {}
    image = None
    for ax, service in zip(axes, services):
        values = band(profile.utilization[:, profile.index(service)]).mean
        overrun = overrun_only_hours(band(profile.staffed_mean[:, profile.index(service)]).mean,
                                     (rostered or {}).get(service), profile.bin_h)
        values = np.where(overrun, np.nan, values)
        means[service] = values
        grid = np.ma.masked_invalid(values.reshape(7, 24))
        image = ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, aspect="auto",
                          extent=(0, 24, 7, 0), interpolation="nearest")
        ax.set_title(service)
        ax.set_yticks(np.arange(7) + 0.5, WEEKDAYS)
        ax.set_xticks(range(0, 25, 3), [f"{h:02d}:00" for h in range(0, 25, 3)])
        ax.grid(False)
        for hour in np.flatnonzero(overrun):
            ax.add_patch(Rectangle((hour % 24, hour // 24), 1, 1, fill=False, hatch="///",
                                   edgecolor=style.BLACK, linewidth=0))
        for hour in np.flatnonzero(np.nan_to_num(values) >= HIGH_UTILISATION):
            ax.text(hour % 24 + 0.5, hour // 24 + 0.5, f"{values[hour] * 100:.0f}", ha="center",
                    va="center", fontsize=style.NOTE_PT, color=style.BLACK)
        peak = int(np.nanargmax(values)) if np.isfinite(values).any() else None
        if peak is not None:
            first, end = findings.bin_span(peak, profile.bin_h)   # the whole bin the title names
            ax.add_patch(Rectangle((first % 24, first // 24), end - first, 1, fill=False,
                                   edgecolor=style.VERMILLION, linewidth=2.5))
    axes[-1].set_xlabel("hour of the day")
    if image is not None:
        bar = figure.colorbar(image, ax=axes, shrink=0.9, pad=0.01)
        bar.set_label("busy share of staffed time (%)")
        bar.set_ticks([0, 0.25, 0.5, 0.75, 1.0], labels=["0", "25", "50", "75", "100"])
    style.set_finding(figure, findings.utilisation_finding(means, overall, profile.bin_h))
    return figure


@register_chart(RUN, order=40)
def run_utilisation(results: RunResults) -> list[Drawing]:
    profile = results.profile
    if profile is None:
        return []
    overall = {s: (k.get("utilization") or {}).get("mean") for s, k in results.summary["services"].items()}
    rostered = {s: results.service_model(s)["staff"] for s in profile.services
                if "staff" in results.service_model(s)}
    return [Drawing("utilisation-heatmap", utilisation_figure(profile, overall, rostered),
                    "Share of the staffed server time that was busy, per service, day of the week "
                    "and hour, averaged over weeks and replications; grey: nobody on duty; "
                    "hatched: nobody rostered, only staff finishing work after their shift (busy "
                    "by definition, so not coloured); outlined: the busiest hour (its whole time bin "
                    "when bins are longer than an hour); numbers: hours "
                    "at 80 % or more.")]


# -- wait distribution ------------------------------------------------------------------


def wait_distribution_figure(waits: Mapping[str, Mapping[str, WaitDistribution]],
                             slas: Mapping[str, Mapping[str, tuple[float, float | None] | None]],
                             targets: Sequence[findings.SlaResult]) -> Figure:
    """Share of the admitted customers who started service within each wait, per service (a
    line per tier), against the SLA wait and target; the gap left at the right is the share
    who gave up waiting.

    ``waits``: service → tier (``""`` for a service without tiers) → distribution;
    ``slas``: service → tier → (SLA wait in minutes, target share or ``None``), or ``None``.
    """
    services = list(waits)
    figure, axes = style.new_figure(style.stacked_height(len(services)), rows=len(services))
    for ax, service in zip(axes, services):
        tiers = waits[service]
        service_slas = slas.get(service) or {}
        limits = [d.served_quantile(0.99) for d in tiers.values()]
        limits += [1.25 * sla[0] for sla in service_slas.values() if sla is not None]
        right = max([*limits, 1.0])
        sla_drawn = target_drawn = False
        for colour, (tier, distribution) in zip(style.SERIES, tiers.items()):
            x, y = distribution.curve()
            keep = x <= right
            name = tier or "all customers"
            counts = f"{distribution.served:,} served" + (
                f", {distribution.gave_up:,.0f} gave up" if distribution.gave_up else "")
            sla = service_slas.get(tier)
            result = ""
            if sla is not None:
                wait, target = sla
                within = distribution.share_within(wait)
                result = f": {findings.percent_text(within)} within {findings.minutes_text(wait)}"
                if target is not None:
                    verdict = "met" if within >= target else "missed"
                    result += f", target {findings.percent_text(target)} {verdict}"
            ax.plot(np.append(x[keep], right), np.append(y[keep], distribution.share_within(right)) * 100,
                    color=colour, label=f"{name}{result}\n({counts})")
            if sla is not None:
                ax.axvline(wait, color=colour, linestyle="--", linewidth=1.6)
                ax.plot([wait], [within * 100], marker="o", markersize=9, color=colour)
                sla_drawn = True
                if target is not None:
                    ax.axhline(target * 100, color=colour, linestyle=":", linewidth=1.8)
                    target_drawn = True
        ax.set_xlim(0, right)
        ax.set_ylim(0, 102)
        ax.set_title(service)
        ax.set_ylabel("% started within")
        ax.set_xlabel("wait before service starts (min)" + line_key(sla_drawn, target_drawn))
        ax.legend(loc="best")
    style.set_finding(figure, findings.sla_finding(targets))
    return figure


def line_key(sla_drawn: bool, target_drawn: bool) -> str:
    """What the dashed and dotted lines of a wait chart mean, naming only those drawn."""
    keys = [key for key, drawn in (("dashed: SLA wait", sla_drawn), ("dotted: target share", target_drawn))
            if drawn]
    return "".join(f"; {key}" for key in keys)


def _total(level: Mapping[str, object], kpi: str) -> float:
    """A count KPI summed over the replications (its mean times the replications it was counted in)."""
    stat = level.get(kpi) or {}
    return float(stat.get("mean") or 0.0) * int(stat.get("n") or 0)


def sla_results(results: RunResults) -> list[findings.SlaResult]:
    """SLA attainment against its target for each service, and each tier with its own SLA."""
    out = []
    for service, kpis in results.summary["services"].items():
        model = results.service_model(service)
        entries = [(service, kpis, model.get("sla_wait_min"), model.get("sla_attainment_target"))]
        for tier, tier_kpis in (kpis.get("tiers") or {}).items():
            tier_model = (model.get("tiers") or {}).get(tier) or {}
            if (tier_model.get("sla_wait_min"), tier_model.get("sla_attainment_target")) != entries[0][2:]:
                entries.append((f"{service} {tier}", tier_kpis, tier_model.get("sla_wait_min"),
                                tier_model.get("sla_attainment_target")))
        for who, level, wait, target in entries:
            stat = level.get("sla_attainment") or {}
            if stat.get("mean") is None or target is None or wait is None:
                continue
            ci = stat.get("ci95") or [None, None]
            out.append(findings.SlaResult(who, stat["mean"], ci[0], ci[1], target, wait))
    return out


@register_chart(RUN, order=50)
def run_wait_distribution(results: RunResults) -> list[Drawing]:
    waits = results.waits
    if not waits:
        return []
    by_service: dict[str, dict[str, WaitDistribution]] = {}
    slas: dict[str, dict[str, tuple[float, float | None] | None]] = {}
    for (service, tier), distribution in waits.items():
        kpis = results.summary["services"].get(service) or {}
        level = ((kpis.get("tiers") or {}).get(tier) or {}) if tier else kpis
        by_service.setdefault(service, {})[tier] = distribution.with_gave_up(_total(level, "reneged"))
        model = results.service_model(service)
        tier_model = (model.get("tiers") or {}).get(tier) or model
        wait = tier_model.get("sla_wait_min")
        slas.setdefault(service, {})[tier] = (
            None if wait is None else (wait, tier_model.get("sla_attainment_target")))
    return [Drawing("wait-distribution", wait_distribution_figure(by_service, slas, sla_results(results)),
                    "Share of the admitted customers (served, or gave up waiting) who started service "
                    "within the wait on the x axis, pooled over the replications, per service and "
                    "tier; dashed: the SLA wait. Customers who gave up count as misses, as in the "
                    "SLA attainment KPI, so each curve levels off below 100 % by the share who gave "
                    "up. Blocked and balked customers are not admitted and not in it.")]


# -- money ------------------------------------------------------------------------------

COST_PARTS = (("cost_staff", "staff cost"), ("cost_requests", "per-request cost"), ("cost_fixed", "fixed cost"))


def money_figure(levels: Mapping[str, Mapping[str, Mapping[str, object]]], window_days: float,
                 margins: Mapping[str, float] | None = None) -> Figure:
    """Revenue, cost by category and profit per service (and the portfolio), with 95 % CIs.

    ``levels``: name → KPI → summary statistic (``{"mean", "ci95"}``). ``margins``: each
    customer-facing service's margin after showback, when the run has showback; the services
    not in it (and not the portfolio) are then internal: they earn no revenue by design, so
    they get no profit bar (their cost reaches the customer-facing services' margins) and the
    title judges the customer-facing services on their margins.
    """
    figure, (ax,) = style.new_figure()
    names = list(levels)
    width = 0.26
    x = np.arange(len(names))
    labelled: set[str] = set()

    def mean(level, kpi):
        return (level.get(kpi) or {}).get("mean") or 0.0

    def high(level, kpi):
        ci = (level.get(kpi) or {}).get("ci95")
        return ci[1] if ci else mean(level, kpi)

    def error(level, kpi):
        stat = level.get(kpi) or {}
        ci = stat.get("ci95")
        if not ci:
            return [[0.0], [0.0]]
        return [[stat["mean"] - ci[0]], [ci[1] - stat["mean"]]]

    for i, name in enumerate(names):
        level = levels[name]
        ax.bar(x[i] - width, mean(level, "revenue"), width, color=style.REVENUE_COLOUR,
               yerr=error(level, "revenue"), capsize=4, label="revenue" if i == 0 else None)
        if all(kpi in level for kpi, _ in COST_PARTS):
            bottom = 0.0
            for (kpi, text), colour in zip(COST_PARTS, style.COST_COLOURS):
                ax.bar(x[i], mean(level, kpi), width, bottom=bottom, color=colour, edgecolor="white",
                       label=text if i == 0 else None)
                bottom += mean(level, kpi)
            ax.errorbar(x[i], mean(level, "cost"), yerr=error(level, "cost"), color=style.BLACK, capsize=4)
        else:
            ax.bar(x[i], mean(level, "cost"), width, color=style.COST_COLOURS[0], yerr=error(level, "cost"),
                   capsize=4, label="cost" if i == 0 else None)
        internal = margins is not None and name != "portfolio" and name not in margins
        for offset, kpi in ((0.0, "cost"),) if internal else ((-width, "revenue"), (0.0, "cost"), (width, "profit")):
            style.value_label(ax, number(mean(level, kpi)), x[i] + offset, max(high(level, kpi), 0.0))
        if internal:
            continue
        profit = mean(level, "profit")
        ax.bar(x[i] + width, profit, width, color=style.PROFIT_COLOUR if profit >= 0 else style.LOSS_COLOUR,
               yerr=error(level, "profit"), capsize=4,
               label=("profit" if profit >= 0 else "loss") if ("profit" if profit >= 0 else "loss")
               not in labelled else None)
        labelled.add("profit" if profit >= 0 else "loss")
    ax.axhline(0, color=style.BLACK, linewidth=1.0)
    ax.set_xticks(x, [n if margins is None or n == "portfolio" or n in margins else f"{n} (internal)"
                      for n in names])
    style.slant_tick_labels(ax)
    ax.grid(False, axis="x")
    ax.set_ylabel(f"money over the {number(window_days, 3)}-day window (currency)")
    ax.yaxis.set_major_formatter(lambda value, _: number(value))
    style.figure_legend(figure, [ax], 6)
    profits = {n: mean(levels[n], "profit") for n in names if n != "portfolio"}
    total = mean(levels["portfolio"], "profit") if "portfolio" in levels else sum(profits.values())
    style.set_finding(figure, findings.money_finding(profits, total, window_days, margins))
    style.fit_value_labels(figure)
    return figure


@register_chart(RUN, order=60)
def run_money(results: RunResults) -> list[Drawing]:
    services = results.summary["services"]
    if not any("revenue" in kpis and "cost" in kpis for kpis in services.values()):
        return []
    if all(((k.get("revenue") or {}).get("mean") or 0) == 0 and ((k.get("cost") or {}).get("mean") or 0) == 0
           for k in services.values()):
        return []   # no prices and no costs in the scenario: nothing to show
    levels = dict(services)
    if len(services) > 1:
        levels["portfolio"] = results.summary["kpis"]
    showback = ((results.summary.get("finance") or {}).get("showback") or {}).get("services")
    margins = ({s: (v.get("margin") or {}).get("mean") or 0.0 for s, v in showback.items()}
               if showback else None)
    return [Drawing("money", money_figure(levels, results.window_h / 24.0, margins),
                    "Revenue, cost by category (staff hours, per request completed, fixed per day) "
                    "and profit over the measured window, per service and for the portfolio; "
                    "whiskers: 95 % confidence intervals over the replications."
                    + (" Internal services earn no revenue by design and have no profit bar: their "
                       "cost is allocated to the customer-facing services that use them, and the "
                       "title judges those on their margin after that allocation (finance chart)."
                       if margins is not None else ""))]
