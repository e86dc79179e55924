"""Every distribution's validation and moments."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from stratsim.scenario.distributions import (
    DISTRIBUTIONS,
    Deterministic,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Triangular,
    Uniform,
)

ADAPTER: TypeAdapter[Any] = TypeAdapter(Distribution)


def validate(data: dict[str, Any]) -> Any:
    return ADAPTER.validate_python(data)


def error_messages(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        validate(data)
    return "\n".join(e["msg"] for e in caught.value.errors())


@pytest.mark.parametrize(
    ("data", "cls", "mean", "variance"),
    [
        ({"dist": "exponential", "mean": "10min"}, Exponential, 1 / 6, 1 / 36),
        ({"dist": "lognormal", "mean": "2h", "cv": 0.5}, Lognormal, 2.0, 1.0),
        ({"dist": "gamma", "mean": 3, "cv": 2}, Gamma, 3.0, 36.0),
        ({"dist": "deterministic", "value": "30min"}, Deterministic, 0.5, 0.0),
        ({"dist": "uniform", "min": 1, "max": 3}, Uniform, 2.0, 4 / 12),
        ({"dist": "triangular", "min": 0, "mode": 1, "max": 2}, Triangular, 1.0, 1 / 6),
        ({"dist": "empirical", "values": ["1h", 2, "3h"]}, Empirical, 2.0, 2 / 3),
    ],
)
def test_each_distribution_and_its_moments(
    data: dict[str, Any], cls: type, mean: float, variance: float
) -> None:
    dist = validate(data)
    assert isinstance(dist, cls)
    assert dist.mean_hours == pytest.approx(mean)
    assert dist.variance_hours2 == pytest.approx(variance)
    expected_cv = math.sqrt(variance) / mean
    assert dist.cv == pytest.approx(expected_cv)


@pytest.mark.parametrize("name", ["lognormal", "gamma"])
@pytest.mark.parametrize("cv", [0, -0.5])
def test_cv_must_be_positive(name: str, cv: float) -> None:
    assert "cv must be > 0" in error_messages({"dist": name, "mean": "1h", "cv": cv})


@pytest.mark.parametrize(
    "data",
    [
        {"dist": "exponential", "mean": 0},
        {"dist": "lognormal", "mean": "0h", "cv": 1},
        {"dist": "gamma", "mean": 0, "cv": 1},
        {"dist": "deterministic", "value": 0},
    ],
)
def test_means_must_be_positive(data: dict[str, Any]) -> None:
    assert "greater than 0" in error_messages(data)


def test_uniform_needs_min_below_max() -> None:
    assert "max must be greater than min" in error_messages({"dist": "uniform", "min": 2, "max": 2})


def test_uniform_refuses_negative_min() -> None:
    assert "cannot be negative" in error_messages({"dist": "uniform", "min": -1, "max": 2})


@pytest.mark.parametrize(
    ("low", "mode", "high", "expected"),
    [
        (2, 1, 3, "mode must be ≥ min"),
        (0, 3, 2, "max must be ≥ mode"),
        (2, 2, 2, "max must be greater than min"),
    ],
)
def test_triangular_ordering(low: float, mode: float, high: float, expected: str) -> None:
    data = {"dist": "triangular", "min": low, "mode": mode, "max": high}
    assert expected in error_messages(data)


def test_triangular_allows_mode_at_either_end() -> None:
    low = validate({"dist": "triangular", "min": 1, "mode": 1, "max": 2})
    high = validate({"dist": "triangular", "min": 1, "mode": 2, "max": 2})
    assert (low.mean_hours, high.mean_hours) == (pytest.approx(4 / 3), pytest.approx(5 / 3))


def test_empirical_needs_values_with_a_positive_mean() -> None:
    assert "at least one" in error_messages({"dist": "empirical", "values": []})
    assert "positive mean" in error_messages({"dist": "empirical", "values": [0, "0h"]})
    assert "cannot be negative" in error_messages({"dist": "empirical", "values": [1, -1]})


def test_unknown_dist_lists_the_valid_names() -> None:
    with pytest.raises(ValidationError) as caught:
        validate({"dist": "weibull", "mean": 1})
    message = str(caught.value)
    for name in DISTRIBUTIONS:
        assert name in message


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        validate({"dist": "exponential", "mean": 1, "cv": 1})


def test_distributions_are_frozen() -> None:
    dist = validate({"dist": "exponential", "mean": 1})
    with pytest.raises(ValidationError):
        dist.mean = 2
