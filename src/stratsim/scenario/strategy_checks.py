"""Whole-scenario checks of the strategy at run time: plan actions, pricing, promotions, rules.

Like :mod:`stratsim.scenario.checks` (which runs these with the others), every check works on the
plain data of the file, tolerates values of the wrong type (field errors, reported elsewhere) and
returns located findings, so one pass reports every mistake. Every condition and expression is
parsed here, at load, with the vocabulary of its place (:mod:`stratsim.strategy.conditions`):
nothing a user writes is ever executed, and an unknown name, function or service is an error
before anything runs.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from typing import Any

from stratsim.strategy.conditions import (
    PRICING_VOCABULARY,
    REVIEW_VOCABULARY,
    RULE_VOCABULARY,
    WINDOW_FUNCTIONS,
    function_name,
    service_arguments,
)
from stratsim.strategy.expressions import CONDITION, NUMBER, ExpressionError, Kind, Vocabulary, parse_expression

from .durations import parse_duration
from .paths import Finding, Path, format_path, show

_PLAN: Path = ("strategy", "plan")
_PATTERN: Path = ("strategy", "pattern")
ACTION_KEYS = ("set_staff", "set_price", "set_price_factor", "retire", "launch")
PRICED_ACTIONS = ("set_price", "set_price_factor")


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _mappings(value: Any) -> list[tuple[int, dict[Any, Any]]]:
    return [(i, item) for i, item in enumerate(value if isinstance(value, list) else [])
            if isinstance(item, dict)]


def _hours(value: Any) -> float | None:
    try:
        return parse_duration(value)
    except ValueError:
        return None


def _unknown_service(sc: Any, ref: Any) -> str:
    from .checks import _unknown  # the one did-you-mean message of the checks

    return _unknown("service", ref, sc.service_ids)


def _internal(sc: Any) -> set[str]:
    return {svc["id"] for _, svc in sc.services
            if isinstance(svc.get("id"), str) and svc.get("internal") is True}


def check_expression(text: Any, vocabulary: Vocabulary, path: Path, sc: Any,
                     expect: Kind = CONDITION, what: str = "condition") -> Iterator[Finding]:
    """Parse one expression; report it, and every quoted service id it names that is unknown."""
    if not isinstance(text, str):
        return
    try:
        expression = parse_expression(text, vocabulary, expect)
    except ExpressionError as error:
        yield Finding(path, f"invalid {what} {show(text)}, {_explain(text, vocabulary, error)}")
        return
    for call, argument in service_arguments(expression):
        if isinstance(argument, ast.Constant) and argument.value not in sc.service_ids:
            yield Finding(path, f"invalid {what} {show(text)}: in {expression.source(call)}, "
                                f"{_unknown_service(sc, argument.value)}")


def _explain(text: str, vocabulary: Vocabulary, error: ExpressionError) -> str:
    """The parser's message; for a pricing condition using a windowed function, why not."""
    if vocabulary is PRICING_VOCABULARY:
        try:
            expression = parse_expression(text, RULE_VOCABULARY)
        except ExpressionError:
            return str(error)
        windowed = sorted({function_name(call) for call, _ in service_arguments(expression)
                           if function_name(call) in WINDOW_FUNCTIONS})
        return (f"{', '.join(windowed)} looks over a recent window, which pricing rules do not "
                "have: a pricing condition uses the time and queue, busy, staff, price; use a rule "
                "(strategy.pattern.rules) with set_price_factor instead")
    return str(error)


def _service_keys(sc: Any, mapping: Any, path: Path, priced: bool = False) -> Iterator[Finding]:
    internal = _internal(sc)
    for key in _dict(mapping):
        if key not in sc.service_ids:
            yield Finding(path + (key,), _unknown_service(sc, key))
        elif priced and key in internal:
            yield Finding(path + (key,), f"service {show(key)} is internal: it has no price to set")


def _actions(sc: Any) -> Iterator[Finding]:
    horizon = _hours(sc.data.get("horizon"))
    seen: dict[tuple[float, str, str], int] = {}
    for i, action in _mappings(sc.section("plan").get("actions")):
        base = _PLAN + ("actions", i)
        at = _hours(action.get("at"))
        if at is not None and horizon is not None and at >= horizon:
            yield Finding(base + ("at",), f"the action at {at:g}h is not before the horizon "
                                          f"({horizon:g}h): it would never apply")
        for kind in ACTION_KEYS:
            value = action.get(kind)
            if value is None:
                continue
            if kind in ("retire", "launch"):
                targets = [value] if isinstance(value, str) else []
                for target in targets:
                    if target not in sc.service_ids:
                        yield Finding(base + (kind,), _unknown_service(sc, target))
            else:
                yield from _service_keys(sc, value, base + (kind,), kind in PRICED_ACTIONS)
                targets = [k for k in _dict(value) if isinstance(k, str)]
            for target in targets:
                if at is None:
                    continue
                key = (at, kind, target)
                if key in seen:
                    other = format_path(_PLAN + ("actions", seen[key]))
                    yield Finding(base + (kind,), f"{kind} of service {show(target)} at {at:g}h is "
                                                  f"also in {other}: one action per service, kind "
                                                  "and time")
                else:
                    seen[key] = i


