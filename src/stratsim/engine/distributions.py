"""Probability distributions of durations, compiled to batch samplers.

A scenario states a distribution by its mean and coefficient of variation (cv) where that is
how planners think about it; this module turns it into numpy's parameters once, at compile
time (:func:`compile_distribution`), and into a function ``draw(n) -> array`` of hours bound
to one random stream (:func:`sampler`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


def compile_distribution(dist: Any) -> DurationDistribution:
    """The engine's form of a scenario distribution (``stratsim.scenario.distributions``).

    Numbers are already hours. The mean and variance are the scenario model's own
    (``mean_hours``, ``variance_hours2``): one definition of what a distribution means.
    """
    kind = dist.dist
    if kind == "exponential":
        params: tuple[float, ...] = (dist.mean,)
    elif kind == "lognormal":
        sigma2 = math.log1p(dist.cv * dist.cv)
        params = (math.log(dist.mean) - sigma2 / 2, math.sqrt(sigma2))
    elif kind == "gamma":
        shape = 1.0 / (dist.cv * dist.cv)
        params = (shape, dist.mean / shape)
    elif kind == "deterministic":
        params = (dist.value,)
    elif kind == "uniform":
        params = (dist.min, dist.max)
    elif kind == "triangular":
        params = (dist.min, dist.mode, dist.max)
    elif kind == "empirical":
        params = tuple(dist.values)
    else:
        raise ValueError(f"unknown distribution {kind!r}")
    return DurationDistribution(kind, params, dist.mean_hours, dist.variance_hours2)


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
