"""The report's sections: each kind of result is told as a list of sections, in order.

A section builder takes the loaded results folder and its saved charts and returns a
:class:`Section` (its HTML body rendered from a template, user text escaped), or ``None``
when it has nothing to say. Builders are registered per kind with :func:`register_section`
and an order; the standard ones are the question and verdict (10), the KPI table (20), the
charts (30), what differs between the scenarios (60), the assumptions (70) and the
reproducibility stamp (90). A later capability adds its own section in between::

    @register_section("run", order=40)
    def staffing(results: RunResults, charts: list[Chart]) -> Section | None: ...
"""

from __future__ import annotations

import base64
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from stratsim.report import assumptions, findings
from stratsim.report.charts import Chart
from stratsim.report.labels import (
    HEADLINE_KPIS,
    difference_text,
    interval_text,
    label,
    number,
    value_text,
)
from stratsim.report.results import COMPARE, RUN, SWEEP, CompareResults, Results, RunResults, SweepResults
from stratsim.report.run_charts import sla_results


@dataclass(frozen=True)
class Section:
    """One section of the report: an anchor ``key``, a title and its HTML body."""

    key: str
    title: str
    body: Markup


SectionBuilder = Callable[[Any, list[Chart]], "Section | None"]
_REGISTRY: dict[str, list[tuple[int, SectionBuilder]]] = {}


