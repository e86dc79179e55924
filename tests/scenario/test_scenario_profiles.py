"""Daily and weekly profile presets and explicit factor lists."""

from __future__ import annotations

import pytest

from stratsim.scenario.profiles import (
    DAILY_PRESETS,
    WEEKLY_PRESETS,
    resolve_daily,
    resolve_weekly,
)


def test_presets_have_the_right_lengths_and_are_non_negative() -> None:
    assert {"flat", "business-hours", "evening-peak"} <= set(DAILY_PRESETS)
    assert {"flat", "weekdays", "weekend-peak"} <= set(WEEKLY_PRESETS)
    for factors in DAILY_PRESETS.values():
        assert len(factors) == 24 and min(factors) >= 0
    for factors in WEEKLY_PRESETS.values():
        assert len(factors) == 7 and min(factors) >= 0


def test_daily_presets_average_one_so_a_day_keeps_its_volume() -> None:
    for name, factors in DAILY_PRESETS.items():
        assert sum(factors) / 24 == pytest.approx(1.0), name


def test_business_hours_shape() -> None:
    day = resolve_daily("business-hours")
    assert max(day[0:6]) < 0.2  # low at night
    assert day[7] < day[8] < day[9] < day[10]  # morning ramp
    assert max(range(24), key=day.__getitem__) in (10, 11)
    assert day[12] < day[11] and day[12] < day[14]  # lunch dip
    assert min(day[14], day[15]) > day[13]  # afternoon peak
    assert day[18] < day[17] and day[20] < day[18]  # fall after 18


def test_evening_peak_shape() -> None:
    day = resolve_daily("evening-peak")
    peak = max(range(24), key=day.__getitem__)
    assert 19 <= peak <= 22
    assert max(day[1:6]) < 0.5


def test_weekly_presets() -> None:
    assert resolve_weekly("flat") == (1.0,) * 7
    assert resolve_weekly("weekdays")[:5] == (1.0,) * 5
    assert max(resolve_weekly("weekdays")[5:]) < 1
    peak = resolve_weekly("weekend-peak")
    assert max(peak[5:]) > max(peak[:5])


def test_explicit_lists_are_returned_as_floats() -> None:
    assert resolve_daily([1] * 24) == (1.0,) * 24
    assert resolve_weekly([1.3, 1.1, 1, 1, 0.9, 0.3, 0.2])[0] == 1.3


@pytest.mark.parametrize("size", [0, 23, 25])
def test_wrong_daily_length(size: int) -> None:
    with pytest.raises(ValueError, match=f"exactly 24 hourly factors, got {size}"):
        resolve_daily([1.0] * size)


@pytest.mark.parametrize("size", [6, 8])
def test_wrong_weekly_length(size: int) -> None:
    with pytest.raises(ValueError, match=f"exactly 7 factors, Monday first, got {size}"):
        resolve_weekly([1.0] * size)


def test_negative_and_non_numeric_factors() -> None:
    with pytest.raises(ValueError, match=r"factor \[3\]: expected a number ≥ 0, got -1"):
        resolve_weekly([1, 1, 1, -1, 1, 1, 1])
    with pytest.raises(ValueError, match=r'factor \[0\]: expected a number, got "x"'):
        resolve_weekly(["x", 1, 1, 1, 1, 1, 1])
    with pytest.raises(ValueError, match=r"expected a number, got true"):
        resolve_weekly([True, 1, 1, 1, 1, 1, 1])


def test_unknown_preset_lists_the_known_names() -> None:
    with pytest.raises(ValueError) as caught:
        resolve_daily("busines-hours")
    message = str(caught.value)
    assert "did you mean \"business-hours\"" in message
    for name in DAILY_PRESETS:
        assert name in message
    with pytest.raises(ValueError, match="flat, weekdays, weekend-peak"):
        resolve_weekly("weekly")


def test_other_types_are_refused() -> None:
    with pytest.raises(ValueError, match="expected a daily profile"):
        resolve_daily(3)  # type: ignore[arg-type]
