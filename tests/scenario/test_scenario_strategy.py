"""The plan's actions, pricing and promotions and the pattern's rules and reviews, checked at load.

Every condition and expression is parsed when the file is loaded; an unsafe or invalid one is a
located error naming its field (exit status 2 from the command line), and is never executed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from scenario_testkit import dump, issues_of, only

from stratsim.cli import main
from stratsim.scenario import load_scenario_text

RULE = {"name": "surge", "every": "1h", "when": "queue('helpdesk') > 15",
        "then": {"add_staff": {"helpdesk": 2}, "for": "4h"}, "cooldown": "4h", "max_staff": 10}
REVIEW = {"name": "quarterly", "every": "7d", "when": "margin(service) < 0", "then": {"retire": "service"}}
PRICING = {"name": "off-peak", "services": ["helpdesk"], "when": "hour < 8 or hour >= 18", "factor": 0.8}


def with_strategy(valid_data: dict[str, Any], plan: dict | None = None, pattern: dict | None = None) -> dict:
    strategy = valid_data.setdefault("strategy", {})
    if plan:
        strategy.setdefault("plan", {}).update(plan)
    if pattern:
        strategy.setdefault("pattern", {}).update(pattern)
    return valid_data


def test_a_full_strategy_loads(valid_data: dict[str, Any]) -> None:
    data = with_strategy(valid_data, {
        "actions": [{"at": "7d", "set_staff": {"helpdesk": 6}}, {"at": "8d", "set_price": {"helpdesk": 42}}],
        "pricing": [PRICING],
        "promotions": [{"name": "spring", "segments": ["retail"], "services": ["helpdesk"],
                        "from": "14d", "to": "21d", "uplift": 0.3, "discount": 0.1, "cost": 5000}]},
        {"rules": [RULE, {"name": "dynamic", "every": "30min", "window": "2h",
                          "when": "wait_p90('helpdesk') > 20",
                          "then": {"set_price_factor": {"helpdesk": "1 + queue('helpdesk') / 50"}},
                          "floor": 0.8, "ceiling": 1.5}],
         "reviews": [REVIEW, {"name": "staffing", "every": "7d", "when": "utilization(service) > 0.9",
                              "then": {"set_staff": "staff(service) + 1"}, "max_staff": 12}]})
    scenario = load_scenario_text(dump(data))
    assert scenario.strategy.pattern.rules[0].then.for_ == 4.0
    assert scenario.strategy.plan.actions[0].at == 168.0


WHERE = [
    ("plan", "pricing", PRICING, ("when",), "strategy.plan.pricing[0].when"),
    ("pattern", "rules", RULE, ("when",), "strategy.pattern.rules[0].when"),
    ("pattern", "rules", {**RULE, "then": {"set_price_factor": {"helpdesk": "1"}}},
     ("then", "set_price_factor", "helpdesk"), "strategy.pattern.rules[0].then.set_price_factor.helpdesk"),
    ("pattern", "reviews", REVIEW, ("when",), "strategy.pattern.reviews[0].when"),
    ("pattern", "reviews", {**REVIEW, "then": {"set_staff": "1"}}, ("then", "set_staff"),
     "strategy.pattern.reviews[0].then.set_staff"),
]
UNSAFE = [
    ("__import__('os').system('touch {marker}') == 0", "attribute access"),
    ("__import__('os') == 0", "names with a double underscore are not allowed: __import__"),
    ("open('{marker}', 'w') == 0", 'unknown function "open"'),
    ("().__class__.__bases__[0] == 0", "subscripts ([...]) are not allowed"),
    ("() == 0", "tuples are not allowed"),
    ("queue('helpdesk').real > 0", "attribute access"),
    ("(lambda: 1)() > 0", "lambdas are not allowed"),
    ("[x for x in (1,)] == 0", "comprehensions are not allowed"),
    ("9 ** 9 ** 9 > 0", "** (power)"),
]


def _put(item: dict, path: tuple[str, ...], value: str) -> dict:
    item = {**item}
    node = item
    for key in path[:-1]:
        node[key] = dict(node[key])
        node = node[key]
    node[path[-1]] = value
    return item


@pytest.mark.parametrize(("section", "key", "item", "path", "where"), WHERE, ids=[w[4] for w in WHERE])
@pytest.mark.parametrize(("text", "reason"), UNSAFE, ids=[u[1] for u in UNSAFE])
def test_unsafe_expressions_are_refused_at_load_and_never_run(
    valid_data: dict[str, Any], tmp_path: Path, section: str, key: str, item: dict,
    path: tuple[str, ...], where: str, text: str, reason: str,
) -> None:
    marker = tmp_path / "pwned"
    expression = text.format(marker=marker)
    if path[-1] != "when":   # a number is expected there
        expression = expression.replace(" == 0", "").replace(" > 0", "")
    data = with_strategy(valid_data, **{section: {key: [_put(item, path, expression)]}})
    file = tmp_path / "bad.yaml"
    file.write_text(dump(data), encoding="utf-8")
    issue = only(issues_of(dump(data)), where)
    assert reason in issue.message and issue.line is not None
    result = CliRunner().invoke(main, ["validate", str(file)])
    assert result.exit_code == 2 and where in result.output
    assert not marker.exists()


@pytest.mark.parametrize(("plan", "pattern", "where", "message"), [
    ({"actions": [{"at": "1d", "set_staff": {"helpdesk": 2}, "set_price": {"helpdesk": 3}}]}, None,
     "strategy.plan.actions[0]", "exactly one of set_staff, set_price, set_price_factor, retire, launch"),
    ({"actions": [{"at": "1d"}]}, None, "strategy.plan.actions[0]", "got none"),
    ({"actions": [{"at": "1d", "set_staff": {"helpdsk": 2}}]}, None,
     "strategy.plan.actions[0].set_staff.helpdsk", 'did you mean "helpdesk"'),
    ({"actions": [{"at": "1d", "retire": "helpdsk"}]}, None, "strategy.plan.actions[0].retire", "unknown service"),
    ({"actions": [{"at": "1d", "set_price": {"identity": 5}}]}, None,
     "strategy.plan.actions[0].set_price.identity", "internal: it has no price"),
    ({"actions": [{"at": "1d", "set_staff": {"helpdesk": 2}}, {"at": "24h", "set_staff": {"helpdesk": 3}}]},
     None, "strategy.plan.actions[1].set_staff", "one action per service, kind and time"),
    ({"actions": [{"at": "40d", "set_staff": {"helpdesk": 2}}]}, None, "strategy.plan.actions[0].at",
     "not before the horizon"),
    ({"actions": [{"at": "1d", "set_price_factor": {"helpdesk": 0}}]}, None,
     "strategy.plan.actions[0].set_price_factor.helpdesk", "expected a number > 0"),
    ({"pricing": [{**PRICING, "when": "wait_mean('helpdesk') > 10"}]}, None, "strategy.plan.pricing[0].when",
     "wait_mean looks over a recent window"),
    ({"pricing": [{**PRICING, "when": "queue('helpdsk') > 3"}]}, None, "strategy.plan.pricing[0].when",
     'unknown service "helpdsk" (did you mean "helpdesk"?)'),
    ({"promotions": [{"segments": ["retail"], "services": ["identity"], "from": "1d", "to": "2d"}]}, None,
     "strategy.plan.promotions[0]", "the promotion would reach nobody"),
    (None, {"rules": [{**RULE, "when": "hour"}]}, "strategy.pattern.rules[0].when",
     "expected a condition such as queue('helpdesk') > 15"),
    (None, {"rules": [{**RULE, "when": "queue(helpdesk) > 1"}]}, "strategy.pattern.rules[0].when",
     "takes a quoted id"),
    (None, {"rules": [{**RULE, "then": {"set_price_factor": {"helpdesk": 1.1}, "for": "1h"}}]},
     "strategy.pattern.rules[0].then", "for applies to add_staff only"),
    (None, {"rules": [{**RULE, "floor": 2, "ceiling": 1}]}, "strategy.pattern.rules[0]",
     "floor (2) must not be above ceiling (1)"),
    (None, {"rules": [RULE, RULE]}, "strategy.pattern.rules[1].name", 'name "surge" is also used'),
    (None, {"rules": [{**RULE, "then": {"add_staff": {"helpdesk": 0}}}]},
     "strategy.pattern.rules[0].then.add_staff.helpdesk", "≥ 1"),
    (None, {"reviews": [{**REVIEW, "when": "service > 0"}]}, "strategy.pattern.reviews[0].when",
     "service is text"),
    (None, {"reviews": [{**REVIEW, "then": {"retire": "helpdesk"}}]}, "strategy.pattern.reviews[0].then.retire",
     "expected 'service'"),
    (None, {"reviews": [{**REVIEW, "services": ["helpdsk"]}]}, "strategy.pattern.reviews[0].services[0]",
     "unknown service"),
])
def test_invalid_plans_and_patterns_are_located(valid_data: dict[str, Any], plan: dict | None,
                                                 pattern: dict | None, where: str, message: str) -> None:
    issue = only(issues_of(dump(with_strategy(valid_data, plan, pattern))), where)
    assert message in issue.message and issue.line is not None


def test_every_mistake_is_reported_in_one_pass(valid_data: dict[str, Any]) -> None:
    data = with_strategy(valid_data, {"pricing": [{**PRICING, "when": "hour <"}]},
                         {"rules": [{**RULE, "when": "queue('x') > 1"}],
                          "reviews": [{**REVIEW, "every": "-1d"}]})
    data["services"][0]["staff"] = -1
    paths = {issue.path for issue in issues_of(dump(data))}
    assert {"services[helpdesk].staff", "strategy.plan.pricing[0].when", "strategy.pattern.rules[0].when",
            "strategy.pattern.reviews[0].every"} <= paths


@pytest.mark.parametrize("name", ["offpeak", "promotion", "surge", "quarterly-review"])
def test_the_shipped_strategy_variants_load(name: str) -> None:
    from stratsim.scenario import load_scenario

    scenario = load_scenario(Path(__file__).parents[2] / "scenarios" / f"helpdesk-{name}.yaml")
    strategy = scenario.strategy
    assert strategy.plan.pricing or strategy.plan.promotions or strategy.pattern.rules or strategy.pattern.reviews
