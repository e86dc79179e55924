"""``stratsim forecast`` as a library call: history file in, fitted segment and files out.

``FILE.yaml`` holds exactly ``{segments: [<the segment>]}``; beside it ``FILE.png`` (history
against fit and forecast interval), ``FILE.csv`` (the average week, hour by hour: observed,
fitted, and the two models' rates at the origin) and ``FILE.json`` (the fit's evidence: growth
interval, dispersion, factorisation error, hold-out accuracy).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from stratsim.analysis.forecast import (
    Forecast,
    fit_forecast,
    segment_fragment,
    week_hour_label,
)
from stratsim.runner.fragments import SiblingFiles, fragment_yaml
from stratsim.runner.history import read_history

FORECAST_SIBLINGS = (".png", ".csv", ".json")
WEEK_COLUMNS = ("hour_of_week", "label", "observed_mean", "fitted_mean",
                "rate_at_origin", "hour_of_week_rate_at_origin")


def forecast_file(
    path: str | os.PathLike[str],
    *,
    time_column: str | None = None,
    count_column: str | None = None,
    holdout_weeks: int | None = None,
    trend: bool = True,
) -> Forecast:
    """Read a history CSV and fit it (:func:`stratsim.analysis.forecast.fit_forecast`)."""
    history = read_history(path, time_column=time_column, count_column=count_column)
    return fit_forecast(history, holdout_weeks=holdout_weeks, trend=trend)


def _number(value: float | None, digits: int = 6) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(f"{value:.{digits}g}")


def forecast_document(forecast: Forecast, segment_id: str, history_file: str) -> dict[str, Any]:
    """The evidence of a fit as a JSON-ready dictionary (``FILE.json``)."""
    holdout = forecast.holdout
    factorisation = forecast.factorisation
    return {
        "history": {
            "file": history_file,
            "start": forecast.history_start.isoformat(timespec="minutes"),
            "end": forecast.history_end.isoformat(timespec="minutes"),
            "observed_hours": forecast.observed_hours,
            "missing_hours": forecast.missing_hours,
            "arrivals": forecast.arrivals,
        },
        "segment": segment_id,
        "origin": forecast.origin.isoformat(timespec="minutes"),
        "rate": _number(forecast.segment.rate),
        "growth_per_year": _number(forecast.segment.growth_per_year),
        "growth_per_year_ci95": ([_number(v) for v in forecast.growth_ci95]
                                 if forecast.growth_ci95 else None),
        "dispersion": _number(forecast.dispersion),
        "factorisation": {
            "wape": _number(factorisation.wape),
            "worst_hour": week_hour_label(factorisation.worst_hour),
            "worst_relative": _number(factorisation.worst_relative),
            "f_statistic": _number(factorisation.f_statistic),
            "p_value": _number(factorisation.p_value),
        },
        "holdout": None if holdout is None else {
            "weeks": holdout.weeks,
            "hours": holdout.hours,
            "wape_forecast": _number(holdout.wape_forecast),
            "wape_hour_of_week": _number(holdout.wape_hour_of_week),
            "wape_seasonal_naive": _number(holdout.wape_seasonal_naive),
        },
    }


def week_table(forecast: Forecast) -> str:
    """``FILE.csv``: the average week, one row per hour of the week."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(WEEK_COLUMNS)
    product = forecast.segment.rate_by_hour()
    for hour in range(product.size):
        writer.writerow([hour, week_hour_label(hour), _number(forecast.week_observed[hour]),
                         _number(forecast.week_fitted[hour]), _number(product[hour]),
                         _number(forecast.week_hour_of_week[hour])])
    return buffer.getvalue()


def write_forecast(
    forecast: Forecast,
    out: Path,
    *,
    segment_id: str,
    service: str | None,
    history_file: str,
    force: bool = False,
) -> list[Path]:
    """Write the fragment and its siblings, all or nothing; return the paths written."""
    from stratsim.report.forecast_charts import draw_forecast_chart

    files = SiblingFiles(out, FORECAST_SIBLINGS, force)
    try:
        document = {"segments": [segment_fragment(forecast.segment, segment_id, service)]}
        comment = (f"stratsim forecast of {history_file}:\nthe demand of segment {segment_id} at "
                   f"{forecast.origin:%A %Y-%m-%d %H:%M}, the Monday after the history\n"
                   "(start a scenario using it there); paste under `segments:`.")
        files.stage(files.path(".png"),
                    lambda p: draw_forecast_chart(forecast, p, segment_id, image_format="png"))
        files.stage_text(files.path(".csv"), week_table(forecast))
        files.stage_json(files.path(".json"), forecast_document(forecast, segment_id, history_file))
        files.stage_text(files.fragment, fragment_yaml(document, comment))
        return files.commit()
    except BaseException:
        files.abandon()
        raise
