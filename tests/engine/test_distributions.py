"""Each compiled distribution samples with the mean and variance its scenario model declares.

The moments come from ``stratsim.scenario.distributions`` (``mean_hours``, ``variance_hours2``)
and the numpy parameters from ``compile_distribution``: sampling checks that the two agree.
"""

import math

import numpy as np
import pytest
from pydantic import TypeAdapter

from stratsim.engine.distributions import compile_distribution, sampler
from stratsim.scenario.distributions import Distribution

ADAPTER = TypeAdapter(Distribution)
CASES = [
    {"dist": "exponential", "mean": 0.5},
    {"dist": "lognormal", "mean": 0.3, "cv": 0.8},
    {"dist": "lognormal", "mean": 2.0, "cv": 1.5},
    {"dist": "gamma", "mean": 2.0, "cv": 0.5},
    {"dist": "gamma", "mean": 1.0, "cv": 2.0},
    {"dist": "deterministic", "value": 0.25},
    {"dist": "uniform", "min": 0.1, "max": 0.9},
    {"dist": "triangular", "min": 0.0, "mode": 0.2, "max": 1.0},
    {"dist": "empirical", "values": [0.1, 0.1, 0.4, 1.0]},
]


@pytest.mark.parametrize("spec", CASES, ids=lambda c: f"{c['dist']}-{c.get('cv', '')}")
def test_sample_moments_match_the_declared_ones(spec):
    dist = compile_distribution(ADAPTER.validate_python(spec))
    n = 400_000
    sample = sampler(dist, np.random.default_rng(11))(n)
    assert (sample >= 0).all()
    # the sample mean within 5 standard errors (a false alarm once in 1.7 million)
    assert abs(sample.mean() - dist.mean_h) <= 5 * math.sqrt(dist.variance_h2 / n) + 1e-12
    if dist.variance_h2 > 0:
        # the sample variance within 5 of its own standard errors, from the sample 4th moment
        fourth = float(np.mean((sample - sample.mean()) ** 4))
        se_var = math.sqrt(max(fourth - dist.variance_h2**2, 0.0) / n)
        assert abs(sample.var() - dist.variance_h2) <= 5 * se_var
    else:
        assert (sample == dist.mean_h).all()


def test_a_wrong_parameterisation_would_be_caught():
    # lognormal given sigma = cv instead of sqrt(log(1 + cv²)): the variance check must fail
    dist = compile_distribution(ADAPTER.validate_python({"dist": "lognormal", "mean": 1.0, "cv": 1.5}))
    rng = np.random.default_rng(3)
    wrong = np.exp(-1.5**2 / 2 + 1.5 * rng.standard_normal(400_000))
    assert abs(wrong.var() - dist.variance_h2) > 0.5 * dist.variance_h2
