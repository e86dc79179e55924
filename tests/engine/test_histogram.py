"""The wait histogram: quantiles within its stated relative error, in fixed memory."""

import numpy as np
import pytest

from stratsim.engine.histogram import MAX_H, RELATIVE_ERROR, WaitHistogram, quantile_of_counts


def filled(waits) -> WaitHistogram:
    histogram = WaitHistogram()
    for wait in waits:
        histogram.add(float(wait))
    return histogram


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9, 0.99])
def test_quantiles_within_stated_relative_error(p):
    rng = np.random.default_rng(7)
    waits = rng.lognormal(-1.0, 1.5, 50_000)
    exact = float(np.quantile(waits, p))
    estimate = filled(waits).quantile(p)
    assert abs(estimate - exact) / exact <= RELATIVE_ERROR


def test_relative_error_is_a_few_percent():
    assert 0.0 < RELATIVE_ERROR < 0.03


def test_zero_waits_give_zero_quantile_and_count():
    histogram = filled([0.0] * 95 + [1.0] * 5)
    assert histogram.quantile(0.9) == 0.0
    assert histogram.quantile(0.99) == pytest.approx(1.0, rel=RELATIVE_ERROR)
    histogram.flush()
    assert histogram.counts.sum() == 100


def test_empty_histogram_has_no_quantile():
    assert WaitHistogram().quantile(0.9) is None


def test_overflow_reports_the_top_edge():
    assert filled([MAX_H * 10] * 3).quantile(0.5) == MAX_H


def test_memory_is_fixed_whatever_the_count():
    histogram = filled(np.random.default_rng(1).exponential(1.0, 20_000))
    assert len(histogram.buffer) < 4096
    assert histogram.counts.shape == WaitHistogram().counts.shape


def test_bad_p_is_refused():
    with pytest.raises(ValueError, match="within"):
        quantile_of_counts(np.ones(3, dtype=np.int64), 1.5)