def _pricing(sc: Any) -> Iterator[Finding]:
    internal = _internal(sc)
    for i, rule in _mappings(sc.section("plan").get("pricing")):
        base = _PLAN + ("pricing", i)
        yield from check_expression(rule.get("when"), PRICING_VOCABULARY, base + ("when",), sc)
        for m, ref in enumerate(rule.get("services") if isinstance(rule.get("services"), list) else []):
            if ref in internal:
                yield Finding(base + ("services", m), f"service {show(ref)} is internal: it has no "
                                                      "price to set")


def _promotions(sc: Any) -> Iterator[Finding]:
    horizon = _hours(sc.data.get("horizon"))
    mixes = {seg["id"]: _dict(seg.get("mix")) for _, seg in sc.segments if isinstance(seg.get("id"), str)}
    for i, promotion in _mappings(sc.section("plan").get("promotions")):
        base = _PLAN + ("promotions", i)
        start = _hours(promotion.get("from"))
        if start is not None and horizon is not None and start >= horizon:
            yield Finding(base + ("from",), f"the promotion starts at {start:g}h, not before the "
                                            f"horizon ({horizon:g}h): it would never run")
        segments = [s for s in promotion.get("segments") or [] if isinstance(s, str) and s in mixes]
        services = [s for s in promotion.get("services") or [] if isinstance(s, str) and s in sc.service_ids]
        if segments and services and not any(_share(mixes[g].get(s)) > 0 for g in segments for s in services):
            yield Finding(base, f"no segment of {show(segments)} asks for any service of "
                                f"{show(services)} (see their mix): the promotion would reach nobody")


def _share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return 0.0
    return float(value)


def _rules(sc: Any) -> Iterator[Finding]:
    for i, rule in _mappings(sc.section("pattern").get("rules")):
        base = _PATTERN + ("rules", i)
        yield from check_expression(rule.get("when"), RULE_VOCABULARY, base + ("when",), sc)
        then = _dict(rule.get("then"))
        yield from _service_keys(sc, then.get("add_staff"), base + ("then", "add_staff"))
        factors = then.get("set_price_factor")
        yield from _service_keys(sc, factors, base + ("then", "set_price_factor"), priced=True)
        for key, value in _dict(factors).items():
            yield from check_expression(value, RULE_VOCABULARY, base + ("then", "set_price_factor", key),
                                        sc, NUMBER, "price factor")


def _reviews(sc: Any) -> Iterator[Finding]:
    for i, review in _mappings(sc.section("pattern").get("reviews")):
        base = _PATTERN + ("reviews", i)
        yield from check_expression(review.get("when"), REVIEW_VOCABULARY, base + ("when",), sc)
        then = _dict(review.get("then"))
        for key, what in (("set_price_factor", "price factor"), ("set_staff", "staff level")):
            yield from check_expression(then.get(key), REVIEW_VOCABULARY, base + ("then", key), sc,
                                        NUMBER, what)
        services = review.get("services")
        for m, ref in enumerate(services if isinstance(services, list) else []):
            if isinstance(ref, str) and ref not in sc.service_ids:
                yield Finding(base + ("services", m), _unknown_service(sc, ref))


def _labels(sc: Any) -> Iterator[Finding]:
    """Names label the log and the summary, and order simultaneous rules: unique across kinds."""
    seen: dict[str, Path] = {}
    sections = ((_PLAN, "actions"), (_PLAN, "pricing"), (_PLAN, "promotions"),
                (_PATTERN, "rules"), (_PATTERN, "reviews"))
    for section, key in sections:
        for i, item in _mappings(sc.section(section[-1]).get(key)):
            name = item.get("name")
            label = name if isinstance(name, str) else format_path((key, i))
            path = section + (key, i, "name") if isinstance(name, str) else section + (key, i)
            if label in seen:
                yield Finding(path, f"name {show(label)} is also used by {format_path(seen[label])}; "
                                    "strategy items need distinct names")
            else:
                seen[label] = path


STRATEGY_CHECKS = (_actions, _pricing, _promotions, _rules, _reviews, _labels)
"""The strategy checks, in reporting order (run after the cross-reference checks)."""
