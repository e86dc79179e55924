"""The vocabulary of run-time conditions: pricing rules, state-triggered rules and reviews.

Conditions are written in the safe expression language of :mod:`stratsim.strategy.expressions`
and parsed once, at load; this module says which names and functions they may use and what each
means at run time (``docs/model.md``, "Strategy at run time"):

* **time names** — ``t`` (hours since the clock start, fractional), ``hour`` (0–23), ``minute``
  (0–59), ``weekday`` (0 = Monday), ``day`` (whole days since the start, from 0), ``week``
  (whole weeks since the start, from 0);
* **instantaneous state** of a service, as it stands at the evaluation — ``queue(s)`` customers
  waiting, ``busy(s)`` servers busy, ``staff(s)`` staff on duty (surge included), ``price(s)`` the
  service's price (list price × price factors; promotions' discounts are per segment and not in
  it);
* **state over a recent window** (the rule's or review's ``window``, by default its ``every``) —
  ``utilization(s)`` (0–1), ``wait_mean(s)`` and ``wait_p90(s)`` (minutes, of the customers who
  started service in the window), ``served(s)`` (services completed in the window),
  ``revenue(s)``, ``margin(s)`` (revenue − cost of the window, money) and ``satisfaction(s)`` (1–5,
  of the outcomes in the window). They are undefined (the condition then does not hold) where
  nothing happened to average over.

Pricing rules have no window: their conditions use the time names and the instantaneous
functions only. In a review, the name ``service`` stands for the service being reviewed.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterator, Mapping

from stratsim.clock import DAYS_PER_WEEK, HOURS_PER_DAY, MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK
from stratsim.strategy.expressions import (
    STANDARD_FUNCTIONS,
    Expression,
    Function,
    Value,
    Vocabulary,
)

TIME_NAMES = ("t", "hour", "minute", "weekday", "day", "week")
"""Names of the clock, in every condition."""
INSTANT_FUNCTIONS = ("queue", "busy", "staff", "price")
"""State functions read at the instant of evaluation."""
WINDOW_FUNCTIONS = (
    "utilization", "wait_mean", "wait_p90", "served", "revenue", "margin", "satisfaction",
)
"""State functions measured over the rule's recent window."""
SERVICE = "service"
"""In a review, the name of the service being reviewed."""


def _service_functions(names: tuple[str, ...]) -> dict[str, Function]:
    return {name: Function(name, 1, 1, takes_text=True) for name in names}


def _vocabulary(functions: tuple[str, ...], text_names: frozenset[str] = frozenset()) -> Vocabulary:
    return Vocabulary(
        frozenset(TIME_NAMES),
        {**STANDARD_FUNCTIONS, **_service_functions(functions)},
        string_arguments=True,
        what="name",
        example="margin(service) < 0" if text_names else "queue('helpdesk') > 15",
        text_names=text_names,
    )


PRICING_VOCABULARY = _vocabulary(INSTANT_FUNCTIONS)
"""A pricing rule's ``when``: time names and instantaneous state."""
RULE_VOCABULARY = _vocabulary(INSTANT_FUNCTIONS + WINDOW_FUNCTIONS)
"""A state-triggered rule's ``when`` and price expressions."""
REVIEW_VOCABULARY = _vocabulary(INSTANT_FUNCTIONS + WINDOW_FUNCTIONS, frozenset({SERVICE}))
"""A review's ``when`` and expressions: a rule's, plus ``service``."""


def clock_values(t: float) -> dict[str, float]:
    """The time names at time ``t`` (hours since Monday 00:00).

    Calendar names count whole minutes, so a time a rounding error short of 08:00 is 08:00.
    """
    minutes = math.floor(t * MINUTES_PER_HOUR + 1e-6)
    days = minutes // MINUTES_PER_DAY
    return {
        "t": t,
        "hour": float((minutes // MINUTES_PER_HOUR) % HOURS_PER_DAY),
        "minute": float(minutes % MINUTES_PER_HOUR),
        "weekday": float(days % DAYS_PER_WEEK),
        "day": float(days),
        "week": float(minutes // MINUTES_PER_WEEK),
    }


def calls(expression: Expression) -> Iterator[ast.Call]:
    """Every function call in an expression, outermost first."""
    for node in ast.walk(expression.body):
        if isinstance(node, ast.Call):
            yield node


def function_name(call: ast.Call) -> str:
    return call.func.id  # type: ignore[attr-defined]  # checked: a Name


def service_arguments(expression: Expression) -> Iterator[tuple[ast.Call, ast.expr]]:
    """``(call, argument)`` for every argument of a state function (a quoted id or ``service``)."""
    for call in calls(expression):
        if function_name(call) in INSTANT_FUNCTIONS + WINDOW_FUNCTIONS:
            for argument in call.args:
                yield call, argument


def quoted_services(expression: Expression) -> set[str]:
    """The service ids an expression names in quotes."""
    return {a.value for _, a in service_arguments(expression)
            if isinstance(a, ast.Constant) and isinstance(a.value, str)}


def uses_state(expression: Expression) -> bool:
    """Whether the expression reads any service state (else it depends on time alone)."""
    return any(True for _ in service_arguments(expression))


def uses_function(expression: Expression, name: str) -> bool:
    return any(function_name(call) == name for call in calls(expression))


def condition_values(expression: Expression, values: Mapping[str, float | str | None],
                     functions: Mapping[str, Callable[..., float | None]]) -> list[tuple[str, Value]]:
    """What a condition saw: each time name and state call it uses, as written, with its value.

    Listed once each, in the order they appear; the ``service`` name of a review is not listed
    (the log names the service).
    """
    seen: dict[str, Value] = {}
    for node in sorted(ast.walk(expression.body), key=lambda n: (n.lineno, n.col_offset)
                       if hasattr(n, "lineno") else (0, 0)):
        if isinstance(node, ast.Call) and function_name(node) in INSTANT_FUNCTIONS + WINDOW_FUNCTIONS:
            text = expression.source(node)
        elif isinstance(node, ast.Name) and node.id in TIME_NAMES:
            text = node.id
        else:
            continue
        if text not in seen:
            seen[text] = expression.evaluate_part(node, values, functions)  # type: ignore[arg-type]
    return list(seen.items())


def format_values(seen: list[tuple[str, Value]]) -> str:
    """``"queue('helpdesk')=17; hour=9"``: a condition's values for the log."""
    return "; ".join(f"{text}={_number(value)}" for text, value in seen)


def _number(value: Value) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:.6g}"
