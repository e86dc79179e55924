"""What people read: tables for the terminal and notebooks, charts and the decision-meeting
report, drawn from a results folder's files alone.

:func:`write_report` reads a run, comparison or sweep folder, draws its charts into
``charts/`` (PNG and SVG) and writes ``report.html``: the question and the verdict first,
then the KPI table, the charts, what differs between the scenarios, the assumptions and a
reproducibility stamp. Charts and sections are registered per kind of result, so a later
capability adds its own with :func:`register_chart` and :func:`register_section`.
"""

from __future__ import annotations

from typing import Any

#: The public names, loaded on first use (PEP 562): ``stratsim.report.tables`` is imported by
#: the terminal commands, which must not pay for matplotlib.
_EXPORTS = {
    "Chart": "stratsim.report.charts", "Drawing": "stratsim.report.charts",
    "register_chart": "stratsim.report.charts", "Report": "stratsim.report.document",
    "write_report": "stratsim.report.document", "Section": "stratsim.report.sections",
    "register_section": "stratsim.report.sections",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'stratsim.report' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
