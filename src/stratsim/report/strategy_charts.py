"""What the run-time strategy did: a timeline of firings, price and staff, and a table of counts.

The timeline is drawn from ``timeseries.csv`` (``price_mean``, ``staff_mean``, ``surge_mean``)
and ``rules.csv`` (one row per firing, refusal or end); the table from ``summary.json``'s
``rules`` key and the refusals' reasons in ``rules.csv``. Both are left out for a scenario
without a run-time strategy.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from stratsim.clock import HOURS_PER_WEEK, WEEKDAYS
from stratsim.errors import ResultsError
from stratsim.report import findings, style
from stratsim.report.charts import Chart, Drawing, register_chart
from stratsim.report.labels import number
from stratsim.report.results import RUN, RunResults
from stratsim.report.sections import Cell, Row, Section, Table, register_section, render
from stratsim.report.series_csv import parse_columns, read_chunks
from stratsim.runner.output import RULES_FILE, TIMESERIES_FILE

#: The replication the timeline shows (see :func:`timeline_figure` for why not the mean).
SHOWN_REPLICATION = 0
FIRED, REFUSED, ENDED = "applied", "refused", "ended"
#: Refusal reasons shown per strategy item in the table.
TOP_REASONS = 2
#: Beyond this many days the x axis is ticked by week (days as minor ticks).
DAY_TICKS_UP_TO_DAYS = 15
#: At most this many labelled ticks on a weeks axis: "week 49" is about 0.6 in wide at the
#: tick font, so 15 of them (a year ticked every 4 weeks) fill 9 in of the 10 in timeline.
MAX_WEEK_TICKS = 15
#: Spacings of week ticks tried in turn (weeks): every week, fortnight, 4 weeks, quarter, half year.
WEEK_TICK_STEPS = (1, 2, 4, 13, 26, 52)
#: Beyond this many weeks the minor ticks mark weeks, not days (days would grey the axis).
DAY_MINOR_TICKS_UP_TO_WEEKS = 9
#: The narrowest a surge is drawn, as a share of the time axis.
MIN_SURGE_WIDTH = 0.004


@dataclass(frozen=True)
class StrategyEvent:
    """One row of ``rules.csv``."""

    replication: int
    time_h: float
    kind: str
    name: str
    service: str
    action: str
    outcome: str
    detail: str

    @property
    def on_price(self) -> bool:
        """Whether the event acts on the price (pricing rules, promotions, price factors)."""
        return self.kind in ("pricing", "promotion") or "price" in self.action


@dataclass
class ServiceLine:
    """One replication's price and staff of one service, bin by bin."""

    start_h: list[float] = field(default_factory=list)
    end_h: list[float] = field(default_factory=list)
    price: list[float] = field(default_factory=list)
    staff: list[float] = field(default_factory=list)
    surge: list[float] = field(default_factory=list)

    def value_at(self, series: str, time_h: float) -> float:
        """The series' value in the bin holding ``time_h`` (the last bin's for later times)."""
        values = getattr(self, series)
        index = int(np.searchsorted(self.end_h, time_h, side="right"))
        return float(values[min(index, len(values) - 1)])


