"""Titles that state a finding, computed from the numbers: pure functions, no drawing.

A chart in a decision meeting is read by its title first, so the title says what the chart
shows ("Mon 09:00–12:00 is the only time helpdesk's mean wait exceeds its 20 min SLA"), not
which variable it plots. Every function here takes plain numbers and returns text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from stratsim.clock import HOURS_PER_WEEK, hour_of_week_label
from stratsim.report.labels import HIGHER_IS_BETTER, NBSP, difference_text, label, name_in_text, number, value_text

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


hour_label = hour_of_week_label


def hour_ranges(hours: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive hours of the week as ``(first, end)`` ranges, end exclusive, in week order.

    The week wraps: hours 167 and 0 (Sunday 23:00 and Monday 00:00) join one range, which
    then ends past 168.
    """
    chosen = sorted({h % HOURS_PER_WEEK for h in hours})
    ranges: list[list[int]] = []
    for hour in chosen:
        if ranges and ranges[-1][1] == hour:
            ranges[-1][1] = hour + 1
        else:
            ranges.append([hour, hour + 1])
    if len(ranges) > 1 and ranges[0][0] == 0 and ranges[-1][1] == HOURS_PER_WEEK:
        last = ranges.pop()
        ranges[0] = [last[0], ranges[0][1] + HOURS_PER_WEEK]
        ranges.sort()
    return [(a, b) for a, b in ranges]


def range_label(first: int, end: int) -> str:
    """``"Mon 09:00–12:00"``; ``"Fri 22:00–Sat 02:00"`` across midnight; ``"Mon 20:00–24:00"``."""
    last = end - 1
    same_day = (first % HOURS_PER_WEEK) // 24 == (last % HOURS_PER_WEEK) // 24 and end - first <= 24
    if same_day:
        close = "24:00" if end % 24 == 0 else f"{end % 24:02d}:00"
        return f"{hour_label(first)}–{close}"
    return f"{hour_label(first)}–{hour_label(end)}"


def bin_step_h(bin_h: float) -> int:
    """Whole hours per time-series bin when the bins tile every week alike (a whole number of
    hours dividing 168, bins starting at Monday 00:00), else 1 (then the by-hour values blend
    neighbouring bins and :func:`resolution_note` says so)."""
    if bin_h > 1 and float(bin_h).is_integer() and HOURS_PER_WEEK % int(bin_h) == 0:
        return int(bin_h)
    return 1


def bin_span(hour: int, bin_h: float = 1.0) -> tuple[int, int]:
    """``(first, end)`` hours of the week of the time-series bin holding ``hour``.

    A week profile folded from 4-hour bins has one value per bin, spread over its four hours:
    a finding then names the bin (``Sun 08:00–12:00``), never one hour of it.
    """
    step = bin_step_h(bin_h)
    first = hour - hour % step
    return first, first + step


def widen_to_bins(hours: Iterable[int], bin_h: float = 1.0) -> list[int]:
    """Every hour of the bins holding ``hours`` (so a period never starts or ends inside a bin)."""
    return sorted({h for hour in hours for h in range(*bin_span(hour, bin_h))})


def span_label(hour: int, bin_h: float = 1.0) -> str:
    """The time a by-hour value stands for: ``"Sun 08:00"`` for hourly bins, the bin's whole
    span (``"Sun 08:00–12:00"``) for longer ones."""
    first, end = bin_span(hour, bin_h)
    return hour_label(first) if end - first == 1 else range_label(first, end)


def resolution_note(bin_h: float) -> str:
    """`` (from 5 h bins)`` when the bins do not tile the week, so hours blend several bins."""
    return f" (from {number(bin_h, 3)}{NBSP}h bins)" if bin_h > 1 and bin_step_h(bin_h) == 1 else ""


def hours_text(hours: Iterable[int], limit: int = 3) -> str:
    """Hours of the week as readable periods: ``"Mon 09:00–12:00 and Tue 10:00–11:00"``."""
    ranges = hour_ranges(hours)
    labels = [range_label(a, b) for a, b in ranges[:limit]]
    if len(ranges) > limit:
        more = len(ranges) - limit
        return f"{', '.join(labels)} and {more} more period{'s' if more > 1 else ''}"
    if len(labels) > 1:
        return f"{', '.join(labels[:-1])} and {labels[-1]}"
    return labels[0] if labels else ""


