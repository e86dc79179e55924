"""Probability distributions of durations (service times, patience), tagged by ``dist``.

Every parameter is a :data:`~stratsim.scenario.durations.Duration`, so ``mean: 20min`` and
``mean: 0.3333`` mean the same.  Each class knows its ``mean_hours``, ``variance_hours2`` and
``cv`` because the engine's theory checks (Erlang C, Pollaczek-Khinchine, ...) need the first two
moments; the sampler itself lives in the engine.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import Field, ValidationInfo, field_validator

from .base import ScenarioModel
from .durations import Duration, PositiveDuration
from .limits import MAX_CV, up_to


def _h(hours: float) -> str:
    """Render hours compactly for messages, e.g. ``2h`` or ``0.25h``."""
    return f"{hours:g}h"


class _Dist(ScenarioModel):
    """Base of the distributions; each defines ``mean_hours``, ``variance_hours2`` and ``cv``."""

    @property
    def mean_hours(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def variance_hours2(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError


class _DerivedCv(_Dist):
    """A distribution whose cv follows from its parameters (it is not a field)."""

    @property
    def cv(self) -> float:
        """Coefficient of variation: standard deviation / mean."""
        return math.sqrt(self.variance_hours2) / self.mean_hours


class Exponential(_DerivedCv):
    """Memoryless durations (cv = 1): the M in M/M/c."""

    dist: Literal["exponential"]
    """Selects this distribution."""
    mean: PositiveDuration = Field(gt=0)
    """Mean duration."""

    @property
    def mean_hours(self) -> float:
        return self.mean

    @property
    def variance_hours2(self) -> float:
        return self.mean**2


def _check_cv(value: float) -> float:
    """A coefficient of variation must be positive (use ``deterministic`` for cv = 0)."""
    if value <= 0:
        raise ValueError(
            f"cv must be > 0 (standard deviation / mean; use dist: deterministic for no "
            f"variation), got {value:g}"
        )
    return value


class _MeanCv(_Dist):
    """A distribution given by its mean and coefficient of variation (both > 0)."""

    mean: PositiveDuration = Field(gt=0)
    """Mean duration."""
    cv: up_to(float, MAX_CV) = Field(
        json_schema_extra={"exclusiveMinimum": 0, "maximum": MAX_CV},
    )
    """Coefficient of variation, standard deviation / mean, > 0 (1 is as variable as
    exponential; use `deterministic` for no variation)."""

    @field_validator("cv")
    @classmethod
    def _cv_positive(cls, value: float) -> float:
        return _check_cv(value)

    @property
    def mean_hours(self) -> float:
        return self.mean

    @property
    def variance_hours2(self) -> float:
        return (self.cv * self.mean) ** 2


class Lognormal(_MeanCv):
    """Right-skewed durations given by their mean and coefficient of variation."""

    dist: Literal["lognormal"]
    """Selects this distribution."""


class Gamma(_MeanCv):
    """Gamma durations given by mean and cv (cv < 1: more regular than exponential)."""

    dist: Literal["gamma"]
    """Selects this distribution."""


class Deterministic(_DerivedCv):
    """Every duration equals ``value`` (cv = 0)."""

    dist: Literal["deterministic"]
    """Selects this distribution."""
    value: PositiveDuration = Field(gt=0)
    """The duration, the same every time."""

    @property
    def mean_hours(self) -> float:
        return self.value

    @property
    def variance_hours2(self) -> float:
        return 0.0


class Uniform(_DerivedCv):
    """Durations spread evenly over [min, max]."""

    dist: Literal["uniform"]
    """Selects this distribution."""
    min: Duration
    """Shortest duration."""
    max: Duration
    """Longest duration (> `min`)."""

    @field_validator("max")
    @classmethod
    def _max_above_min(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("min")
        if low is not None and value <= low:
            raise ValueError(f"max must be greater than min ({_h(low)}), got {_h(value)}")
        return value

    @property
    def mean_hours(self) -> float:
        return (self.min + self.max) / 2

    @property
    def variance_hours2(self) -> float:
        return (self.max - self.min) ** 2 / 12


class Triangular(_DerivedCv):
    """Three-point estimate: min, most likely (mode) and max."""

    dist: Literal["triangular"]
    """Selects this distribution."""
    min: Duration
    """Shortest duration."""
    mode: Duration
    """Most likely duration (`min` ≤ `mode` ≤ `max`)."""
    max: Duration
    """Longest duration (> `min`)."""

    @field_validator("mode")
    @classmethod
    def _mode_above_min(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("min")
        if low is not None and value < low:
            raise ValueError(f"mode must be ≥ min ({_h(low)}), got {_h(value)}")
        return value

    @field_validator("max")
    @classmethod
    def _max_above_others(cls, value: float, info: ValidationInfo) -> float:
        low, mode = info.data.get("min"), info.data.get("mode")
        if low is not None and value <= low:
            raise ValueError(f"max must be greater than min ({_h(low)}), got {_h(value)}")
        if mode is not None and value < mode:
            raise ValueError(f"max must be ≥ mode ({_h(mode)}), got {_h(value)}")
        return value

    @property
    def mean_hours(self) -> float:
        return (self.min + self.mode + self.max) / 3

    @property
    def variance_hours2(self) -> float:
        a, c, b = self.min, self.mode, self.max
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18


class Empirical(_DerivedCv):
    """Resample observed durations with equal weight (e.g. from a ticket log)."""

    dist: Literal["empirical"]
    """Selects this distribution."""
    values: list[Duration] = Field(
        json_schema_extra={"minItems": 1},
    )
    """Observed durations, each drawn with equal probability: at least one, not all 0."""

    @field_validator("values")
    @classmethod
    def _usable(cls, values: list[float]) -> list[float]:
        if not values:
            raise ValueError("expected at least one observed duration, got an empty list")
        if sum(values) <= 0:
            raise ValueError("the values must have a positive mean, got all zeros")
        return values

    @property
    def mean_hours(self) -> float:
        return sum(self.values) / len(self.values)

    @property
    def variance_hours2(self) -> float:
        mean = self.mean_hours
        return sum((v - mean) ** 2 for v in self.values) / len(self.values)


DISTRIBUTIONS: dict[str, type[_Dist]] = {
    "exponential": Exponential,
    "lognormal": Lognormal,
    "gamma": Gamma,
    "deterministic": Deterministic,
    "uniform": Uniform,
    "triangular": Triangular,
    "empirical": Empirical,
}
"""The valid ``dist`` names and their models."""

Distribution = Annotated[
    Union[Exponential, Lognormal, Gamma, Deterministic, Uniform, Triangular, Empirical],
    Field(discriminator="dist"),
]
"""Any duration distribution, chosen by its ``dist`` field."""
