"""Charts and the decision-meeting report, drawn from a results folder's files alone.

:func:`write_report` reads a run, comparison or sweep folder, draws its charts into
``charts/`` (PNG and SVG) and writes ``report.html``: the question and the verdict first,
then the KPI table, the charts, what differs between the scenarios, the assumptions and a
reproducibility stamp. Charts and sections are registered per kind of result, so a later
capability adds its own with :func:`register_chart` and :func:`register_section`.
"""

from __future__ import annotations

from stratsim.report.charts import Chart, Drawing, register_chart
from stratsim.report.document import Report, write_report
from stratsim.report.sections import Section, register_section

__all__ = ["Chart", "Drawing", "Report", "Section", "register_chart", "register_section", "write_report"]