def _defined(values: Sequence[float]) -> list[int]:
    return [h for h, v in enumerate(values) if v is not None and not math.isnan(v)]


def minutes_text(value: float) -> str:
    """``"20 min"``; ``"8 h"`` from 90 minutes up (a no-break space: a title never splits it)."""
    return f"{number(value, 2)}{NBSP}min" if value < 90 else f"{number(value / 60, 2)}{NBSP}h"


def percent_text(share: float, digits: int = 3) -> str:
    """``"84.4 %"`` for 0.844 (a no-break space before the sign)."""
    return f"{number(share * 100, digits)}{NBSP}%"


def wait_finding(waits: Mapping[str, tuple[Sequence[float], float | None]], bin_h: float = 1.0) -> str:
    """Title of the wait-by-hour chart.

    ``waits``: service → (mean wait in minutes per hour of the week, ``nan`` where nobody
    started service; the SLA wait in minutes or ``None``); ``bin_h``: the time series' bin
    length, so times are named as whole bins (see :func:`bin_span`).
    """
    return _wait_text(waits, bin_h) + resolution_note(bin_h)


def _wait_text(waits: Mapping[str, tuple[Sequence[float], float | None]], bin_h: float) -> str:
    breaches = {}
    for service, (by_hour, sla) in waits.items():
        if sla is not None:
            above = widen_to_bins((h for h in _defined(by_hour) if by_hour[h] > sla), bin_h)
            if above:
                breaches[service] = (above, sla)
    if not breaches:
        hours = [(s, h, w[h], sla) for s, (w, sla) in waits.items() for h in _defined(w)]
        if not hours:
            return "Nobody started service in the measured window"
        judged = [item for item in hours if item[3] is not None]
        if judged:
            service, hour, wait, sla = max(judged, key=lambda item: item[2] / item[3])
            return (f"Mean waits stay within the SLA in every hour of the week; closest: {service} "
                    f"on {span_label(hour, bin_h)}, {minutes_text(wait)} against {minutes_text(sla)}")
        service, hour, wait, _ = max(hours, key=lambda item: item[2])
        return f"Waits are longest at {service} on {span_label(hour, bin_h)}: {minutes_text(wait)} on average"
    parts = []
    for service, (above, sla) in breaches.items():
        periods = hour_ranges(above)
        if len(periods) <= 2:
            only = "the only time" if len(periods) == 1 else "the only times"
            verb = "is" if len(periods) == 1 else "are"
            parts.append(f"{hours_text(above)} {verb} {only} {service}'s mean wait exceeds its "
                         f"{minutes_text(sla)} SLA")
        else:
            worst = max((h for h in above if not math.isnan(waits[service][0][h])),
                        key=lambda h: waits[service][0][h])
            parts.append(f"{service}'s mean wait exceeds its {minutes_text(sla)} SLA in {len(above)} hours "
                         f"of the week, longest at {span_label(worst, bin_h)} "
                         f"({minutes_text(waits[service][0][worst])})")
    return "; ".join(parts)   # a service id keeps its case, even first


def capacity_finding(capacity: Mapping[str, tuple[Sequence[float], Sequence[float]]]) -> str:
    """Title of the staff-against-load chart; ``capacity``: service → (load, staff) per hour."""
    short = {service: [h for h, (l, s) in enumerate(zip(load, staff)) if l > 0 and l >= s]
             for service, (load, staff) in capacity.items()}
    short = {service: hours for service, hours in short.items() if hours}
    if not short:
        tightest = max(((s, h, load[h] / staff[h]) for s, (load, staff) in capacity.items()
                        for h in range(len(load)) if staff[h] > 0),
                       key=lambda item: item[2], default=None)
        if tightest is None:
            return "No staff is on duty at any hour"
        service, hour, ratio = tightest
        return (f"Staff on duty exceeds the offered load in every hour; tightest: {service} at "
                f"{hour_label(hour)} ({percent_text(ratio, 2)} of staff needed)")
    parts = [f"{service} {hours_text(hours, limit=2)}" for service, hours in short.items()]
    total = sum(len(hours) for hours in short.values())
    return (f"Offered load reaches the staff on duty in {total} hour{'s' if total > 1 else ''} "
            f"of the week, so queues build: {'; '.join(parts)}")


