"""The safe expression language: what it accepts, how it evaluates, and every form it refuses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stratsim.strategy.expressions import (
    CONDITION,
    MAX_LENGTH,
    NUMBER,
    STANDARD_FUNCTIONS,
    ExpressionError,
    Function,
    Vocabulary,
    parse_expression,
)

KPIS = Vocabulary(frozenset({"satisfaction", "cost", "budget", "wait_p90_min"}), what="KPI or budget")
VALUES = {"satisfaction": 4.2, "cost": 900.0, "budget": 1000.0, "wait_p90_min": 12.0}


@pytest.mark.parametrize(("text", "expected"), [
    ("satisfaction >= 4", True),
    ("satisfaction >= 4.5", False),
    ("cost <= budget", True),
    ("cost <= 0.8 * budget", False),
    ("3 <= satisfaction <= 5", True),
    ("3 <= satisfaction <= 4", False),
    ("satisfaction >= 4 and wait_p90_min <= 10", False),
    ("satisfaction >= 4 or wait_p90_min <= 10", True),
    ("not cost > budget", True),
    ("(cost - budget) / budget < -0.05", True),
    ("min(cost, budget) == 900", True),
    ("max(cost, budget, 2000) == 2000", True),
    ("abs(cost - budget) == 100", True),
    ("-cost + 1000 == 100", True),
    ("cost % 7 == 4", True),
    ("cost // 7 == 128", True),
    ("satisfaction != 4.2", False),
])  # fmt: skip
def test_conditions_evaluate_like_arithmetic(text: str, expected: bool) -> None:
    assert parse_expression(text, KPIS).evaluate(VALUES) is expected


def test_names_used_and_kinds_are_known_at_parse() -> None:
    expression = parse_expression("cost <= budget", KPIS)
    assert expression.names == {"cost", "budget"} and expression.kind == CONDITION
    number = parse_expression("cost / budget", KPIS, expect=NUMBER)
    assert number.kind == NUMBER and number.evaluate(VALUES) == pytest.approx(0.9)


def test_undefined_values_spread_and_logic_is_three_valued() -> None:
    undefined = dict(VALUES, satisfaction=None)
    assert parse_expression("satisfaction >= 4", KPIS).evaluate(undefined) is None
    assert parse_expression("satisfaction + 1 >= 4", KPIS).evaluate(undefined) is None
    assert parse_expression("satisfaction >= 4 and cost > budget", KPIS).evaluate(undefined) is False
    assert parse_expression("satisfaction >= 4 and cost < budget", KPIS).evaluate(undefined) is None
    assert parse_expression("satisfaction >= 4 or cost < budget", KPIS).evaluate(undefined) is True
    assert parse_expression("satisfaction >= 4 or cost > budget", KPIS).evaluate(undefined) is None
    assert parse_expression("not satisfaction >= 4", KPIS).evaluate(undefined) is None


def test_division_by_zero_is_undefined_not_an_error() -> None:
    assert parse_expression("cost / (budget - 1000) > 1", KPIS).evaluate(VALUES) is None
    assert parse_expression("cost % 0 > 1", KPIS).evaluate(VALUES) is None


def test_vocabulary_is_a_parameter_for_the_rules_to_come() -> None:
    rules = Vocabulary(frozenset({"t", "hour"}), {"queue": Function("queue", 1, 1, takes_text=True),
                                                  "min": STANDARD_FUNCTIONS["min"]},
                       string_arguments=True, text_names=frozenset({"service"}))
    expression = parse_expression("queue('helpdesk') > 15 and hour >= 8", rules)
    assert expression.evaluate({"hour": 9}, {"queue": {"helpdesk": 16}.__getitem__}) is True
    assert expression.evaluate({"hour": 9}, {"queue": {"helpdesk": 3}.__getitem__}) is False
    with pytest.raises(ExpressionError, match="text is only allowed as a function argument"):
        parse_expression("'helpdesk' == 1", rules)
    with pytest.raises(ExpressionError, match="text constants are not allowed"):
        parse_expression("min('a', 2) > 1", KPIS)
    with pytest.raises(ExpressionError, match="min\\(\\) takes numbers, not text"):
        parse_expression("min('a', 2) > 1", rules)
    with pytest.raises(ExpressionError, match="queue\\(\\) takes a quoted id"):
        parse_expression("queue(3) > 1", rules)
    with pytest.raises(ExpressionError, match="service is text: use it as a function argument"):
        parse_expression("service > 1", rules)
    by_name = parse_expression("queue(service) > 15", rules)
    assert by_name.evaluate({"service": "helpdesk"}, {"queue": {"helpdesk": 16}.__getitem__}) is True


def error_of(text: str, vocabulary: Vocabulary = KPIS) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, vocabulary)
    return caught.value


@pytest.mark.parametrize(("text", "message"), [
    ("__import__('os')", "names with a double underscore are not allowed: __import__"),
    ("__import__('os').system('x') == 0", "attribute access"),
    ("().__class__", "attribute access (.) is not allowed"),
    ("cost.__class__ == 1", "attribute access (.) is not allowed"),
    ("open('x')", 'unknown function "open"'),
    ("eval('1') == 1", 'unknown function "eval"'),
    ("exec('1') == 1", 'unknown function "exec"'),
    ("getattr(cost, 'real') > 1", 'unknown function "getattr"'),
    ("__builtins__ > 1", "names with a double underscore are not allowed"),
    ("cost[0] > 1", "subscripts ([...]) are not allowed"),
    ("(lambda: 1)() > 0", "lambdas are not allowed"),
    ("[c for c in cost] == 1", "comprehensions are not allowed"),
    ("{c for c in cost} == 1", "comprehensions are not allowed"),
    ("{c: 1 for c in cost} == 1", "comprehensions are not allowed"),
    ("max(1, (c for c in cost)) > 1", "comprehensions are not allowed"),
    ("(cost if cost else budget) > 1", "conditional expressions"),
    ("(x := cost) > 1", "assignment (:=) is not allowed"),
    ("f'{cost}' == 1", "f-strings are not allowed"),
    ("import os", "invalid syntax"),
    ("cost = 1", "invalid syntax"),
    ("cost ** 2 > 1", "** (power) is not allowed"),
    ("cost & 1 == 1", "& is not allowed"),
    ("~cost > 1", "~ is not allowed"),
    ("cost in budget", "in is not allowed"),
    ("cost is budget", "is is not allowed"),
    ("min(cost, key=abs) > 1", "positional arguments only"),
    ("min(*cost) > 1", "* arguments are not allowed"),
    ("[cost] == 1", "lists are not allowed"),
    ("(cost, 1) == 1", "tuples are not allowed"),
    ("{'a': cost} == 1", "dicts are not allowed"),
    ("cost > True", "only numbers are allowed as constants"),
    ("cost > None", "only numbers are allowed as constants"),
    ("max(cost, 1)(1) > 1", "only named functions can be called"),
    ("abs(cost, 1) > 0", "abs() takes 1 argument, got 2"),
    ("min > 0", "min is a function: call it as min(...)"),
    ("satisfacton >= 4", 'unknown KPI or budget "satisfacton" (did you mean "satisfaction"?)'),
    ("cost", "expected a condition such as satisfaction >= 4, got a number"),
    ("1 + (cost > 2) > 0", "arithmetic needs a number, got a condition"),
    ("cost and budget", "and needs a condition (a comparison), got a number"),
    ("not cost", "not needs a condition (a comparison), got a number"),
    ("", "the expression is empty"),
])  # fmt: skip
def test_every_unsafe_or_unknown_form_is_refused_with_its_reason(text: str, message: str) -> None:
    assert message in str(error_of(text))


def test_errors_say_where_in_the_expression() -> None:
    assert error_of("satisfaction >= 4 and wait_p09_min <= 30").position == 23
    assert "at character 23: unknown KPI or budget \"wait_p09_min\"" in str(
        error_of("satisfaction >= 4 and wait_p09_min <= 30"))
    assert error_of("cost <= budget +").position is not None


def test_oversized_and_deeply_nested_input_is_refused_not_crashing() -> None:
    assert "longer than" in str(error_of("cost > " + "1 + " * MAX_LENGTH + "1"))
    assert "nested" in str(error_of("abs(" * 60 + "cost" + ")" * 60 + " > 1"))
    assert "nested" in str(error_of("-" * 200 + "cost > 1"))


def test_nothing_a_user_writes_is_executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    attempts = [
        "open('x', 'w') is None",
        "__import__('os').system('touch y') == 0",
        "().__class__.__base__.__subclasses__() == 0",
        "exec('open(\"z\", \"w\")') == 0",
    ]
    for text in attempts:
        with pytest.raises(ExpressionError):
            parse_expression(text, KPIS).evaluate(VALUES)
    assert os.listdir(tmp_path) == []
