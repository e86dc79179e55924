"""Arrival counts follow the non-homogeneous Poisson process of the profiles.

A segment's rate at time t is ``rate × daily_profile[hour] × weekly_profile[weekday]`` (profiles
used raw, never normalised; the clock starts on a Monday 00:00; ``docs/model.md``, "Demand").
For a Poisson process the number of arrivals in disjoint periods are independent Poisson counts
with mean ∫λ, so summing one hour of the day over D days gives a Poisson(rate·daily[h]·D) count.
Each count is checked against its exact Poisson interval (``poisson_count_interval``) at a
Bonferroni-corrected confidence ``1 − 0.01/cells``, so that a correct engine fails the whole
family of cells with probability at most 1 %. Each test also shows the same check rejects a
wrong model of the demand.

Counts come from the engine's time-series sink (one :class:`BinRow` per service and hour) of
one long replication; the run is cheap (~37 000 customers).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import stats

from stratsim.analysis.queueing import poisson_count_interval
from stratsim.engine.compile import compile_scenario
from stratsim.engine.replication import run_replication
from stratsim.scenario.models import Scenario

pytestmark = pytest.mark.theory

RATE = 10.0
WEEKS = 20
DAYS = 7 * WEEKS  # whole weeks: every weekday equally often
FAMILY_ALPHA = 0.01

#: Hour 0 first; zero hours (night, 06:00, 11:00, 20-21:00), a peak at 23:00; mean 1.102, not 1.
DAILY = (
    0.0, 0.0, 0.5, 1.0, 2.0, 3.0, 0.0, 1.0, 1.5, 2.5, 0.2, 0.0,
    1.0, 1.0, 1.0, 3.0, 2.0, 1.0, 0.5, 0.25, 0.0, 0.0, 1.0, 4.0,
)
#: Monday first, with a closed Sunday.
WEEKLY = (1.0, 1.2, 0.8, 1.0, 1.5, 0.5, 0.0)


@functools.lru_cache(maxsize=4)
def _run(weekly: tuple[float, ...] | None, seed: int) -> tuple[np.ndarray, int]:
    """Arrivals per hour bin (one long replication, no warm-up) and the ``arrivals`` KPI."""
    segment = {"id": "all", "rate": RATE, "daily_profile": list(DAILY), "mix": {"desk": 1.0}}
    if weekly is not None:
        segment["weekly_profile"] = list(weekly)
    doc = {
        "stratsim": 1, "name": "profile", "horizon": 24.0 * DAYS, "warmup": 0.0,
        # ample fast servers: the station plays no part, only the arrivals are counted
        "services": [{"id": "desk", "staff": 100,
                      "service_time": {"dist": "exponential", "mean": 0.01}}],
        "segments": [segment],
    }
    model = compile_scenario(Scenario.model_validate(doc))
    rows = []
    record = run_replication(model, seed, 0, rows.append)
    counts = np.zeros(24 * DAYS, dtype=np.int64)
    for row in rows:
        assert row.bin_h == pytest.approx(1.0)
        counts[int(round(row.time_h))] += row.arrivals
    return counts, record["services"]["desk"]["arrivals"]


def _outside(counts: np.ndarray, means: np.ndarray, confidence: float) -> list[int]:
    """Indices of the cells whose count lies outside its Poisson interval."""
    bad = []
    for i, (count, mean) in enumerate(zip(counts, means)):
        lo, hi = poisson_count_interval(float(mean), confidence)
        if not lo <= count <= hi:
            bad.append(i)
    return bad


def test_arrivals_per_hour_of_day_follow_the_daily_profile():
    """Per hour of day, the count over 140 days lies in its Poisson interval at 1 − 0.01/24.

    Expected count in hour h: 10 × DAILY[h] × 140, e.g. 0 for the zero hours (where the
    interval is exactly [0, 0]: a single arrival while closed fails), 5 600 at 23:00.
    Wrong models, each of which must put at least one hour outside its interval:

    * a flat profile with the same total (what an engine ignoring the profile would do);
    * the profile shifted by one hour (an off-by-one in the hour index, or the clock not
      starting at 00:00).

    The per-day counts are also checked for Poisson dispersion: Σ (x − m)²/m over all
    (day, open hour) cells is χ² with as many degrees of freedom, and must lie in its central
    99 % range — a process with the right means but the wrong variability (evenly spaced
    arrivals, batches) would fail that.
    """
    counts, _ = _run(None, seed=301)
    by_day = counts.reshape(DAYS, 24)
    per_hour = by_day.sum(axis=0)
    means = RATE * np.asarray(DAILY) * DAYS
    confidence = 1.0 - FAMILY_ALPHA / 24
    bad = _outside(per_hour, means, confidence)
    assert not bad, {h: (int(per_hour[h]), float(means[h])) for h in bad}

    flat = np.full(24, means.sum() / 24)
    assert _outside(per_hour, flat, confidence), "the flat profile cannot be told apart"
    shifted = np.roll(means, 1)
    assert _outside(per_hour, shifted, confidence), "a one-hour shift cannot be told apart"

    open_hours = means > 0
    cell_means = RATE * np.asarray(DAILY)[open_hours]
    dispersion = float((((by_day[:, open_hours] - cell_means) ** 2) / cell_means).sum())
    dof = int(open_hours.sum()) * DAYS
    lo, hi = stats.chi2.ppf([FAMILY_ALPHA / 2, 1 - FAMILY_ALPHA / 2], dof)
    assert lo <= dispersion <= hi, (dispersion, dof, lo, hi)


def test_total_arrivals_is_poisson_with_the_raw_profile():
    """The whole run's arrival count lies in the 99 % Poisson interval of 10 × ΣDAILY × 140.

    Expected 10 × 26.45 × 140 = 37 030 (the profile is used raw: its mean is 1.102). The
    engine's ``arrivals`` KPI must equal the sum of the per-hour bins. Wrong model: the profile
    normalised to mean 1 (33 600 expected), which the design explicitly rules out — it lies
    18 standard deviations away and must be rejected.
    """
    counts, kpi_arrivals = _run(None, seed=301)
    total = int(counts.sum())
    assert kpi_arrivals == total
    expected = RATE * sum(DAILY) * DAYS
    lo, hi = poisson_count_interval(expected, 0.99)
    assert lo <= total <= hi, (total, expected, lo, hi)
    wrong_lo, wrong_hi = poisson_count_interval(RATE * 24 * DAYS, 0.99)
    assert not wrong_lo <= total <= wrong_hi, "a normalised profile cannot be told apart"


def test_arrivals_per_hour_of_week_follow_daily_times_weekly_profile():
    """Per hour of the week, the count over 20 weeks is Poisson(10 × DAILY[h] × WEEKLY[d] × 20).

    168 cells at confidence 1 − 0.01/168; the week starts on Monday (WEEKLY[0]) and Sunday is
    closed, so Sunday's 24 cells must hold exactly 0. Wrong models, each must put at least one
    cell outside: the weekly profile ignored (daily only, scaled to the same total), and the
    weekly profile shifted by one day (a week starting on Sunday).
    """
    counts, _ = _run(WEEKLY, seed=302)
    per_hour_of_week = counts.reshape(WEEKS, 168).sum(axis=0)
    means = RATE * np.outer(WEEKLY, DAILY).ravel() * WEEKS
    confidence = 1.0 - FAMILY_ALPHA / 168
    bad = _outside(per_hour_of_week, means, confidence)
    assert not bad, {h: (int(per_hour_of_week[h]), float(means[h])) for h in bad}

    no_weekly = np.tile(DAILY, 7) * means.sum() / (7 * sum(DAILY))
    assert _outside(per_hour_of_week, no_weekly, confidence), "the weekly profile is invisible"
    shifted = RATE * np.outer(np.roll(WEEKLY, 1), DAILY).ravel() * WEEKS
    assert _outside(per_hour_of_week, shifted, confidence), "a one-day shift is invisible"