def utilisation_finding(utilisation: Mapping[str, Sequence[float]],
                        overall: Mapping[str, float | None] | None = None, bin_h: float = 1.0) -> str:
    """Title of the utilisation heatmap; ``utilisation``: service → share busy per hour (nan:
    nobody staffed); ``overall``: service → utilisation over the whole window (the KPI);
    ``bin_h``: the time series' bin length (the peak is named as its whole bin)."""
    peaks = [(s, h, u[h]) for s, u in utilisation.items() for h in _defined(u)]
    if not peaks:
        return "No service was staffed in the measured window"
    service, hour, peak = max(peaks, key=lambda item: item[2])
    text = f"{service} is busiest on {range_label(*bin_span(hour, bin_h))}: {percent_text(peak, 2)} of staffed time busy"
    whole = (overall or {}).get(service)
    if whole is not None:
        text += f" ({percent_text(whole, 2)} over the whole window)"
    high = sum(1 for s, u in utilisation.items() for h in _defined(u) if u[h] >= 0.9)
    if high > 1:
        text += f"; {high} service-hours of the week run at 90 % or more"
    return text + resolution_note(bin_h)


@dataclass(frozen=True)
class SlaResult:
    """An SLA attainment estimate against its target (shares 0–1)."""

    who: str
    mean: float
    low: float | None
    high: float | None
    target: float
    wait_min: float

    @property
    def status(self) -> str:
        """``"met"`` (the whole interval reaches the target), ``"missed"`` or ``"unclear"``."""
        low = self.mean if self.low is None else self.low
        high = self.mean if self.high is None else self.high
        if low >= self.target:
            return "met"
        if high < self.target:
            return "missed"
        return "unclear"

    def sentence(self) -> str:
        """``"helpdesk misses its SLA: 72 % start within 20 min (target 80 %)"``."""
        return f"{self.who} {self.verb} its SLA: {self.numbers()}"

    @property
    def verb(self) -> str:
        return {"met": "meets", "missed": "misses", "unclear": "may miss"}[self.status]

    def numbers(self) -> str:
        return (f"{percent_text(self.mean)} start within {minutes_text(self.wait_min)} "
                f"(target {percent_text(self.target)})")


def sla_finding(results: Sequence[SlaResult]) -> str:
    """Title of the wait-distribution chart: which SLA targets are met, the misses named."""
    if not results:
        return "No service has an SLA"
    missed = sorted((r for r in results if r.status != "met"), key=lambda r: r.mean - r.target)
    if len(results) == 1:
        return results[0].sentence()
    if not missed:
        return f"Every SLA target is met ({len(results)} of {len(results)})"
    met = len(results) - len(missed)
    named = [f"{r.who} ({percent_text(r.mean)} within {minutes_text(r.wait_min)}, target "
             f"{percent_text(r.target)}{'' if r.status == 'missed' else ', unclear'})" for r in missed[:2]]
    if len(missed) > 2:
        named[-1] += f" and {len(missed) - 2} more"
    return f"{met} of {len(results)} SLA targets met; missed: {' and '.join(named)}"


def money_finding(profit: Mapping[str, float], portfolio_profit: float, window_days: float,
                  margins: Mapping[str, float] | None = None) -> str:
    """Title of the money chart; ``profit``: service → mean profit over the window.

    With ``margins`` (customer-facing service → mean margin after showback) the services are
    judged on those margins: internal services earn no revenue by design, so their negative
    profit is not a loss to report.
    """
    period = f"over {number(window_days, 3)} days"
    if margins is not None:
        return f"Portfolio profit {number(portfolio_profit)} {period}" + _margin_verdict(margins)
    losses = [s for s, p in profit.items() if p < 0]
    text = f"Portfolio profit {number(portfolio_profit)} {period}"
    if losses:
        worst = min(losses, key=lambda s: profit[s])
        text += (f"; {worst} runs at a loss ({number(profit[worst])})" if len(losses) == 1 else
                 f"; {len(losses)} services run at a loss, most {worst} ({number(profit[worst])})")
    elif len(profit) > 1:
        best = max(profit, key=lambda s: profit[s])
        text += f"; every service is profitable, {best} most ({number(profit[best])})"
    return text


