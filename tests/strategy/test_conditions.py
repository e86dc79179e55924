"""The vocabulary of run-time conditions: time names, state functions, what a condition saw."""

from __future__ import annotations

import pytest

from stratsim.strategy.conditions import (
    PRICING_VOCABULARY,
    REVIEW_VOCABULARY,
    RULE_VOCABULARY,
    clock_values,
    condition_values,
    format_values,
    quoted_services,
    uses_function,
    uses_state,
)
from stratsim.strategy.expressions import ExpressionError, parse_expression


def test_clock_values_name_the_calendar_of_the_clock():
    # Tuesday of the second week, 13:30
    assert clock_values(168 + 24 + 13.5) == {"t": 205.5, "hour": 13.0, "minute": 30.0,
                                              "weekday": 1.0, "day": 8.0, "week": 1.0}
    assert clock_values(8.0 - 1e-12)["hour"] == 8.0   # a rounding error short of 08:00 is 08:00
    assert clock_values(23.999)["hour"] == 23.0 and clock_values(23.999)["minute"] == 59.0


def test_vocabularies():
    rule = parse_expression("queue('helpdesk') > 15 and wait_p90('helpdesk') > 20 and hour >= 8",
                            RULE_VOCABULARY)
    assert quoted_services(rule) == {"helpdesk"} and uses_state(rule) and uses_function(rule, "wait_p90")
    assert not uses_state(parse_expression("hour < 8 or weekday >= 5", PRICING_VOCABULARY))
    with pytest.raises(ExpressionError, match='unknown function "wait_mean"'):
        parse_expression("wait_mean('helpdesk') > 3", PRICING_VOCABULARY)
    with pytest.raises(ExpressionError, match="service is text"):
        parse_expression("service > 1", REVIEW_VOCABULARY)
    with pytest.raises(ExpressionError, match=r"margin\(\) takes a quoted id"):
        parse_expression("margin(service) < 0", RULE_VOCABULARY)


def test_what_a_condition_saw_is_listed_once_each_in_reading_order():
    expression = parse_expression("queue('a') > 3 and (hour >= 8 or queue('a') > 9) and margin(service) < 0",
                                  REVIEW_VOCABULARY)
    values = {**clock_values(9.25), "service": "b"}
    functions = {"queue": {"a": 5.0}.__getitem__, "margin": {"b": None}.__getitem__}
    seen = condition_values(expression, values, functions)
    assert seen == [("queue('a')", 5.0), ("hour", 9.0), ("margin(service)", None)]
    assert format_values(seen) == "queue('a')=5; hour=9; margin(service)=undefined"
