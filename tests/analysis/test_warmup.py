"""MSER-5 on series whose transient is known: planted, absent, endless."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stratsim.analysis.warmup import batch_means, mser5, mser_statistic


def test_batch_means_drop_an_incomplete_last_batch():
    assert batch_means([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 5).tolist() == [3.0, 8.0]


def test_statistic_matches_its_definition():
    z = np.array([9.0, 4.0, 1.0, 2.0, 1.5, 0.5, 1.0, 2.0])
    expected = [np.sum((z[d:] - z[d:].mean()) ** 2) / (len(z) - d) ** 2 for d in range(4)]
    assert mser_statistic(z) == pytest.approx(expected, rel=1e-12)


def test_planted_transient_is_cut_and_the_bias_goes_with_it():
    """y_t = μ + A·exp(−t/τ) + ε_t, ε ~ N(0, σ²): A = 20σ, τ = 50, n = 2000 observations.

    Untruncated, the transient adds A·τ/n = 0.5σ to the mean, 22 standard errors (σ/√n).
    MSER deletes a batch while its deviation exceeds about √2 batch standard deviations
    (σ/√5), i.e. up to t ≈ τ·ln(20·√5/√2) ≈ 173; what it leaves adds
    A·τ·exp(−d/τ)/(n − d) ≈ 0.02σ, under one standard error. So the truncated mean must be
    within 3 standard errors of μ, and the cut must lie between 2τ (bias 2.7σ still) and
    half the series.
    """
    rng = np.random.default_rng(1)
    n, mu, sigma, amplitude, tau = 2000, 10.0, 1.0, 20.0, 50.0
    t = np.arange(n)
    series = mu + amplitude * np.exp(-t / tau) + rng.normal(0, sigma, n)
    result = mser5(series)
    kept = series[result.truncation:]
    standard_error = sigma / math.sqrt(len(kept))
    assert abs(series.mean() - mu) > 10 * sigma / math.sqrt(n)    # the transient matters
    assert abs(kept.mean() - mu) < 3 * standard_error
    assert 2 * tau <= result.truncation < n // 2
    assert not result.at_boundary
    assert result.minimum < result.statistic[0]


def test_stationary_series_truncates_almost_nothing():
    """i.i.d. noise: deleting d batches pays only if their squared deviations exceed about
    2·d batch variances, a χ²_d/d > 2 event that is rare for more than a few batches (0.5 %
    at d = 20); so at most 5 % of the series (20 of 400 batches) is cut."""
    rng = np.random.default_rng(2)
    result = mser5(rng.normal(5.0, 2.0, 2000))
    assert result.truncation <= 100


def test_constant_series_truncates_nothing():
    assert mser5([3.0] * 100).truncation == 0
    assert mser5([0.0] * 100).truncation == 0


def test_a_series_still_falling_at_half_its_length_is_flagged():
    result = mser5(np.linspace(100, 0, 200))
    assert result.at_boundary and result.truncation_batches == len(result.statistic) - 1


def test_too_short_series_is_refused():
    with pytest.raises(ValueError, match="at least 20 observations"):
        mser5([1.0] * 19)
