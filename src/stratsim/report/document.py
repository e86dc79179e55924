"""Writing the report: charts into ``charts/`` (PNG and SVG), then ``report.html`` beside them.

``report.html`` is one self-contained file: styles and chart images are inside it (images as
``data:`` URIs), it loads nothing from anywhere, needs no JavaScript, and prints on A4 or
Letter from a browser. It is written under a temporary name and renamed into place, so a
reader never opens half a report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path

from markupsafe import Markup

from stratsim import __version__
from stratsim.errors import ResultsError
from stratsim.report import (  # noqa: F401  (register)
    compare_charts, finance_charts, portfolio_charts, run_charts, strategy_charts, sweep_charts)
from stratsim.report.charts import Chart, draw_and_save
from stratsim.report.results import COMPARE, RUN, Results, SweepResults, load_results
from stratsim.report.sections import Section, build_sections, render
from stratsim.runner.output import CHARTS_FOLDER, REPORT_FILE, remove_charts

KIND_LABELS = {RUN: "run", COMPARE: "comparison", "sweep": "sweep"}


@dataclass(frozen=True)
class Report:
    """What was written: the report file and the charts it shows."""

    path: Path
    charts: list[Chart]
    sections: list[Section]


def report_title(results: Results) -> str:
    if results.kind == RUN:
        return f"{results.name}: service levels, capacity and money"
    if results.kind == COMPARE:
        return f"{results.name}"
    params = ", ".join(results.params) or "its parameters"
    return f"{results.name}: sweep over {params}"


def render_report(results: Results, charts: list[Chart], sections: list[Section], folder_text: str) -> str:
    css = Markup(files("stratsim.report").joinpath("templates/report.css").read_text(encoding="utf-8"))
    return str(render("report.html.j2", title=report_title(results), kind_label=KIND_LABELS[results.kind],
                      generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                      version=__version__, css=css, sections=sections, folder=folder_text))


def write_report(folder: Path, kpis: list[str] | None = None, shown_as: Path | None = None,
                 workers: int = 1) -> Report:
    """(Re)draw the charts of the results in ``folder`` and write ``folder/report.html``.

    ``kpis`` chooses the KPIs a sweep's response charts show (default: the Pareto KPIs, else
    profit and SLA attainment); ``shown_as`` is the folder's name in the report when it is
    written before being moved (a run's staging folder); ``workers`` > 1 draws the charts in
    that many processes (the same files, sooner). Raises
    :class:`~stratsim.errors.ResultsError` when the folder holds no stratsim result.
    """
    results = load_results(folder)
    if kpis:
        if not isinstance(results, SweepResults):
            raise ResultsError(f"{folder}: choosing KPIs applies to sweep results; this folder holds a "
                               f"{KIND_LABELS[results.kind]}")
        unknown = [k for k in kpis if k not in results.kpis]
        if unknown:
            raise ResultsError(f"{folder}: unknown KPI {unknown[0]!r}; sweep.csv has "
                               f"{', '.join(results.kpis)}")
        results.chosen_kpis = list(kpis)
    charts_folder = folder / CHARTS_FOLDER
    remove_charts(charts_folder)
    charts = draw_and_save(results, charts_folder, workers)
    sections = build_sections(results, charts)
    html = render_report(results, charts, sections, str(shown_as or folder))
    target = folder / REPORT_FILE
    temporary = folder / f".{REPORT_FILE}.{os.getpid()}.tmp"
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, target)
    return Report(target, charts, sections)
