"""Each distribution samples with the mean and variance it declares."""

import math

import numpy as np
import pytest

from stratsim.engine import distributions as d

CASES = [
    d.exponential(0.5),
    d.lognormal(0.3, 0.8),
    d.gamma(2.0, 0.5),
    d.deterministic(0.25),
    d.uniform(0.1, 0.9),
    d.triangular(0.0, 0.2, 1.0),
    d.empirical((0.1, 0.1, 0.4, 1.0)),
]


@pytest.mark.parametrize("dist", CASES, ids=lambda x: x.kind)
def test_sample_mean_within_five_standard_errors(dist):
    n = 200_000
    sample = d.sampler(dist, np.random.default_rng(11))(n)
    assert (sample >= 0).all()
    standard_error = math.sqrt(dist.variance_h2 / n)
    assert abs(sample.mean() - dist.mean_h) <= 5 * standard_error + 1e-12
    if dist.variance_h2 > 0:
        assert sample.var() == pytest.approx(dist.variance_h2, rel=0.05)


def test_lognormal_and_gamma_have_the_asked_cv():
    assert d.lognormal(2.0, 0.8).scv == pytest.approx(0.64)
    assert d.gamma(2.0, 1.5).scv == pytest.approx(2.25)
