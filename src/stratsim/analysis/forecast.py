"""Demand forecasting: a segment's rate, daily and weekly profiles and growth from history.

The scenario format describes demand as ``rate × daily[hour] × weekly[weekday] ×
(1 + growth_per_year)^(t / 8760)``: a product of main effects with no hour × weekday
interaction. That is exactly a **Poisson log-linear model** with hour-of-day and weekday
factors and a linear time trend::

    log E[count in hour k] = b0 + α[hour(k)] + γ[weekday(k)] + β · t_k

so the fit is a generalised linear model (statsmodels' ``GLM``, Poisson family) and its
estimates are the maximum-likelihood factorisation, weighted as Poisson counts should be
(a singular-value factorisation of the 7 × 24 table would weight a quiet night like a
busy morning). ``t_k`` is in years from the **origin**, the Monday 00:00 at or after the
end of the history, where a scenario using the forecast starts; so ``exp(b0 + …)`` is the
level there and ``growth_per_year = e^β − 1``. Standard errors are quasi-Poisson (scaled by
the Pearson dispersion), so a history more variable than Poisson widens them instead of
overstating confidence.

A full hour-of-week pattern (168 factors) does not exist in the format. To say what the
factorisation loses, a second model with one factor per hour of the week (and the same
trend) is fitted: the **factorisation error** is the weighted absolute difference between
the two fitted weeks, its worst hour, and a quasi-likelihood F test of the 168-factor model
against the product.

Hours, weekdays and hours of the week with no arrival at all in the history get the factor
0 exactly and are left out of the fits (their maximum-likelihood factor is 0; fitting them
would push a coefficient to −∞).

Accuracy is judged out of sample: the last weeks of the history are held out, the models
are fitted on the rest and their forecasts compared with what happened, by the weighted
absolute percentage error ``WAPE = Σ|y − ŷ| / Σy``, against the **seasonal-naive**
forecast that repeats the last observed week (for a one-week hold-out, "the same hour last
week"). The forecast written out is then refitted on the whole history.

statsmodels (with threadpoolctl) is an optional dependency (``pip install
"stratsim[plan]"``); it is imported only when a fit is made.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from stratsim.clock import DAYS_PER_WEEK, HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_YEAR, hour_of_week_label
from stratsim.errors import StratsimError

#: The least history that separates a weekly pattern from a trend.
MIN_HISTORY_WEEKS = 2
#: Weeks held out by default (fewer when the history is short).
DEFAULT_HOLDOUT_WEEKS = 2
#: Weeks of forecast drawn after the history.
FORECAST_WEEKS = 4
#: Two-sided normal quantile of the 95 % intervals.
Z95 = 1.959963984540054


class ForecastError(StratsimError):
    """The history cannot support the forecast asked for (too short, no arrivals)."""


def missing_statsmodels() -> StratsimError:
    """The error to raise when statsmodels is not installed."""
    return StratsimError(
        'forecasting needs statsmodels, an optional dependency: pip install "stratsim[plan]"'
    )


@dataclass(frozen=True)
class HourlyHistory:
    """Arrivals per clock hour: ``counts[k]`` arrived in the hour starting at ``start + k h``.

    ``start`` is a naive wall-clock time on the hour; ``counts`` holds ``nan`` for hours
    that were not observed (a gap in a count file).
    """

    start: datetime
    counts: np.ndarray

    @property
    def hours(self) -> int:
        return int(self.counts.size)

    @property
    def end(self) -> datetime:
        """The end of the last hour."""
        return self.start + timedelta(hours=self.hours)

    @property
    def observed(self) -> np.ndarray:
        return ~np.isnan(self.counts)

    @property
    def hour_of_week(self) -> np.ndarray:
        """Hour of the week (0 = Monday 00:00–01:00) of every hour."""
        first = self.start.weekday() * HOURS_PER_DAY + self.start.hour
        return (first + np.arange(self.hours)) % HOURS_PER_WEEK

    def head(self, hours: int) -> HourlyHistory:
        return HourlyHistory(self.start, self.counts[:hours])


@dataclass(frozen=True)
class SegmentForecast:
    """The fitted demand in the scenario format's own fields (``segments[*]``)."""

    rate: float
    daily_profile: tuple[float, ...]
    weekly_profile: tuple[float, ...]
    growth_per_year: float

    def rate_by_hour(self, years_from_origin: float = 0.0) -> np.ndarray:
        """The 168 hourly rates this segment gives, ``years_from_origin`` after the origin."""
        daily = np.asarray(self.daily_profile)
        weekly = np.asarray(self.weekly_profile)
        growth = (1.0 + self.growth_per_year) ** years_from_origin
        return self.rate * growth * np.repeat(weekly, HOURS_PER_DAY) * np.tile(daily, DAYS_PER_WEEK)


