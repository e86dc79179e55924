"""Probability distributions of durations, compiled to batch samplers.

A scenario states a distribution by its mean and coefficient of variation (cv) where that is
how planners think about it; this module turns it into numpy's parameters once, at compile
time, and into a function ``draw(n) -> array`` of hours bound to one random stream.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DurationDistribution:
    """A compiled duration distribution (hours).

    ``kind`` is one of exponential, lognormal, gamma, deterministic, uniform, triangular,
    empirical; ``params`` are the numbers numpy needs for that kind (see :func:`sampler`).
    ``mean_h`` and ``variance_h2`` are kept for capacity checks and theory comparisons.
    """

    kind: str
    params: tuple[float, ...]
    mean_h: float
    variance_h2: float

    @property
    def scv(self) -> float:
        """Squared coefficient of variation (0 for a deterministic duration)."""
        return self.variance_h2 / self.mean_h**2 if self.mean_h > 0 else 0.0


def exponential(mean_h: float) -> DurationDistribution:
    return DurationDistribution("exponential", (mean_h,), mean_h, mean_h**2)


def lognormal(mean_h: float, cv: float) -> DurationDistribution:
    sigma2 = math.log1p(cv * cv)
    mu = math.log(mean_h) - sigma2 / 2
    return DurationDistribution("lognormal", (mu, math.sqrt(sigma2)), mean_h, (cv * mean_h) ** 2)


def gamma(mean_h: float, cv: float) -> DurationDistribution:
    shape = 1.0 / (cv * cv)
    return DurationDistribution("gamma", (shape, mean_h / shape), mean_h, (cv * mean_h) ** 2)


def deterministic(value_h: float) -> DurationDistribution:
    return DurationDistribution("deterministic", (value_h,), value_h, 0.0)


def uniform(low_h: float, high_h: float) -> DurationDistribution:
    return DurationDistribution(
        "uniform", (low_h, high_h), (low_h + high_h) / 2, (high_h - low_h) ** 2 / 12
    )


def triangular(low_h: float, mode_h: float, high_h: float) -> DurationDistribution:
    mean = (low_h + mode_h + high_h) / 3
    var = (low_h**2 + mode_h**2 + high_h**2 - low_h * mode_h - low_h * high_h - mode_h * high_h) / 18
    return DurationDistribution("triangular", (low_h, mode_h, high_h), mean, var)


def empirical(values_h: tuple[float, ...]) -> DurationDistribution:
    values = np.asarray(values_h, dtype=float)
    return DurationDistribution("empirical", tuple(values_h), float(values.mean()), float(values.var()))


def sampler(dist: DurationDistribution, rng: np.random.Generator) -> Callable[[int], np.ndarray]:
    """A function drawing ``n`` durations (hours) of ``dist`` from ``rng``.

    Exponential and lognormal draws are inversions of one standard variate each, so a change of
    mean or cv between two scenarios moves every customer's duration monotonically instead of
    reshuffling them: that keeps common random numbers effective.
    """
    p = dist.params
    kind = dist.kind
    if kind == "exponential":
        mean = p[0]
        return lambda n: rng.standard_exponential(n) * mean
    if kind == "lognormal":
        mu, sigma = p
        return lambda n: np.exp(mu + sigma * rng.standard_normal(n))
    if kind == "gamma":
        shape, scale = p
        return lambda n: rng.gamma(shape, scale, n)
    if kind == "deterministic":
        value = p[0]
        return lambda n: np.full(n, value)
    if kind == "uniform":
        low, high = p
        return lambda n: rng.uniform(low, high, n)
    if kind == "triangular":
        low, mode, high = p
        return lambda n: rng.triangular(low, mode, high, n)
    if kind == "empirical":
        values = np.asarray(p, dtype=float)
        return lambda n: values[rng.integers(0, len(values), n)]
    raise ValueError(f"unknown distribution kind {kind!r}")