def register_section(kinds: str | Sequence[str], order: int) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register a section builder for results of ``kinds``; sections appear by ``order``."""
    def decorate(builder: SectionBuilder) -> SectionBuilder:
        for kind in [kinds] if isinstance(kinds, str) else kinds:
            entries = _REGISTRY.setdefault(kind, [])
            if builder not in [b for _, b in entries]:
                entries.append((order, builder))
                entries.sort(key=lambda entry: entry[0])
        return builder
    return decorate


def build_sections(results: Results, charts: list[Chart]) -> list[Section]:
    sections = [builder(results, charts) for _, builder in _REGISTRY.get(results.kind, [])]
    return [section for section in sections if section is not None]


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment; autoescaping on, so every name and path from a file is text."""
    return Environment(loader=PackageLoader("stratsim.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=False)


def render(template: str, **context: Any) -> Markup:
    return Markup(environment().get_template(template).render(**context))


# -- question and verdict ----------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    text: str
    anchor: str | None = None
    status: str | None = None


def _chart_findings(charts: Sequence[Chart]) -> list[Finding]:
    return [Finding(chart.finding, f"chart-{chart.name}") for chart in charts]


def _stat(level: Mapping[str, Any], kpi: str) -> Mapping[str, Any]:
    return level.get(kpi) or {}


def run_verdict(results: RunResults) -> str:
    """One sentence: SLA targets met, profit over the window, the busiest service."""
    parts = []
    slas = sla_results(results)
    if slas:
        met = sum(1 for s in slas if s.status == "met")
        parts.append(f"meets {met} of {len(slas)} SLA target{'s' if len(slas) > 1 else ''}")
    profit = _stat(results.summary["kpis"], "profit")
    if profit.get("mean") is not None and (profit["mean"] or _stat(results.summary["kpis"], "revenue").get("mean")):
        ci = interval_text("profit", profit.get("ci95"))
        parts.append(f"makes a profit of {number(profit['mean'])}" + (f" (95 % CI {ci})" if ci else "")
                     + f" over the {number(results.window_h / 24, 3)}-day window")
    utilisation = {s: _stat(k, "utilization").get("mean") for s, k in results.summary["services"].items()}
    utilisation = {s: u for s, u in utilisation.items() if u is not None}
    if utilisation:
        busiest = max(utilisation, key=lambda s: utilisation[s])
        parts.append(f"keeps {busiest}'s staff busy {findings.percent_text(utilisation[busiest], 2)} "
                     "of the staffed time")
    if not parts:
        return f"{results.name} ran {results.summary.get('replications')} replications."
    text = f"{results.name} " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
    return text + "."


@register_section(RUN, order=10)
def run_question(results: RunResults, charts: list[Chart]) -> Section:
    slas = [Finding(s.sentence(), "chart-wait-distribution" if any(c.name == "wait-distribution" for c in charts)
                    else None, s.status) for s in sla_results(results)]
    chart_findings = [f for f in _chart_findings(charts) if f.anchor != "chart-wait-distribution"]
    body = render("verdict.html.j2",
                  question=f"Does {results.name} meet its service levels, and what does it cost and earn?",
                  verdict=run_verdict(results), findings=slas + chart_findings,
                  warnings=(results.manifest or {}).get("warnings") or [])
    return Section("verdict", "Question and verdict", body)


@register_section(COMPARE, order=10)
def compare_question(results: CompareResults, charts: list[Chart]) -> Section:
    names = results.names
    question = (f"Does {names[1]} do better than {names[0]}?" if len(names) == 2 else
                f"Which of {', '.join(names[:-1])} and {names[-1]} should we choose?")
    verdict = results.comparison.get("verdict") or findings.differences_finding(
        _differences(results), results.baseline)
    items = []
    ranking = results.comparison.get("ranking")
    if ranking:
        items.append(Finding("Ranking by the perspective's objectives: " + " > ".join(map(str, ranking))))
    items += _chart_findings(charts)
    return Section("verdict", "Question and verdict",
                   render("verdict.html.j2", question=question, verdict=verdict, findings=items,
                          parts=results.comparison.get("verdict_parts"),
                          warnings=(results.manifest or {}).get("warnings") or []))


@register_section(SWEEP, order=10)
def sweep_question(results: SweepResults, charts: list[Chart]) -> Section:
    params = results.params
    question = (f"How do {results.name}'s KPIs respond to {', '.join(params)}?" if params else
                f"How do {results.name}'s KPIs vary over the sweep?")
    chart_findings = _chart_findings(charts)
    verdict = (chart_findings[0].text + "." if chart_findings else
               f"{len(results.rows)} points were run.")
    return Section("verdict", "Question and verdict",
                   render("verdict.html.j2", question=question, verdict=verdict,
                          findings=chart_findings[1:], warnings=(results.manifest or {}).get("warnings") or []))


# -- KPI tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    ci: str = ""
    unit: str = ""
    css: str = ""


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    css: str = ""


@dataclass(frozen=True)
class Table:
    headings: list[str]
    rows: list[Row]
    caption: str = ""
    note: str = ""
    #: A table of words (every column left-aligned) rather than of numbers.
    text: bool = False


def _kpi_heading(kpi: str) -> Cell:
    """The KPI's name, with its unit where the values do not show it."""
    known = label(kpi)
    return Cell(known.name, unit="" if known.unit == "min" else known.unit)


def _varies(stat: Mapping[str, Any]) -> bool:
    """Whether a statistic has an interval of some width (not the same in every replication)."""
    ci = stat.get("ci95")
    return bool(ci) and ci[0] is not None and ci[1] is not None and ci[0] != ci[1]


def _stat_cell(kpi: str, stat: Mapping[str, Any] | None) -> Cell:
    if not stat or stat.get("mean") is None:
        return Cell("–")
    ci = interval_text(kpi, stat.get("ci95")) if _varies(stat) else ""
    return Cell(value_text(kpi, stat["mean"]), ci=f"95 % CI {ci}" if ci else "")


def _all_zero(kpi: str, levels: Sequence[Mapping[str, Any]]) -> bool:
    """A KPI that is 0 at every level shown (no blocking without a queue limit): not worth a row."""
    means = [(level.get(kpi) or {}).get("mean") for level in levels if kpi in level]
    return bool(means) and all(m == 0 for m in means)


def _headline(levels: Sequence[Mapping[str, Any]]) -> list[str]:
    present = {k for level in levels for k in level if k != "tiers"}
    return [k for k in HEADLINE_KPIS if k in present]


@register_section(RUN, order=20)
def run_kpis(results: RunResults, charts: list[Chart]) -> Section:
    columns: dict[str, Mapping[str, Any]] = {"portfolio": results.summary["kpis"]}
    for service, kpis in results.summary["services"].items():
        columns[service] = kpis
        for tier, tier_kpis in (kpis.get("tiers") or {}).items():
            columns[f"{service} · {tier}"] = tier_kpis
    kpis = [k for k in _headline(list(columns.values())) if not _all_zero(k, list(columns.values()))]
    rows = [Row([_kpi_heading(kpi), *(_stat_cell(kpi, level.get(kpi)) if kpi in level else Cell("")
                                      for level in columns.values())]) for kpi in kpis]
    table = Table(["KPI", *columns], rows,
                  note=f"Mean over {results.summary.get('replications')} replications with its 95 % "
                       "confidence interval (none where every replication gave the same value). KPIs that "
                       "are zero everywhere are left out; every KPI of every level, segments included, is "
                       "in summary.json.")
    return Section("kpis", "Key figures", render("table.html.j2", tables=[table]))


def _differences(results: CompareResults) -> list[findings.Difference]:
    out = []
    for name in results.names[1:]:
        for kpi, stat in (results.difference(name).get("kpis") or {}).items():
            if isinstance(stat, Mapping) and stat.get("mean") is not None:
                out.append(findings.Difference(name, kpi, stat["mean"], bool(stat.get("significant"))))
    return out


def _difference_cell(kpi: str, stat: Mapping[str, Any] | None) -> Cell:
    if not stat or stat.get("mean") is None:
        return Cell("–")
    ci = stat.get("ci95")
    ci_text = (f"95 % CI {difference_text(kpi, ci[0])} to {difference_text(kpi, ci[1])}"
               if _varies(stat) else "")
    css = ""
    if stat.get("significant"):
        change = findings.Difference("", kpi, stat["mean"], True).better
        css = {True: "better", False: "worse", None: ""}[change]
    mark = " ✱" if stat.get("significant") else ""
    return Cell(difference_text(kpi, stat["mean"]) + mark, ci=ci_text, css=css)


@register_section(COMPARE, order=20)
def compare_kpis(results: CompareResults, charts: list[Chart]) -> Section:
    names = results.names
    levels = [results.scenario(n).get("kpis") or {} for n in names]
    kpis = [k for k in _headline(levels) if not _all_zero(k, levels)]
    headings = ["KPI", *names, *(f"{n} − {names[0]}" for n in names[1:])]
    rows = []
    for kpi in kpis:
        cells = [_kpi_heading(kpi), *(_stat_cell(kpi, level.get(kpi)) for level in levels)]
        cells += [_difference_cell(kpi, (results.difference(n).get("kpis") or {}).get(kpi)) for n in names[1:]]
        rows.append(Row(cells))
    tables = [Table(headings, rows, caption="Portfolio",
                    note=f"Means over {results.comparison.get('replications')} replications with 95 % confidence "
                         "intervals; differences are paired over replications sharing random streams. ✱: "
                         "significant after the multiple-comparison correction; green: better, orange: worse.")]
    services = list(dict.fromkeys(s for n in names for s in (results.scenario(n).get("services") or {})))
    for service in services:
        service_levels = [(results.scenario(n).get("services") or {}).get(service) or {} for n in names]
        service_kpis = [k for k in ("wait_mean_min", "sla_attainment", "utilization", "reneged_share", "profit")
                        if any(k in level for level in service_levels) and not _all_zero(k, service_levels)]
        service_rows = []
        for kpi in service_kpis:
            cells = [_kpi_heading(kpi), *(_stat_cell(kpi, level.get(kpi)) for level in service_levels)]
            cells += [_difference_cell(kpi, ((results.difference(n).get("services") or {}).get(service) or {}).get(kpi))
                      for n in names[1:]]
            service_rows.append(Row(cells))
        if service_rows:
            tables.append(Table(headings, service_rows, caption=f"Service {service}"))
    return Section("kpis", "Key figures", render("table.html.j2", tables=tables))


SWEEP_TABLE_ROWS = 60


@register_section(SWEEP, order=20)
def sweep_kpis(results: SweepResults, charts: list[Chart]) -> Section:
    kpis = [k for k in HEADLINE_KPIS if k in results.kpis and k not in ("arrivals", "served", "utilization")][:6]
    front = results.on_front() if "pareto" in results.columns else None
    headings = ["point", *results.params, *(label(k).name for k in kpis)] + (["Pareto front"] if front else [])
    rows = []
    for i, row in enumerate(results.rows[:SWEEP_TABLE_ROWS]):
        cells = [Cell(row.get("point", "")), *(Cell(row.get(p, "")) for p in results.params)]
        for kpi in kpis:
            mean = results.values(f"{kpi}_mean")[i]
            low, high = results.values(f"{kpi}_ci95_low")[i], results.values(f"{kpi}_ci95_high")[i]
            stat = {"mean": mean, "ci95": [low, high] if low is not None and high is not None else None}
            cells.append(_stat_cell(kpi, stat))
        if front:
            cells.append(Cell("on the front" if front[i] else "", css="better" if front[i] else ""))
        rows.append(Row(cells, css="differs" if front and front[i] else ""))
    more = len(results.rows) - SWEEP_TABLE_ROWS
    note = "Means with 95 % confidence intervals over the replications of each point."
    if more > 0:
        note += f" {more} more points are in sweep.csv."
    return Section("kpis", "Key figures", render("table.html.j2", tables=[Table(headings, rows, note=note)]))


# -- charts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartView:
    name: str
    finding: str
    caption: str
    data_uri: str
    width: int
    height: int


def _view(chart: Chart) -> ChartView:
    data = chart.png.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")   # IHDR
    return ChartView(chart.name, chart.finding, chart.caption,
                     "data:image/png;base64," + base64.b64encode(data).decode("ascii"), width, height)


@register_section((RUN, COMPARE, SWEEP), order=30)
def charts_section(results: Results, charts: list[Chart]) -> Section | None:
    if not charts:
        return None
    return Section("charts", "Charts", render("charts.html.j2", charts=[_view(c) for c in charts]))


# -- what differs, and the assumptions ----------------------------------------------------


def _scenario_texts(results: CompareResults) -> dict[str, str | None]:
    return {name: (results.runs[name].scenario_text if name in results.runs else None) for name in results.names}


@register_section(COMPARE, order=60)
def compare_differences(results: CompareResults, charts: list[Chart]) -> Section:
    diffs, missing = assumptions.differences(results.baseline, _scenario_texts(results))
    return Section("differences", "What differs between the scenarios",
                   render("differences.html.j2", diffs=diffs, missing=missing))


def _digest_table(digests: Mapping[str, assumptions.Digest]) -> Table:
    names, rows = assumptions.side_by_side(digests)
    return Table(["", *names],
                 [Row([Cell(topic), *(Cell(text) for text in texts)],
                      css="differs" if differs and len(names) > 1 else "")
                  for topic, texts, differs in rows],
                 note=("Highlighted: assumptions that differ between the scenarios. " if len(names) > 1 else "")
                 + "From the copy of each scenario kept in the results folder (scenario.yaml), "
                   "with everything it extends filled in.", text=True)


@register_section(RUN, order=70)
def run_assumptions(results: RunResults, charts: list[Chart]) -> Section | None:
    data = assumptions.parse_scenario(results.scenario_text)
    if data is None:
        return None
    return Section("assumptions", "Assumptions",
                   render("table.html.j2", tables=[_digest_table({results.name: assumptions.digest(data, results.summary)})]))


@register_section(SWEEP, order=70)
def sweep_assumptions(results: SweepResults, charts: list[Chart]) -> Section | None:
    data = assumptions.parse_scenario(results.scenario_text)
    if data is None:
        return None
    return Section("assumptions", "Assumptions (the scenario the sweep varies)",
                   render("table.html.j2", tables=[_digest_table({results.name: assumptions.digest(data)})]))


@register_section(COMPARE, order=70)
def compare_assumptions(results: CompareResults, charts: list[Chart]) -> Section | None:
    digests = {}
    for name, text in _scenario_texts(results).items():
        data = assumptions.parse_scenario(text)
        if data is not None:
            digests[name] = assumptions.digest(data, results.scenario(name))
    if not digests:
        return None
    return Section("assumptions", "Assumptions", render("table.html.j2", tables=[_digest_table(digests)]))


# -- reproducibility -----------------------------------------------------------------------

STAMP_KEYS = (
    ("stratsim_version", "stratsim version"), ("scenario", "scenario"), ("seed", "seed"),
    ("replications", "replications"), ("scenario_sha256", "scenario SHA-256"),
    ("scenario_file", "scenario file"), ("scenario_file_sha256", "scenario file SHA-256"),
    ("command", "command"), ("started_at", "started (UTC)"), ("wall_time_s", "wall time (s)"),
    ("jobs", "worker processes"), ("backend", "backend"), ("python", "Python"),
    ("numpy_version", "numpy"), ("bit_generator", "random bit generator"), ("platform", "platform"),
)
MONO = {"scenario SHA-256", "scenario file SHA-256", "command", "scenario file"}


def _stamp_value(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return shlex.join(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dict, list)):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else ", ".join(map(str, value))
    return str(value)


def stamp_entries(manifest: Mapping[str, Any] | None, fallback: Mapping[str, Any] | None = None) -> list[tuple[str, str]]:
    """The manifest's provenance, the known keys first and named, then any other it holds."""
    source = dict(fallback or {})
    source.update(manifest or {})
    entries = [(name, _stamp_value(source[key])) for key, name in STAMP_KEYS if source.get(key) is not None]
    known = {key for key, _ in STAMP_KEYS} | {"warnings"}
    entries += [(key.replace("_", " "), _stamp_value(value)) for key, value in (manifest or {}).items()
                if key not in known and value is not None and not isinstance(value, dict)]
    return entries


@dataclass
class Stamp:
    entries: list[tuple[str, str]]
    caption: str = ""


@register_section(RUN, order=90)
def run_stamp(results: RunResults, charts: list[Chart]) -> Section:
    return Section("reproducibility", "Reproducibility",
                   render("stamp.html.j2", stamps=[Stamp(stamp_entries(results.manifest, results.summary))], mono=MONO))


@register_section(SWEEP, order=90)
def sweep_stamp(results: SweepResults, charts: list[Chart]) -> Section:
    return Section("reproducibility", "Reproducibility",
                   render("stamp.html.j2", stamps=[Stamp(stamp_entries(results.manifest, results.plan))], mono=MONO))


@register_section(COMPARE, order=90)
def compare_stamp(results: CompareResults, charts: list[Chart]) -> Section:
    stamps = [Stamp(stamp_entries(results.manifest, {k: v for k, v in results.comparison.items()
                                                     if k in ("seed", "replications")}), "The comparison")]
    for name in results.names:
        run = results.runs.get(name)
        stamps.append(Stamp(stamp_entries(run.manifest if run else None, results.scenario(name)), name))
    return Section("reproducibility", "Reproducibility",
                   render("stamp.html.j2", stamps=stamps, mono=MONO))