@dataclass(frozen=True)
class Factorisation:
    """How far the day × hour product is from a free hour-of-week pattern (both fitted)."""

    wape: float
    """Σ|product − hour-of-week| / Σ hour-of-week over the 168 hours, at the origin."""
    worst_hour: int
    """Hour of the week with the largest absolute difference."""
    worst_relative: float
    """(product − hour-of-week) / hour-of-week at ``worst_hour``."""
    f_statistic: float | None
    p_value: float | None
    """Quasi-likelihood F test of the 168-factor model against the product (None if the
    models cannot be compared: no spare degrees of freedom)."""


@dataclass(frozen=True)
class Holdout:
    """Out-of-sample accuracy on the last ``weeks`` of the history."""

    weeks: int
    hours: int
    wape_forecast: float
    """WAPE of the forecast written out (the day × hour product with trend)."""
    wape_hour_of_week: float
    """WAPE of the 168-factor model with trend, for reference."""
    wape_seasonal_naive: float
    """WAPE of repeating the last week before the hold-out."""


@dataclass(frozen=True)
class DailySeries:
    """Daily totals for the chart: observed (``nan`` on days not fully observed) and fitted,
    or forecast with its 95 % interval."""

    days: tuple[date, ...]
    values: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None


@dataclass(frozen=True)
class Forecast:
    """A fitted forecast and the evidence a planner needs to trust it."""

    segment: SegmentForecast
    origin: datetime
    history_start: datetime
    history_end: datetime
    observed_hours: int
    missing_hours: int
    arrivals: int
    trend: bool
    growth_ci95: tuple[float, float] | None
    dispersion: float
    factorisation: Factorisation
    holdout: Holdout | None
    week_observed: np.ndarray
    """Mean observed count per hour of the week (``nan`` where never observed)."""
    week_fitted: np.ndarray
    """The product model's mean over the same hours (same trend exposure)."""
    week_hour_of_week: np.ndarray
    """The 168-factor model's rates at the origin (what a full hour-of-week profile would be)."""
    history_daily: DailySeries
    fitted_daily: DailySeries
    forecast_daily: DailySeries


# ---------------------------------------------------------------------------------------
# the models


