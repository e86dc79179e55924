"""Tables of a comparison and of a run's perspective, for the terminal and for notebooks.

Built from the result documents only (``comparison.json``, ``summary.json``): nothing here
computes a statistic. Every name that comes from a user (scenario, service, segment, KPI) goes
in as a rich :class:`~rich.text.Text`, so it is never interpreted as markup.

A difference is shown ``+mean ± half-width`` of its 95 % interval; a significant one (after
Holm's correction) carries a ``*``, and in a terminal is green when better and red when worse
(where the KPI has a better direction), plain otherwise.

Every scenario side by side is the easiest table to read when it fits the terminal: with a
baseline and five variants it needs eleven value columns, about 260 characters, and squeezed
into 100 it truncates every name to ``help…`` and wraps each number over three lines. So a
comparison too wide for the width it is printed at is shown as one table per variant against
the baseline instead (:func:`variant_table`): the KPIs, then the service-level differences that
are significant, each with the baseline's value, the variant's and the difference; where even
that is too wide, the two values are shown without their intervals.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from stratsim.kpis import format_number, kpi_info

BETTER, WORSE = "green", "red"


def mean_pm(stats: dict[str, Any] | None) -> str:
    """``mean ± half-width`` of a statistic (just the mean without an interval)."""
    if not stats or stats.get("mean") is None or stats.get("ci95") is None:
        return _mean(stats)
    low, high = stats["ci95"]
    return f"{format_number(stats['mean'])} ± {format_number((high - low) / 2, 2)}"


def difference_cell(kpi: str, difference: dict[str, Any] | None) -> Text:
    """A difference, signed, starred and coloured when significant."""
    if not difference or difference.get("mean") is None:
        return Text("–")
    mean = difference["mean"]
    text = ("+" if mean > 0 else "") + mean_pm(difference)
    if not difference.get("significant"):
        return Text(text)
    sign = kpi_info(kpi).sign
    style = "" if sign == 0 or mean == 0 else BETTER if sign * mean > 0 else WORSE
    return Text(text + " *", style=style)


def comparison_title(document: dict[str, Any]) -> Text:
    """What was compared: replications, the measured window and the baseline."""
    window_h = document["horizon_hours"] - document["warmup_hours"]
    title = Text(f"Comparison over {document['replications']} replications, measured window "
                 f"{format_number(window_h)} h (money over the window), baseline ")
    title.append(document["baseline"])
    return title


def comparison_table(document: dict[str, Any]) -> Table:
    """Key KPIs as rows; each scenario's mean ± CI, then each variant's difference."""
    baseline = document["baseline"]
    names = list(document["scenarios"])
    table = Table(title=comparison_title(document), title_justify="left")
    table.add_column("KPI")
    for name in names:
        table.add_column(Text(name), justify="right")
    for name in names:
        if name != baseline:
            table.add_column(Text(f"Δ {name}"), justify="right")
    for kpi in document["key_kpis"]:
        cells: list[RenderableType] = [Text(kpi)]
        cells += [Text(mean_pm(document["scenarios"][n]["kpis"].get(kpi))) for n in names]
        cells += [difference_cell(kpi, document["differences"][n]["kpis"].get(kpi))
                  for n in names if n != baseline]
        table.add_row(*cells)
    if all("score" in document["scenarios"][n].get("perspective", {}) for n in names):
        cells = [Text("score")] + [Text(mean_pm(document["scenarios"][n]["perspective"]["score"]))
                                   for n in names]
        cells += [_score_cell(document["differences"][n].get("score")) for n in names if n != baseline]
        table.add_row(*cells)
    if any(document["scenarios"][n].get("perspective", {}).get("constraints")
           or document["scenarios"][n].get("perspective", {}).get("sla_targets") for n in names):
        cells = [Text("feasible")] + [_feasible_cell(document["scenarios"][n]) for n in names]
        table.add_row(*cells, *[Text("") for n in names if n != baseline])
    return table


def _score_cell(difference: dict[str, Any] | None) -> Text:
    if not difference:
        return Text("–")
    cell = difference_cell("score", difference)
    if difference.get("significant") and difference["mean"] != 0:
        cell.stylize(BETTER if difference["mean"] > 0 else WORSE)
    return cell


def _feasible_cell(summary: dict[str, Any]) -> Text:
    feasible = summary.get("perspective", {}).get("feasible")
    if feasible is True:
        return Text("yes", style=BETTER)
    if feasible is False:
        return Text("no", style=WORSE)
    return Text("undecided")


def breakdown_table(document: dict[str, Any]) -> Table | None:
    """Where the differences come from: per service, the key KPIs with at least one significant
    difference (``None`` when there is none). Segments and tiers are in the result files."""
    baseline = document["baseline"]
    variants = [n for n in document["scenarios"] if n != baseline]
    rows = []
    services = dict.fromkeys(s for n in variants for s in document["differences"][n]["services"])
    for service in services:
        for kpi in document["key_kpis"]:
            found = [document["differences"][n]["services"].get(service, {}).get(kpi) for n in variants]
            if any(d and d.get("significant") for d in found):
                rows.append((service, kpi, found))
    if not rows:
        return None
    table = Table(title="Where the differences come from, per service (segments and tiers: "
                        "comparison.csv)", title_justify="left")
    table.add_column("service")
    table.add_column("KPI")
    for name in variants:
        table.add_column(Text(f"Δ {name}"), justify="right")
    for service, kpi, found in rows:
        table.add_row(Text(service), Text(kpi), *[difference_cell(kpi, d) for d in found])
    return table


def variant_table(document: dict[str, Any], name: str, intervals: bool = True) -> Table:
    """One variant against the baseline: the key KPIs (and score and feasibility), then, under
    each service's name, its key KPIs whose difference is significant; the baseline's mean ±
    CI (the mean alone without ``intervals``), the variant's, and the paired difference with
    its interval. A column too narrow for its text folds it onto the next line: no name or
    digit is ever cut off."""
    value = mean_pm if intervals else _mean
    baseline = document["baseline"]
    base, variant = document["scenarios"][baseline], document["scenarios"][name]
    difference = document["differences"][name]
    title = Text(name)
    title.append(" against ")
    title.append(baseline)
    table = Table(title=title, title_justify="left")
    for column, justify in (("KPI", "left"), ("baseline", "right"), ("scenario", "right"), ("Δ", "right")):
        table.add_column(column, justify=justify, overflow="fold")   # type: ignore[arg-type]
    for kpi in document["key_kpis"]:
        table.add_row(Text(kpi), Text(value(base["kpis"].get(kpi))), Text(value(variant["kpis"].get(kpi))),
                      difference_cell(kpi, difference["kpis"].get(kpi)))
    if "score" in base.get("perspective", {}) and "score" in variant.get("perspective", {}):
        table.add_row(Text("score"), Text(value(base["perspective"]["score"])),
                      Text(value(variant["perspective"]["score"])), _score_cell(difference.get("score")))
    if any(s.get("perspective", {}).get("constraints") or s.get("perspective", {}).get("sla_targets")
           for s in (base, variant)):
        table.add_row(Text("feasible"), _feasible_cell(base), _feasible_cell(variant), Text(""))
    first_service = True
    for service, kpis in difference["services"].items():
        significant = [kpi for kpi in document["key_kpis"] if (kpis.get(kpi) or {}).get("significant")]
        if not significant:
            continue
        if first_service:   # one line between the portfolio's KPIs and the services'
            table.add_section()
            first_service = False
        table.add_row(Text(service, style="bold"), Text(""), Text(""), Text(""))
        for kpi in significant:
            table.add_row(Text(f"  {kpi}"), Text(value(base["services"].get(service, {}).get(kpi))),
                          Text(value(variant["services"].get(service, {}).get(kpi))),
                          difference_cell(kpi, kpis[kpi]))
    return table


def _mean(stats: dict[str, Any] | None) -> str:
    """The mean of a statistic alone (``–`` without one)."""
    if not stats or stats.get("mean") is None:
        return "–"
    return format_number(stats["mean"])


LEGEND = ("Δ = scenario − baseline, paired over replications (mean ± 95 % CI half-width); "
          "* significant after Holm's correction, green better, red worse.")
VARIANT_LEGEND = ("Below the line, under each service: its key KPIs whose difference is significant "
                  "(segments and tiers: comparison.csv).")
MEANS_ONLY = "Baseline and scenario: means (their intervals: comparison.csv, or a wider terminal)."


def comparison_renderables(document: dict[str, Any], width: int | None = None) -> list[RenderableType]:
    """The tables of a comparison and their legend, in printing order: every scenario side by
    side when that fits ``width`` characters (or ``width`` is ``None``), else one table per
    variant against the baseline (see the module docstring)."""
    side_by_side: list[RenderableType] = [comparison_table(document)]
    breakdown = breakdown_table(document)
    if breakdown is not None:
        side_by_side.append(breakdown)
    if width is None or max(natural_width(table) for table in side_by_side) <= width:
        return [*side_by_side, Text(LEGEND)]
    variants = [name for name in document["scenarios"] if name != document["baseline"]]
    tables = [variant_table(document, name) for name in variants]
    intervals = max(natural_width(table) for table in tables) <= width
    if not intervals:   # the variants' own values lose their intervals before anything wraps
        tables = [variant_table(document, name, intervals=False) for name in variants]
    legend = [LEGEND]
    if any(len(table.rows) > _headline_rows(table) for table in tables):
        legend.append(VARIANT_LEGEND)
    if not intervals:
        legend.append(MEANS_ONLY)
    return [comparison_title(document), *tables, Text(" ".join(legend))]


def _headline_rows(table: Table) -> int:
    """Rows of a variant table above its service section (all of them when it has none)."""
    for index, row in enumerate(table.rows):
        if row.end_section:
            return index + 1
    return len(table.rows)


def natural_width(renderable: RenderableType) -> int:
    """Characters ``renderable`` takes when nothing in it is wrapped or cut."""
    return Console(file=io.StringIO(), width=100_000).measure(renderable).maximum


def render_text(document: dict[str, Any], width: int = 120) -> str:
    """A comparison's tables as plain text (no colours), for notebooks and ``print``."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    console.print(Group(*comparison_renderables(document, width)))
    return buffer.getvalue()


def perspective_lines(perspective: dict[str, Any]) -> list[Text]:
    """A run's score and feasibility with the evidence, one line each."""
    lines = []
    if "score" in perspective:
        weights = ", ".join(f"{kpi} {o['weight']:.2g}" for kpi, o in perspective["objectives"].items())
        relative = [kpi for kpi, o in perspective["objectives"].items()
                    if not o["normalisation"].startswith("position")]
        note = f"; {', '.join(relative)} scored against this run itself" if relative else ""
        lines.append(Text(f"score {mean_pm(perspective['score'])} (weights: {weights}{note})"))
    feasible = perspective["feasible"]
    judged = perspective["constraints"] + perspective["sla_targets"]
    if judged:
        verdict = {True: ("feasible", BETTER), False: ("infeasible", WORSE)}.get(feasible, ("undecided", ""))
        lines.append(Text(f"feasibility: {verdict[0]}", style=verdict[1]))
        for item in judged:
            mark = {"met": "met", "violated": "VIOLATED", "undecided": "undecided"}[item["status"]]
            what = item.get("constraint") or "SLA target"
            line = Text(f"  {mark:9} ")
            line.append(what)
            line.append(": ")
            line.append(item["evidence"])
            lines.append(line)
    return lines
