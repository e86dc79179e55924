"""Durations and clock times: every unit, decimals, bare numbers and every rejection."""

from __future__ import annotations

import math

import pytest
from pydantic import TypeAdapter, ValidationError

from stratsim.scenario import parse_duration
from stratsim.scenario.durations import Duration, format_clock, parse_clock


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("30s", 30 / 3600),
        ("15min", 0.25),
        ("2h", 2.0),
        ("3d", 72.0),
        ("1w", 168.0),
        ("208333.3h", 208333.3),
        ("1.5d", 36.0),
        (".5h", 0.5),
        ("15 min", 0.25),
        (" 2h ", 2.0),
        ("0s", 0.0),
        ("4", 4.0),
        ("2.5", 2.5),
        (3, 3.0),
        (0.75, 0.75),
        (0, 0.0),
    ],
)
def test_accepted_durations_in_hours(text: object, hours: float) -> None:
    assert parse_duration(text) == pytest.approx(hours)


@pytest.mark.parametrize(
    "bad", ["3 weeks", "2 hours", "5m", "1y", "2hr", "h", "", "1.2.3h", "2h30min", "1e3h", "abc"]
)
def test_other_text_is_refused_saying_what_is_expected(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(bad)
    message = str(caught.value)
    assert 'expected a duration such as "30s", "15min", "2h", "3d", "1w"' in message
    assert f'got "{bad}"' in message


def test_the_brief_example_message() -> None:
    with pytest.raises(ValueError, match=r'or a number of hours, got "3 weeks"$'):
        parse_duration("3 weeks")


@pytest.mark.parametrize("bad", [-1, -0.5, "-2h", "-15 min"])
def test_negative_durations_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_duration(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_durations_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        parse_duration(bad)


@pytest.mark.parametrize("bad", [True, False, None, [1], {"h": 1}])
def test_booleans_and_other_types_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(bad)


def test_duration_field_type_validates_and_has_a_string_or_number_schema() -> None:
    adapter = TypeAdapter(Duration)
    assert adapter.validate_python("15min") == 0.25
    with pytest.raises(ValidationError, match="expected a duration"):
        adapter.validate_python("soon")
    schema = adapter.json_schema(mode="validation")
    kinds = {option["type"] for option in schema["anyOf"]}
    assert kinds == {"string", "number"}
    assert any("pattern" in option for option in schema["anyOf"])


@pytest.mark.parametrize(
    ("text", "hours"), [("00:00", 0.0), ("08:30", 8.5), ("8:30", 8.5), ("23:59", 23 + 59 / 60)]
)
def test_clock_times(text: str, hours: float) -> None:
    assert parse_clock(text) == pytest.approx(hours)
    assert format_clock(hours) == (text if len(text) == 5 else "0" + text)


def test_midnight_24_00_only_as_an_end() -> None:
    assert parse_clock("24:00", end=True) == 24.0
    with pytest.raises(ValueError, match="only allowed as the end"):
        parse_clock("24:00")


@pytest.mark.parametrize("bad", ["25:00", "24:30", "12:60", "noon", "8", "08:00:00", 800, None])
def test_bad_clock_times(bad: object) -> None:
    with pytest.raises(ValueError, match='expected a time of day "HH:MM"'):
        parse_clock(bad, end=True)