@dataclass(frozen=True)
class _Design:
    """Rows used in a fit and how to build the model matrix for any hours."""

    hour_levels: tuple[int, ...]
    day_levels: tuple[int, ...]
    week_levels: tuple[int, ...]
    full: bool
    trend: bool

    def active(self, how: np.ndarray) -> np.ndarray:
        if self.full:
            return np.isin(how, self.week_levels)
        return np.isin(how % HOURS_PER_DAY, self.hour_levels) & np.isin(
            how // HOURS_PER_DAY, self.day_levels)

    def matrix(self, how: np.ndarray, years: np.ndarray) -> np.ndarray:
        columns: list[np.ndarray] = []
        if self.full:
            columns += [(how == w).astype(float) for w in self.week_levels]
        else:
            columns.append(np.ones(how.size))
            columns += [(how % HOURS_PER_DAY == h).astype(float) for h in self.hour_levels[1:]]
            columns += [(how // HOURS_PER_DAY == d).astype(float) for d in self.day_levels[1:]]
        if self.trend:
            columns.append(years)
        return np.column_stack(columns)


@dataclass(frozen=True)
class _Fit:
    design: _Design
    params: np.ndarray
    cov: np.ndarray
    dispersion: float
    deviance: float
    rows: int

    def mean(self, how: np.ndarray, years: np.ndarray) -> np.ndarray:
        """Expected counts (0 for inactive levels)."""
        out = np.zeros(how.size)
        active = self.design.active(how)
        if active.any():
            x = self.design.matrix(how[active], years[active])
            out[active] = np.exp(x @ self.params)
        return out

    def total_with_variance(self, how: np.ndarray, years: np.ndarray) -> tuple[float, float]:
        """Expected total of the given hours and the variance of a new observation of it:
        the parameters' uncertainty (delta method) plus the counts' own (dispersion × mean)."""
        active = self.design.active(how)
        if not active.any():
            return 0.0, 0.0
        x = self.design.matrix(how[active], years[active])
        mu = np.exp(x @ self.params)
        gradient = mu @ x
        total = float(mu.sum())
        return total, float(gradient @ self.cov @ gradient) + self.dispersion * total


def _years(history: HourlyHistory, origin: datetime) -> np.ndarray:
    """Mid-hour time of every hour of the history, in years from the origin (negative)."""
    offset_h = (history.start - origin).total_seconds() / 3600.0
    return (offset_h + np.arange(history.hours) + 0.5) / HOURS_PER_YEAR


def _levels(values: np.ndarray, counts: np.ndarray) -> tuple[int, ...]:
    """The levels with at least one arrival (the others get factor 0)."""
    totals = np.bincount(values, weights=counts, minlength=int(values.max()) + 1)
    return tuple(int(v) for v in np.flatnonzero(totals > 0))


def _fit(history: HourlyHistory, origin: datetime, *, full: bool, trend: bool) -> _Fit:
    """Fit the product (``full=False``) or the 168-factor model on the observed hours."""
    try:
        import statsmodels.api as sm
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise missing_statsmodels() from None
    observed = history.observed
    y = history.counts[observed]
    how = history.hour_of_week[observed]
    years = _years(history, origin)[observed]
    design = _Design(
        hour_levels=_levels(how % HOURS_PER_DAY, y),
        day_levels=_levels(how // HOURS_PER_DAY, y),
        week_levels=_levels(how, y),
        full=full,
        trend=trend,
    )
    if not design.week_levels:
        raise ForecastError("the history has no arrivals: there is nothing to fit")
    rows = design.active(how)
    x = design.matrix(how[rows], years[rows])
    # One BLAS thread: these matrices are small, and on a busy machine OpenBLAS's threads
    # spin against each other (measured 20× slower with two threads on two loaded cores).
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")   # statsmodels' convergence chatter; checked below
        result = sm.GLM(y[rows], x, family=sm.families.Poisson()).fit(scale="X2")
    params = np.asarray(result.params, dtype=float)
    if not np.all(np.isfinite(params)):
        raise ForecastError("the demand model did not converge on this history")
    return _Fit(design, params, np.asarray(result.cov_params(), dtype=float),
                float(result.scale), float(result.deviance), int(rows.sum()))


def _segment_from(fit: _Fit) -> SegmentForecast:
    """Rate and profiles of the product model at the origin, profiles averaging 1."""
    design, params = fit.design, fit.params
    hour_factor = np.zeros(HOURS_PER_DAY)
    day_factor = np.zeros(DAYS_PER_WEEK)
    n_hours = len(design.hour_levels)
    hour_factor[list(design.hour_levels)] = np.exp(np.concatenate(([0.0], params[1:n_hours])))
    day_factor[list(design.day_levels)] = np.exp(
        np.concatenate(([0.0], params[n_hours:n_hours + len(design.day_levels) - 1])))
    hour_mean, day_mean = hour_factor.mean(), day_factor.mean()
    rate = math.exp(params[0]) * hour_mean * day_mean
    beta = params[-1] if design.trend else 0.0
    return SegmentForecast(
        rate=float(rate),
        daily_profile=tuple(float(v) for v in hour_factor / hour_mean),
        weekly_profile=tuple(float(v) for v in day_factor / day_mean),
        growth_per_year=float(math.expm1(beta)),
    )


def _week_at_origin(fit: _Fit) -> np.ndarray:
    how = np.arange(HOURS_PER_WEEK)
    return fit.mean(how, np.zeros(HOURS_PER_WEEK))


def _factorisation(product: _Fit, full: _Fit) -> Factorisation:
    """Compare the product with the 168-factor model (see the module docstring)."""
    a, b = _week_at_origin(product), _week_at_origin(full)
    difference = a - b
    worst = int(np.argmax(np.abs(difference)))
    wape = float(np.abs(difference).sum() / b.sum())
    extra = full.params.size - product.params.size
    f_stat = p_value = None
    residual_df = full.rows - full.params.size
    if extra > 0 and residual_df > 0 and full.dispersion > 0:
        from scipy import stats

        f_stat = max(0.0, (product.deviance - full.deviance) / extra / full.dispersion)
        p_value = float(stats.f.sf(f_stat, extra, residual_df))
    return Factorisation(wape, worst, float(difference[worst] / b[worst]) if b[worst] else math.inf,
                         f_stat, p_value)


def wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Weighted absolute percentage error ``Σ|y − ŷ| / Σy`` (a share; nan when Σy = 0)."""
    total = float(np.sum(actual))
    return float(np.sum(np.abs(actual - predicted)) / total) if total > 0 else math.nan


def seasonal_naive(history: HourlyHistory, train_hours: int, horizon: int) -> np.ndarray:
    """Repeat the last week before ``train_hours`` over ``horizon`` hours (nan where unknown)."""
    last_week = history.counts[train_hours - HOURS_PER_WEEK:train_hours]
    return np.resize(last_week, horizon)


def monday_on_or_after(moment: datetime) -> datetime:
    """The first Monday 00:00 at or after ``moment``."""
    midnight = datetime(moment.year, moment.month, moment.day)
    if midnight < moment:
        midnight += timedelta(days=1)
    return midnight + timedelta(days=(7 - midnight.weekday()) % 7)


def holdout_weeks_for(history: HourlyHistory, asked: int | None) -> int:
    """Weeks to hold out: as asked (default 2), fewer so that 2 weeks remain to fit on."""
    weeks_available = history.hours // HOURS_PER_WEEK - MIN_HISTORY_WEEKS
    wanted = DEFAULT_HOLDOUT_WEEKS if asked is None else asked
    if asked is not None and asked > weeks_available:
        raise ForecastError(
            f"a hold-out of {asked} week(s) leaves less than {MIN_HISTORY_WEEKS} weeks to fit on "
            f"(the history covers {history.hours / HOURS_PER_WEEK:.1f} weeks)"
        )
    return max(0, min(wanted, weeks_available))


def _holdout(history: HourlyHistory, weeks: int, trend: bool) -> Holdout | None:
    if weeks == 0:
        return None
    train = history.hours - weeks * HOURS_PER_WEEK
    training = history.head(train)
    origin = monday_on_or_after(training.end)
    tail = slice(train, history.hours)
    how = history.hour_of_week[tail]
    years = _years(history, origin)[tail]
    actual = history.counts[tail]
    naive = seasonal_naive(history, train, actual.size)
    product = _fit(training, origin, full=False, trend=trend).mean(how, years)
    full = _fit(training, origin, full=True, trend=trend).mean(how, years)
    judged = ~np.isnan(actual) & ~np.isnan(naive)
    if not judged.any() or actual[judged].sum() == 0:
        return None
    return Holdout(
        weeks=weeks,
        hours=int(judged.sum()),
        wape_forecast=wape(actual[judged], product[judged]),
        wape_hour_of_week=wape(actual[judged], full[judged]),
        wape_seasonal_naive=wape(actual[judged], naive[judged]),
    )


def _week_means(history: HourlyHistory, fitted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    observed = history.observed
    how = history.hour_of_week[observed]
    n = np.bincount(how, minlength=HOURS_PER_WEEK).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        seen = np.bincount(how, weights=history.counts[observed], minlength=HOURS_PER_WEEK) / n
        fit = np.bincount(how, weights=fitted[observed], minlength=HOURS_PER_WEEK) / n
    return seen, fit


def _daily(history: HourlyHistory, fitted: np.ndarray) -> tuple[DailySeries, DailySeries]:
    """Observed and fitted totals of each whole day of the history."""
    first = history.start if history.start.hour == 0 else (
        datetime(history.start.year, history.start.month, history.start.day) + timedelta(days=1))
    skip = int((first - history.start).total_seconds() // 3600)
    days = (history.hours - skip) // HOURS_PER_DAY
    span = slice(skip, skip + days * HOURS_PER_DAY)
    counts = history.counts[span].reshape(days, HOURS_PER_DAY)
    fits = fitted[span].reshape(days, HOURS_PER_DAY)
    labels = tuple((first + timedelta(days=k)).date() for k in range(days))
    observed = np.where(np.isnan(counts).any(axis=1), np.nan, np.nansum(counts, axis=1))
    return DailySeries(labels, observed), DailySeries(labels, fits.sum(axis=1))


def _ahead(fit: _Fit, history: HourlyHistory, origin: datetime, weeks: int) -> DailySeries:
    """Daily totals from the first midnight after the history to ``weeks`` after the origin,
    with 95 % prediction intervals (normal approximation)."""
    first = datetime(history.end.year, history.end.month, history.end.day)
    if first < history.end:
        first += timedelta(days=1)
    last = origin + timedelta(weeks=weeks)
    days, values, low, high = [], [], [], []
    day = first
    while day < last:
        offset_h = (day - origin).total_seconds() / 3600.0
        hours = np.arange(HOURS_PER_DAY)
        how = (day.weekday() * HOURS_PER_DAY + hours) % HOURS_PER_WEEK
        years = (offset_h + hours + 0.5) / HOURS_PER_YEAR
        total, variance = fit.total_with_variance(how, years)
        half = Z95 * math.sqrt(variance)
        days.append(day.date())
        values.append(total)
        low.append(max(0.0, total - half))
        high.append(total + half)
        day += timedelta(days=1)
    return DailySeries(tuple(days), np.array(values), np.array(low), np.array(high))


def fit_forecast(
    history: HourlyHistory, *, holdout_weeks: int | None = None, trend: bool = True
) -> Forecast:
    """Fit a segment's demand to an hourly history (see the module docstring)."""
    observed = history.observed
    if history.hours < MIN_HISTORY_WEEKS * HOURS_PER_WEEK:
        raise ForecastError(
            f"the history covers {history.hours / HOURS_PER_DAY:.1f} days; at least "
            f"{MIN_HISTORY_WEEKS * DAYS_PER_WEEK} days are needed to tell the weekly pattern "
            "from the trend"
        )
    if np.nansum(history.counts) == 0:
        raise ForecastError("the history has no arrivals: there is nothing to fit")
    weeks = holdout_weeks_for(history, holdout_weeks)
    holdout = _holdout(history, weeks, trend)
    origin = monday_on_or_after(history.end)
    product = _fit(history, origin, full=False, trend=trend)
    full = _fit(history, origin, full=True, trend=trend)
    years = _years(history, origin)
    fitted = product.mean(history.hour_of_week, years)
    week_observed, week_fitted = _week_means(history, fitted)
    history_daily, fitted_daily = _daily(history, fitted)
    growth_ci = None
    if trend:
        beta, se = product.params[-1], math.sqrt(product.cov[-1, -1])
        growth_ci = (math.expm1(beta - Z95 * se), math.expm1(beta + Z95 * se))
    return Forecast(
        segment=_segment_from(product),
        origin=origin,
        history_start=history.start,
        history_end=history.end,
        observed_hours=int(observed.sum()),
        missing_hours=int((~observed).sum()),
        arrivals=int(round(float(np.nansum(history.counts)))),
        trend=trend,
        growth_ci95=growth_ci,
        dispersion=product.dispersion,
        factorisation=_factorisation(product, full),
        holdout=holdout,
        week_observed=week_observed,
        week_fitted=week_fitted,
        week_hour_of_week=_week_at_origin(full),
        history_daily=history_daily,
        fitted_daily=fitted_daily,
        forecast_daily=_ahead(product, history, origin, FORECAST_WEEKS),
    )


# ---------------------------------------------------------------------------------------
# the scenario fragment


def round_significant(value: float, digits: int) -> float:
    """``value`` to ``digits`` significant digits (0 stays 0)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def segment_fragment(
    segment: SegmentForecast, segment_id: str, service: str | None = None
) -> dict[str, Any]:
    """The ``segments[*]`` entry in the scenario format's own fields, rounded for reading.

    Rate to 4 significant digits, profile factors to 4 decimals, growth to 4 decimals:
    finer than any history can tell apart (see the standard errors), coarse enough to read.
    """
    entry: dict[str, Any] = {
        "id": segment_id,
        "rate": float(round_significant(segment.rate, 4)),
        "daily_profile": [float(round(v, 4)) for v in segment.daily_profile],
        "weekly_profile": [float(round(v, 4)) for v in segment.weekly_profile],
        "growth_per_year": float(round(segment.growth_per_year, 4)),
    }
    if service is not None:
        entry["mix"] = {service: 1.0}
    return entry


week_hour_label = hour_of_week_label