def read_events(path: Path) -> list[StrategyEvent]:
    """``rules.csv``'s rows (none for a header-only file)."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return [StrategyEvent(int(row["replication"]), float(row["time_h"]), row["kind"], row["name"],
                                  row["service"], row["action"], row["outcome"], row["detail"])
                    for row in csv.DictReader(handle)]
    except OSError as error:
        raise ResultsError(f"{path}: cannot read: {error.strerror or error}") from None
    except (KeyError, ValueError, TypeError) as error:
        raise ResultsError(f"{path}: not a stratsim rules log ({error})") from None


def read_lines(path: Path, replication: int,
               warmup_h: float) -> tuple[dict[str, ServiceLine], dict[str, tuple[float, float]]]:
    """One replication's price, staff and surge per service from ``timeseries.csv``, and each
    service's price range over every replication's measured window (both empty when the file
    has no such columns: results from before the strategy ran at run time). Services come in
    the order the file first names them."""
    lines: dict[str, ServiceLine] = {}
    prices: dict[str, tuple[float, float]] = {}
    try:
        for header, text in read_chunks(path):
            if not {"price_mean", "staff_mean", "surge_mean"} <= set(header):
                return {}, {}
            services = parse_columns(text, header, ["service"], dtype=str)[:, 0]
            table = parse_columns(text, header, ["replication", "time_h", "bin_h", "price_mean",
                                                 "staff_mean", "surge_mean"])
            rep, start, length, price, staff, surge = table.T
            measured = start >= warmup_h
            shown = rep == replication
            for service in dict.fromkeys(services.tolist()):
                mine = services == service
                window = price[mine & measured]
                if window.size:
                    low, high = prices.get(service, (window[0], window[0]))
                    prices[service] = (float(min(low, window.min())), float(max(high, window.max())))
                rows = mine & shown
                if rows.any():
                    line = lines.setdefault(service, ServiceLine())
                    line.start_h += start[rows].tolist()
                    line.end_h += (start[rows] + length[rows]).tolist()
                    line.price += price[rows].tolist()
                    line.staff += staff[rows].tolist()
                    line.surge += surge[rows].tolist()
    except OSError as error:
        raise ResultsError(f"{path}: cannot read: {error.strerror or error}") from None
    except (KeyError, ValueError, TypeError, IndexError) as error:
        raise ResultsError(f"{path}: not a stratsim time series ({error})") from None
    return lines, prices


def _changes(values: Sequence[float]) -> bool:
    return bool(values) and max(values) - min(values) > 1e-9


def strategy_services(lines: Mapping[str, ServiceLine],
                      events: Sequence[StrategyEvent]) -> dict[str, tuple[bool, bool]]:
    """The services the timeline shows, each with (price panel, staff panel): a service whose
    price changed or that a price event touched gets a price panel; one with surge staff or a
    staffing event a staff panel. A service with neither is left out (its roster alone is the
    capacity chart's subject)."""
    shown: dict[str, tuple[bool, bool]] = {}
    for service, line in lines.items():
        touched = [e for e in events if e.service == service and e.outcome in (FIRED, REFUSED)]
        price = _changes(line.price) or any(e.on_price for e in touched)
        staff = max(line.surge, default=0.0) > 0 or any(not e.on_price for e in touched)
        if price or staff:
            shown[service] = (price, staff)
    return shown


# -- the timeline -----------------------------------------------------------------------


def week_tick_step(horizon_h: float) -> int:
    """Weeks between labelled ticks: the first of :data:`WEEK_TICK_STEPS` that leaves at most
    :data:`MAX_WEEK_TICKS` labels, so a year's labels (every 4 weeks) never run together."""
    weeks = horizon_h / 168.0
    return next((step for step in WEEK_TICK_STEPS if weeks / step + 1 <= MAX_WEEK_TICKS), WEEK_TICK_STEPS[-1])


def minor_ticks_are_days(horizon_h: float) -> bool:
    """Days as minor ticks up to :data:`DAY_MINOR_TICKS_UP_TO_WEEKS` weeks, weeks beyond."""
    return horizon_h / 168.0 <= DAY_MINOR_TICKS_UP_TO_WEEKS


def time_axis(ax: Axes, horizon_h: float, warmup_h: float) -> None:
    """Hours from time 0 (Monday 00:00) ticked by day (``Mon 1``…) for a short horizon, by
    week (days as minor ticks) for a long one; the warm-up shaded."""
    days = horizon_h / 24.0
    ax.set_xlim(0, horizon_h)
    if days <= DAY_TICKS_UP_TO_DAYS:
        ticks = np.arange(0, horizon_h + 1e-9, 24.0)
        ax.set_xticks(ticks, [f"{WEEKDAYS[int(t // 24) % 7]} {int(t // 24) + 1}" for t in ticks])
    else:
        step = week_tick_step(horizon_h)
        ticks = np.arange(0, horizon_h + 1e-9, 168.0 * step)
        ax.set_xticks(ticks, [f"week {int(t // 168) + 1}" for t in ticks])
        ax.xaxis.set_minor_locator(MultipleLocator(24.0 if minor_ticks_are_days(horizon_h) else 168.0))
        ax.grid(True, axis="x", which="minor", color="#F0F0F0", linewidth=0.6)
    if warmup_h > 0:
        ax.axvspan(0, warmup_h, color=style.LIGHT_GREY, alpha=0.5, linewidth=0,
                   label="warm-up (not counted)")


def _steps(line: ServiceLine, values: Sequence[float]) -> tuple[list[float], list[float]]:
    return [*line.start_h, line.end_h[-1]], [*values, values[-1]]


def _marker_colours(events: Sequence[StrategyEvent]) -> dict[str, str]:
    names = list(dict.fromkeys(e.name for e in events))
    colours = [c for c in style.SERIES if c not in (style.BLACK, style.YELLOW)]
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


def _mark(ax: Axes, line: ServiceLine, series: str, events: Sequence[StrategyEvent],
          colours: Mapping[str, str]) -> None:
    """A marker per firing (filled triangle) and refusal (cross) on the series' line, by rule."""
    for name in dict.fromkeys(e.name for e in events):
        for outcome, marker, text in ((FIRED, "^", "fired"), (REFUSED, "X", "refused")):
            chosen = [e for e in events if e.name == name and e.outcome == outcome]
            if not chosen:
                continue
            ax.plot([e.time_h for e in chosen], [line.value_at(series, e.time_h) for e in chosen],
                    linestyle="none", marker=marker, markersize=9 if outcome == FIRED else 10,
                    color=colours[name], markeredgecolor="white" if outcome == FIRED else colours[name],
                    markeredgewidth=0.8, alpha=0.9, zorder=5, label=f"{name} {text} ({len(chosen)})")


def _surge_bars(ax: Axes, line: ServiceLine, horizon_h: float) -> None:
    """Surge staff as orange bars on top of the base staff, each at least
    :data:`MIN_SURGE_WIDTH` of the axis wide: an hour's surge over weeks stays visible."""
    bins = [i for i, surge in enumerate(line.surge) if surge > 0]
    if not bins:
        return
    width = max(horizon_h * MIN_SURGE_WIDTH, 0.0)
    ax.bar([line.start_h[i] for i in bins], [line.surge[i] for i in bins],
           width=[max(line.end_h[i] - line.start_h[i], width) for i in bins],
           bottom=[line.staff[i] - line.surge[i] for i in bins], align="edge", color=style.ORANGE,
           linewidth=0, zorder=3, label="surge staff added by rules (time-average per bin)")


def timeline_figure(lines: Mapping[str, ServiceLine], events: Sequence[StrategyEvent],
                    panels: Mapping[str, tuple[bool, bool]], horizon_h: float, warmup_h: float,
                    finding: str, replication: int = SHOWN_REPLICATION) -> Figure:
    """Price and staff on duty of each service in ``panels`` over one replication, with a
    marker per firing and refusal of ``events`` (that replication's, before the horizon).

    One replication, not the mean over replications: the strategy's changes are steps at
    times that differ between replications, so a mean would draw ramps and fractional staff
    no replication had, and the markers of one replication would sit on a line that is not
    theirs. The table and the title give the counts over every replication.
    """
    rows = [(service, series) for service, (price, staff) in panels.items()
            for series, wanted in (("price", price), ("staff", staff)) if wanted]
    figure, axes = style.new_figure(style.stacked_height(len(rows), panel_in=2.9, extra_in=1.9),
                                    rows=len(rows), sharex=True)
    colours = _marker_colours(events)
    for ax, (service, series) in zip(axes, rows):
        line = lines[service]
        mine = [e for e in events if e.service == service and e.outcome in (FIRED, REFUSED)
                and (e.on_price == (series == "price"))]
        time_axis(ax, horizon_h, warmup_h)
        if series == "price":
            ax.step(*_steps(line, line.price), where="post", color=style.BLACK, linewidth=1.8,
                    label="price (time-average per bin)")
            low, high = min(line.price), max(line.price)
            pad = max((high - low) * 0.15, abs(high) * 0.05, 1e-6)
            ax.set_ylim(low - pad, high + pad)
            ax.set_ylabel("price")
            ax.set_title(f"{service}: price (replication {replication})")
        else:
            _surge_bars(ax, line, horizon_h)
            ax.step(*_steps(line, line.staff), where="post", color=style.BLACK, linewidth=1.4,
                    label="staff on duty (surge included)")
            ax.set_ylim(0, max(line.staff) * 1.15 + 0.5)
            ax.set_ylabel("staff on duty")
            ax.set_title(f"{service}: staff on duty (replication {replication})")
        _mark(ax, line, series, mine, colours)
    axes[-1].set_xlabel("time from the start (each tick a day)" if horizon_h / 24 <= DAY_TICKS_UP_TO_DAYS
                        else "time from the start (minor ticks: days)" if minor_ticks_are_days(horizon_h)
                        else "time from the start (minor ticks: weeks)")
    style.figure_legend(figure, axes, 3)
    style.set_finding(figure, finding)
    return figure


def _period(hour_of_week: float) -> tuple[str, str]:
    """(weekday, part of the day) of an hour of the week: ``("Monday", "morning")``."""
    hour = int(hour_of_week % HOURS_PER_WEEK)
    part = ("night", "morning", "afternoon", "evening")[(hour % 24) // 6]
    return findings.DAY_NAMES[hour // 24], part


def when_text(times_h: Sequence[float]) -> str:
    """``"mostly Monday mornings"`` when half or more of the times fall in one weekday's part
    of the day, ``"mostly mornings"`` in one part of any day, else ``""``."""
    if not times_h:
        return ""
    periods = Counter(_period(t) for t in times_h)
    (day, part), count = periods.most_common(1)[0]
    if count * 2 >= len(times_h):
        return f"mostly {day} {part}s"
    parts = Counter(p for _, p in periods.elements())
    part, count = parts.most_common(1)[0]
    return f"mostly {part}s" if count * 2 >= len(times_h) else ""


def _times(per_replication: float, replications: int) -> str:
    """``"3 times a replication"``; below once a replication, the total: ``"2 times in 20 replications"``."""
    if per_replication >= 1 or replications <= 1:
        return f"{number(per_replication, 3)} time{'' if per_replication == 1 else 's'} a replication"
    total = round(per_replication * replications)
    return f"{total} time{'' if total == 1 else 's'} in {replications} replications"


def strategy_finding(fired_per_replication: Mapping[str, float], refused_per_replication: Mapping[str, float],
                     fired_times_h: Mapping[str, Sequence[float]],
                     price_ranges: Mapping[str, tuple[float, float]], replications: int) -> str:
    """The timeline's title: the items that fired most (per replication on average, and when),
    refusals, and the range each shown service's price kept."""
    parts = []
    busiest = sorted((n for n, c in fired_per_replication.items() if c > 0),
                     key=lambda n: -fired_per_replication[n])
    for name in busiest[:2]:
        count = fired_per_replication[name]
        text = f"{name} fired {_times(count, replications)}"
        when = when_text(fired_times_h.get(name, []))
        refused = refused_per_replication.get(name, 0.0)
        parts.append(text + (f", {when}" if when else "")
                     + (f", refused {_times(refused, replications)}" if refused else ""))
    if len(busiest) > 2:
        parts.append(f"{len(busiest) - 2} more item{'s' if len(busiest) > 3 else ''} fired")
    never = [n for n in refused_per_replication if fired_per_replication.get(n, 0) == 0
             and refused_per_replication[n] > 0]
    if never:
        parts.append(f"{never[0]} was refused {_times(refused_per_replication[never[0]], replications)}, "
                     "never fired")
    for service, (low, high) in price_ranges.items():
        parts.append(f"{service}'s price stayed at {number(low)}" if high - low < 1e-9
                     else f"{service}'s price stayed within {number(low)}–{number(high)}")
    if not parts:
        return "The strategy never acted inside the measured window"
    return "; ".join(parts)


def _window(events: Sequence[StrategyEvent], warmup_h: float, horizon_h: float) -> list[StrategyEvent]:
    return [e for e in events if warmup_h <= e.time_h < horizon_h]


@register_chart(RUN, order=70)
def run_strategy_timeline(results: RunResults) -> list[Drawing]:
    rules_path, series_path = results.folder / RULES_FILE, results.folder / TIMESERIES_FILE
    if "rules" not in results.summary or not rules_path.is_file() or not series_path.is_file():
        return []   # no strategy ran: no price moved and nobody surged, so nothing to draw
    events = read_events(rules_path)
    horizon_h, warmup_h = float(results.summary["horizon_hours"]), float(results.summary["warmup_hours"])
    lines, price_ranges = read_lines(series_path, SHOWN_REPLICATION, warmup_h)
    panels = strategy_services(lines, [e for e in events if e.replication == SHOWN_REPLICATION])
    if not panels:
        return []
    replications = max(int(results.summary["replications"]), 1)
    counted = _window(events, warmup_h, horizon_h)
    fired = Counter(e.name for e in counted if e.outcome == FIRED)
    refused = Counter(e.name for e in counted if e.outcome == REFUSED)
    times: dict[str, list[float]] = {}
    for e in counted:
        if e.outcome == FIRED:
            times.setdefault(e.name, []).append(e.time_h)
    finding = strategy_finding({n: c / replications for n, c in fired.items()},
                               {n: c / replications for n, c in refused.items()}, times,
                               {s: price_ranges[s] for s, (price, _) in panels.items() if price and s in price_ranges},
                               replications)
    shown = [e for e in events if e.replication == SHOWN_REPLICATION and e.time_h < horizon_h]
    figure = timeline_figure(lines, shown, panels, horizon_h, warmup_h, finding)
    return [Drawing("strategy-timeline", figure,
                    f"Replication {SHOWN_REPLICATION} from time 0 to the horizon: each service's price and "
                    "staff on duty as the strategy set them (time-averages per time bin; orange: surge "
                    "staff added by rules), with a triangle where a strategy item fired and a cross where "
                    "it was refused, coloured by item. One replication rather than the mean, because the "
                    "strategy's steps fall at different times in each replication. The title counts "
                    "firings per replication over all replications, inside the measured window; the "
                    "warm-up is shaded.")]


# -- the section ------------------------------------------------------------------------


def reason_of(detail: str) -> str:
    """A refusal's reason without its varying numbers in brackets: ``"max_staff 9 reached"``."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", detail).strip() or "no reason given"


def top_reasons(events: Sequence[StrategyEvent], name: str, limit: int = TOP_REASONS) -> str:
    reasons = Counter(reason_of(e.detail) for e in events if e.name == name and e.outcome == REFUSED)
    return "; ".join(f"{reason} ({count:,})" for reason, count in reasons.most_common(limit))


def _count_cell(stat: Mapping[str, object] | None) -> Cell:
    if not stat or stat.get("mean") is None:
        return Cell("–")
    ci = stat.get("ci95") or [None, None]
    varies = ci[0] is not None and ci[1] is not None and ci[0] != ci[1]
    return Cell(number(float(stat["mean"]), 3),  # type: ignore[arg-type]
                ci=f"95 % CI {number(float(ci[0]), 3)} to {number(float(ci[1]), 3)}" if varies else "")


@register_section(RUN, order=40)
def strategy_section(results: RunResults, charts: list[Chart]) -> Section | None:
    """"What the strategy did": each strategy item's firings and refusals per replication, with
    the most frequent reasons for refusals."""
    rules = results.summary.get("rules")
    if not rules:
        return None
    path = results.folder / RULES_FILE
    events = _window(read_events(path), float(results.summary["warmup_hours"]),
                     float(results.summary["horizon_hours"])) if path.is_file() else []
    kinds = {e.name: e.kind for e in events}
    rows = [Row([Cell(name), Cell(kinds.get(name, "")), _count_cell(stats.get("fired")),
                 _count_cell(stats.get("refused")), Cell(top_reasons(events, name) or "–", css="text")])
            for name, stats in rules.items()]
    table = Table(["strategy item", "kind", "fired", "refused", "most frequent reasons for refusal"], rows,
                  note=f"Firings and refusals per replication inside the measured window, mean over "
                       f"{results.summary.get('replications')} replications with its 95 % confidence "
                       "interval; one per service acted on. Reasons: over all replications' refusals "
                       "in the window, with their counts; every event is in rules.csv.")
    return Section("strategy", "What the strategy did", render("table.html.j2", tables=[table]))
