"""Forecasting: a known demand is recovered from synthetic history, and beats seasonal-naive.

Histories are drawn here with numpy (Poisson counts hour by hour from a known rate), not
with the engine, so the fit is checked against the truth it was made from. Tolerances are
stated from the Poisson noise of the data, never guessed: a factor estimated from N
arrivals has a relative standard error of about 1/√N, and every check allows 4 of them
(a correct fit fails one with probability about 6e-5).
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pytest

from stratsim.analysis.forecast import (
    HourlyHistory,
    fit_forecast,
    monday_on_or_after,
    seasonal_naive,
    segment_fragment,
    wape,
)
from stratsim.scenario import load_scenario_text
from stratsim.scenario.profiles import DAILY_PRESETS

DAILY = np.array(DAILY_PRESETS["business-hours"])          # averages 1
WEEKLY = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.4, 0.3])
WEEKLY = WEEKLY / WEEKLY.mean()
RATE, GROWTH, WEEKS = 12.0, 0.30, 16
START = datetime(2025, 1, 6)    # a Monday


def synthetic(seed: int, *, interaction: dict[int, float] | None = None,
              weeks: int = WEEKS) -> tuple[HourlyHistory, np.ndarray]:
    """Poisson counts with rate RATE × daily × weekly × (1 + GROWTH)^(years to the end)."""
    hours = weeks * 168
    k = np.arange(hours)
    years_to_end = (k + 0.5 - hours) / 8760
    rates = RATE * DAILY[k % 24] * WEEKLY[(k // 24) % 7] * (1 + GROWTH) ** years_to_end
    for hour_of_week, factor in (interaction or {}).items():
        rates[k % 168 == hour_of_week] *= factor
    counts = np.random.default_rng(seed).poisson(rates).astype(float)
    return HourlyHistory(START, counts), rates


def test_known_profile_and_trend_are_recovered_within_their_poisson_error():
    history, rates = synthetic(1)
    forecast = fit_forecast(history)
    segment = forecast.segment
    assert forecast.origin == datetime(2025, 4, 28)   # the Monday the history ends on
    total = rates.sum()
    # daily factors: hour h collects total × DAILY[h]/24 arrivals
    for hour in range(24):
        n = total * DAILY[hour] / 24
        assert segment.daily_profile[hour] == pytest.approx(DAILY[hour], rel=4 / math.sqrt(n))
    for day in range(7):
        n = total * WEEKLY[day] / 7
        assert segment.weekly_profile[day] == pytest.approx(WEEKLY[day], rel=4 / math.sqrt(n))
    # growth: the slope β = log(1 + growth) of N Poisson arrivals spread evenly over a span
    # of T years has a standard error of about 1/√(N·T²/12) (0.063 here); the fit's own
    # must be that (not inflated), and the truth within 4 of it
    low, high = forecast.growth_ci95
    se = (math.log1p(high) - math.log1p(low)) / (2 * 1.96)
    span_years = WEEKS * 168 / 8760
    assert se == pytest.approx(1 / math.sqrt(total * span_years**2 / 12), rel=0.25)
    assert abs(math.log1p(segment.growth_per_year) - math.log1p(GROWTH)) < 4 * se
    # the level mid-history is fixed by all the arrivals (the rate at the origin adds the trend)
    mid_years = -WEEKS * 168 / 2 / 8760
    level = segment.rate * (1 + segment.growth_per_year) ** mid_years
    assert level == pytest.approx(RATE * (1 + GROWTH) ** mid_years, rel=4 / math.sqrt(total))
    # the product is the truth here: the 168-factor model finds nothing more
    assert forecast.factorisation.p_value > 0.001
    assert forecast.dispersion == pytest.approx(1.0, abs=0.15)


def test_the_forecast_beats_seasonal_naive_on_the_holdout():
    forecast = fit_forecast(synthetic(2)[0])
    holdout = forecast.holdout
    assert holdout.weeks == 2 and holdout.hours == 336
    assert holdout.wape_forecast < holdout.wape_seasonal_naive
    # Poisson noise alone: the naive forecast's error is the difference of two counts
    assert holdout.wape_seasonal_naive / holdout.wape_forecast > 1.2


def test_an_hour_of_week_pattern_the_format_cannot_hold_is_reported():
    """Monday 09:00–11:00 at 1.6× the product: the F test rejects the product and the worst
    hour is one of them; the written factors still average the week."""
    forecast = fit_forecast(synthetic(3, interaction={9: 1.6, 10: 1.6})[0])
    factorisation = forecast.factorisation
    assert factorisation.p_value < 1e-6
    assert factorisation.worst_hour in (9, 10) and factorisation.worst_relative < -0.15
    assert np.mean(forecast.segment.daily_profile) == pytest.approx(1.0)
    assert np.mean(forecast.segment.weekly_profile) == pytest.approx(1.0)


def test_hours_and_days_without_arrivals_get_factor_zero():
    history, _ = synthetic(4, weeks=4)
    counts = history.counts.copy()
    k = np.arange(counts.size)
    counts[(k % 24 == 3) | ((k // 24) % 7 == 6)] = 0.0   # never at 03:00, closed on Sundays
    forecast = fit_forecast(HourlyHistory(history.start, counts), trend=False)
    assert forecast.segment.daily_profile[3] == 0.0
    assert forecast.segment.weekly_profile[6] == 0.0
    assert forecast.segment.growth_per_year == 0.0 and forecast.growth_ci95 is None


def test_gaps_are_left_out_not_taken_for_zeros():
    history, _ = synthetic(5, weeks=6)
    gappy = history.counts.copy()
    gappy[300:500] = np.nan
    whole = fit_forecast(history, trend=False).segment
    holed = fit_forecast(HourlyHistory(history.start, gappy), trend=False)
    assert holed.missing_hours == 200
    assert holed.segment.rate == pytest.approx(whole.rate, rel=0.05)


def test_short_histories_are_refused_or_get_a_shorter_holdout():
    with pytest.raises(Exception, match="at least 14 days"):
        fit_forecast(HourlyHistory(START, np.ones(300)))
    assert fit_forecast(synthetic(6, weeks=2)[0]).holdout is None
    assert fit_forecast(synthetic(6, weeks=3)[0]).holdout.weeks == 1
    with pytest.raises(Exception, match="hold-out of 2 week"):
        fit_forecast(synthetic(6, weeks=3)[0], holdout_weeks=2)


def test_helpers():
    assert monday_on_or_after(datetime(2025, 1, 6)) == datetime(2025, 1, 6)
    assert monday_on_or_after(datetime(2025, 1, 6, 0, 1)) == datetime(2025, 1, 13)
    assert monday_on_or_after(datetime(2025, 1, 11, 13)) == datetime(2025, 1, 13)
    assert wape(np.array([2.0, 2.0]), np.array([1.0, 4.0])) == 0.75
    history = HourlyHistory(START, np.arange(400, dtype=float))
    naive = seasonal_naive(history, 336, 200)
    assert naive[0] == 168 and naive[167] == 335 and naive[168] == 168


def test_the_fragment_is_a_valid_segment():
    forecast = fit_forecast(synthetic(7, weeks=3)[0])
    entry = segment_fragment(forecast.segment, "callers", "desk")
    assert set(entry) == {"id", "rate", "daily_profile", "weekly_profile", "growth_per_year", "mix"}
    import yaml

    text = (
        "stratsim: 1\nname: forecast\nhorizon: 8d\nservices:\n"
        "  - {id: desk, staff: 5, service_time: {dist: exponential, mean: 10min}}\n"
        + yaml.safe_dump({"segments": [entry]}, default_flow_style=None, sort_keys=False)
    )
    scenario = load_scenario_text(text, "forecast.yaml")
    segment = scenario.segments[0]
    assert segment.rate == pytest.approx(forecast.segment.rate, rel=1e-3)
    assert segment.daily_factors == pytest.approx(forecast.segment.daily_profile, abs=5e-5)
