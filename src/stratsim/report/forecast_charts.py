"""The forecast chart: history against the fit, the forecast with its interval, the average week.

Two panels, drawn from a :class:`~stratsim.analysis.forecast.Forecast` (nothing is computed
here): daily arrivals over the history and the weeks after it (observed, fitted, forecast with
its 95 % prediction interval), and the average week hour by hour (observed mean against the
day × hour profile the scenario will use). Colours are Okabe–Ito (colour-blind safe), and
every series differs by line style or marker too. matplotlib is imported inside the function
with the Agg backend, so nothing needs a display.
"""

from __future__ import annotations

from pathlib import Path

from stratsim.analysis.forecast import Forecast, week_hour_label
from stratsim.clock import WEEKDAYS

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}


def forecast_title(forecast: Forecast) -> str:
    """The finding, in the title: the hold-out result, else the factorisation error."""
    holdout = forecast.holdout
    if holdout is not None:
        verdict = ("beats" if holdout.wape_forecast < holdout.wape_seasonal_naive
                   else "does not beat")
        return (f"Forecast {verdict} seasonal-naive (last week repeated) on the {holdout.weeks}-week "
                f"hold-out: WAPE {holdout.wape_forecast:.0%} vs {holdout.wape_seasonal_naive:.0%}")
    return f"Day × hour profile is within {forecast.factorisation.wape:.0%} of the hour-of-week fit"


def draw_forecast_chart(
    forecast: Forecast, path: Path, segment_id: str, image_format: str = "png"
) -> None:
    """Write the two-panel chart to ``path`` (PNG unless ``image_format`` says otherwise)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(11, 7.5), layout="constrained")
    figure.suptitle(forecast_title(forecast), fontsize=12, fontweight="bold")

    history, fitted, ahead = forecast.history_daily, forecast.fitted_daily, forecast.forecast_daily
    top.plot(history.days, history.values, color=OKABE_ITO["black"], marker="o", markersize=3,
             linewidth=0.8, label="observed")
    top.plot(fitted.days, fitted.values, color=OKABE_ITO["orange"], linewidth=1.8,
             label="fitted (day × hour profile" + (" with trend)" if forecast.trend else ")"))
    top.plot(ahead.days, ahead.values, color=OKABE_ITO["blue"], linewidth=1.8, linestyle="--",
             label="forecast")
    top.fill_between(ahead.days, ahead.low, ahead.high, color=OKABE_ITO["sky"], alpha=0.35,
                     linewidth=0, label="95 % prediction interval")
    growth = forecast.segment.growth_per_year
    trend = f"trend {growth:+.0%} a year" if forecast.trend else "no trend fitted"
    top.set_title(f"Segment {segment_id}: arrivals per day ({trend})", fontsize=10, loc="left")
    top.set_ylabel("arrivals per day")
    peak = max(np.nanmax(history.values), np.nanmax(ahead.high) if len(ahead.days) else 0.0)
    top.set_ylim(0, 1.3 * peak)   # room for the legend
    top.grid(alpha=0.3)
    top.legend(loc="upper left", fontsize=8, ncols=2)

    hours = np.arange(forecast.week_observed.size)
    bottom.plot(hours, forecast.week_observed, color=OKABE_ITO["black"], linewidth=0.9,
                marker=".", markersize=4, label="observed mean")
    bottom.plot(hours, forecast.week_fitted, color=OKABE_ITO["orange"], linewidth=1.8,
                label="rate × daily × weekly profile (fitted)")
    factorisation = forecast.factorisation
    bottom.set_title(
        f"Average week: the day × hour product departs from a free hour-of-week fit by "
        f"{factorisation.wape:.1%} (worst {week_hour_label(factorisation.worst_hour)}, "
        f"{factorisation.worst_relative:+.0%})", fontsize=10, loc="left")
    bottom.set_xticks(range(0, 169, 24), [*(f"{d} 00:00" for d in WEEKDAYS), ""])
    bottom.set_xlim(0, 168)
    bottom.set_ylim(bottom=0)
    bottom.set_xlabel("hour of the week")
    bottom.set_ylabel("arrivals per hour")
    bottom.grid(alpha=0.3)
    bottom.legend(loc="upper right", fontsize=8)
    figure.savefig(path, dpi=110, format=image_format)
    plt.close(figure)