def _margin_verdict(margins: Mapping[str, float]) -> str:
    """``"; after showback, backup runs at a loss (−9,507)"`` and the like."""
    losses = [s for s, m in margins.items() if m < 0]
    if losses:
        worst = min(losses, key=lambda s: margins[s])
        return (f"; after showback {worst} runs at a loss ({number(margins[worst])})" if len(losses) == 1 else
                f"; after showback {len(losses)} customer-facing services run at a loss, most {worst} "
                f"({number(margins[worst])})")
    if not margins:
        return ""
    lowest = min(margins, key=lambda s: margins[s])
    return (f"; after showback every customer-facing service keeps a margin, lowest {lowest} "
            f"({number(margins[lowest])})")


def arrivals_finding(arrivals: Mapping[str, Sequence[float]], bin_h: float = 1.0) -> str:
    """Title of the arrivals chart; ``arrivals``: service → arrivals per hour, by hour of the
    week; ``bin_h``: the time series' bin length (the peak is named as its whole bin)."""
    peaks = [(s, h, a[h]) for s, a in arrivals.items() for h in _defined(a)]
    if not peaks:
        return "No arrivals in the measured window"
    service, hour, peak = max(peaks, key=lambda item: item[2])
    text = f"Demand peaks on {range_label(*bin_span(hour, bin_h))} at {number(peak, 3)} arrivals per hour ({service})"
    days = [sum(arrivals[service][h] for h in _defined(arrivals[service]) if h // 24 == d)
            for d in range(7)]
    busiest, quietest = max(range(7), key=lambda d: days[d]), min(range(7), key=lambda d: days[d])
    if days[busiest] > 0 and days[quietest] < days[busiest]:
        text += (f"; {DAY_NAMES[quietest]} brings {percent_text(days[quietest] / days[busiest], 2)} "
                 f"of {DAY_NAMES[busiest]}'s customers")
    return text + resolution_note(bin_h)


# -- comparisons and sweeps ------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A scenario's paired difference from the baseline for one KPI."""

    scenario: str
    kpi: str
    mean: float
    significant: bool

    @property
    def better(self) -> bool | None:
        """Whether the change is for the better (``None`` when the KPI has no clear direction)."""
        higher = HIGHER_IS_BETTER.get(self.kpi)
        if higher is None or self.mean == 0:
            return None
        return (self.mean > 0) == higher


def differences_finding(differences: Sequence[Difference], baseline: str) -> str:
    """Title of the forest plot: per scenario, the KPIs significantly better and worse."""
    significant = [d for d in differences if d.significant]
    if not significant:
        return f"No KPI differs significantly from {baseline}"
    scenarios = list(dict.fromkeys(d.scenario for d in significant))
    if len(scenarios) > 1:   # one short clause each: the detail is in the chart
        counts = []
        for scenario in scenarios:
            mine = [d.better for d in significant if d.scenario == scenario]
            words = [f"{word} on {mine.count(verdict)}" for verdict, word in
                     ((True, "better"), (False, "worse"), (None, "different")) if verdict in mine]
            counts.append(f"{scenario} {', '.join(words)}")
        return f"Significant differences from {baseline} (KPIs): " + "; ".join(counts)
    parts = []
    for scenario in scenarios:
        mine = [d for d in significant if d.scenario == scenario]
        groups = []
        for verdict, word in ((True, "better"), (False, "worse"), (None, "different")):
            items = [d for d in mine if d.better is verdict]
            if items:
                named = ", ".join(f"{name_in_text(d.kpi)} {difference_text(d.kpi, d.mean)}" for d in items[:2])
                more = f" and {len(items) - 2} more" if len(items) > 2 else ""
                count = f"{len(items)} KPI{'s' if len(items) > 1 else ''}" if not groups else str(len(items))
                groups.append(f"{word} on {count} ({named}{more})")
        parts.append(f"{scenario} is significantly " + " and ".join(groups))
    return f"Against {baseline}: " + "; ".join(parts)


def best_scenario_finding(kpi: str, means: Mapping[str, float]) -> str:
    """``"helpdesk-early-shift has the shortest mean wait: 8.2 min (baseline 12.3 min)"``."""
    higher = HIGHER_IS_BETTER.get(kpi, True)
    best = (max if higher else min)(means, key=lambda name: means[name])
    others = ", ".join(f"{name} {value_text(kpi, v)}" for name, v in means.items() if name != best)
    return f"{best} does best on {name_in_text(kpi)}: {value_text(kpi, means[best])} ({others})"


def kpi_means_finding(best: Mapping[str, str], names: Sequence[str],
                      undecided: Sequence[str] | None = None) -> str:
    """Title of the KPI means chart; ``best``: KPI → the scenario with the best mean.

    ``undecided``: KPIs on which no scenario is significantly best (``None``: significance
    unknown, ``best`` is then the best mean). Given it, ``best`` must hold only real leads,
    and the title says "significantly better", never "best" on a tie.
    """
    if undecided is not None:
        return _significant_means_text(best, names, undecided)
    if not best:
        return "No KPI to compare"
    wins = {name: [k for k, b in best.items() if b == name] for name in names}
    leader = max(names, key=lambda n: len(wins[n]))
    kpis = ", ".join(name_in_text(k) for k in wins[leader])
    if len(wins[leader]) == len(best):
        return f"{leader} has the best mean on every KPI shown ({kpis})"
    return f"{leader} has the best mean on {len(wins[leader])} of {len(best)} KPIs ({kpis})"


def _significant_means_text(best: Mapping[str, str], names: Sequence[str], undecided: Sequence[str]) -> str:
    if not best:
        return ("No scenario is significantly better on any KPI shown" if undecided else "No KPI to compare")
    wins = {name: [k for k, b in best.items() if b == name] for name in names}
    leader = max(names, key=lambda n: len(wins[n]))
    kpis = ", ".join(name_in_text(k) for k in wins[leader])
    total = len(best) + len(undecided)
    text = f"{leader} is significantly better on {len(wins[leader])} of {total} KPIs ({kpis})"
    others = [f"{name} on {', '.join(name_in_text(k) for k in wins[name])}" for name in names
              if name != leader and wins[name]]
    if others:
        text += f"; {'; '.join(others)}"
    if undecided:
        text += f"; no significant difference on {', '.join(name_in_text(k) for k in undecided)}"
    return text


def wait_change_finding(waits: Mapping[str, Mapping[str, Sequence[float]]], baseline: str,
                        bin_h: float = 1.0) -> str:
    """Title of the week's waits by scenario: the hour whose mean wait changed most.

    ``waits``: service → scenario → mean wait per hour of the week (minutes, nan: nobody served).
    """
    best = None
    for service, by_scenario in waits.items():
        base = by_scenario.get(baseline)
        if base is None:
            continue
        for name, values in by_scenario.items():
            if name == baseline:
                continue
            for hour in set(_defined(base)) & set(_defined(values)):
                change = values[hour] - base[hour]
                if best is None or abs(change) > abs(best[0]):
                    best = (change, service, name, hour, base[hour], values[hour])
    if best is None or best[0] == 0:
        return f"The week's waits are the same in every scenario as in {baseline}"
    change, service, name, hour, before, after = best
    verb = "cuts" if change < 0 else "raises"
    return (f"The largest change: {name} {verb} {service}'s mean wait on {range_label(*bin_span(hour, bin_h))} "
            f"from {minutes_text(before)} to {minutes_text(after)}")


def score_finding(scores: Mapping[str, float], feasible: Mapping[str, bool]) -> str:
    """Title of the score chart: the best feasible scenario."""
    candidates = [n for n in scores if feasible.get(n, True)]
    if not candidates:
        return "No scenario meets every constraint"
    best = max(candidates, key=lambda n: scores[n])
    infeasible = [n for n in scores if not feasible.get(n, True)]
    text = f"{best} scores best among the feasible scenarios ({number(scores[best], 3)})"
    if infeasible:
        text += f"; {len(infeasible)} breach{'es' if len(infeasible) == 1 else ''} a constraint"
    return text


def response_finding(kpi: str, params: Sequence[str], points: Sequence[tuple[Sequence[object], float]]) -> str:
    """Title of a sweep response chart: where the KPI is best. ``points``: (values, KPI mean)."""
    if not points:
        return f"No point of the sweep has a {name_in_text(kpi)}"
    higher = HIGHER_IS_BETTER.get(kpi, True)
    values, best = (max if higher else min)(points, key=lambda p: p[1])
    where = ", ".join(f"{p} = {v}" for p, v in zip(params, values))
    low, high = min(p[1] for p in points), max(p[1] for p in points)
    return (f"{label(kpi).name} is best at {where}: {value_text(kpi, best)} "
            f"(range over the sweep {value_text(kpi, low)} to {value_text(kpi, high)})")


def pareto_finding(kpis: Sequence[str], on_front: int, points: int) -> str:
    names = " and ".join(name_in_text(k) for k in kpis)
    return (f"{on_front} of {points} points are on the front of {names}: "
            f"no other point is better on both")
