"""Features the models accept but this release does not simulate: one located error each."""

from __future__ import annotations

import re
from typing import Any

import pytest
from scenario_testkit import dump, issues_of, only

from stratsim.scenario import load_scenario_text
from stratsim.scenario.support import UNSUPPORTED, unsupported_features

CASES: list[tuple[tuple[Any, ...], Any, str]] = [
    (("services", 0, "status"), "pipeline", "services[helpdesk].status"),
    (("services", 0, "status"), "retired", "services[helpdesk].status"),
    (("services", 0, "launch"), "14d", "services[helpdesk].launch"),
    (("services", 0, "retire"), "20d", "services[helpdesk].retire"),
    (("services", 0, "fallback"), "identity", "services[helpdesk].fallback"),
    (("services", 0, "costs", "launch"), 20000, "services[helpdesk].costs.launch"),
    (("segments", 1, "customers"), 1200, "segments[retail].customers"),
    (("strategy", "position", "target_segments"), ["retail"],
     "strategy.position.target_segments"),
    (("strategy", "plan", "actions"), [{"at": "7d", "launch": "helpdesk"}],
     "strategy.plan.actions[0].launch"),
]  # fmt: skip


def put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node: Any = data
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(("path", "value", "where"), CASES, ids=[c[2] for c in CASES])
def test_each_unsupported_feature_is_a_located_error(
    valid_data: dict[str, Any], path: tuple[Any, ...], value: Any, where: str
) -> None:
    text = dump(put(valid_data, path, value))
    issue = only(issues_of(text), where)
    assert issue.message.startswith("not supported yet (")
    assert issue.message.endswith("; remove it to run this scenario")
    key = where.rsplit(".", 1)[-1]
    assert issue.line is not None and key in text.splitlines()[issue.line - 1]


def test_every_table_line_is_covered_by_a_test() -> None:
    patterns = {p.replace("[*]", "") for p, _, _ in UNSUPPORTED}
    covered = {re.sub(r"\[[^]]+\]", "", c[2]) for c in CASES}
    assert patterns == covered


def test_supported_values_and_defaults_are_not_reported(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0].update(depends_on=[], status="catalogue", launch=None, fallback=None)
    valid_data["services"][0]["costs"]["launch"] = 0
    valid_data["segments"][1].update(flexibility=0, customers=None)
    valid_data["strategy"]["plan"] = {"actions": [], "pricing": [], "promotions": []}
    scenario = load_scenario_text(dump(valid_data))
    assert unsupported_features(scenario) == []


def test_the_strategy_at_run_time_is_supported(valid_data: dict[str, Any]) -> None:
    valid_data["segments"][1]["flexibility"] = 0.2
    valid_data["strategy"]["plan"] = {
        "actions": [{"at": "7d", "set_staff": {"helpdesk": 6}}, {"at": "8d", "retire": "identity"}],
        "pricing": [{"services": ["helpdesk"], "when": "hour < 8", "factor": 0.8}],
        "promotions": [{"segments": ["retail"], "services": ["helpdesk"], "from": "1d", "to": "2d",
                        "post_dip": {"for": "1d", "share": 0.1}}]}
    valid_data["strategy"]["pattern"].update(
        rules=[{"name": "surge", "every": "1h", "when": "queue('helpdesk') > 5",
                "then": {"add_staff": {"helpdesk": 1}}, "max_staff": 8}],
        reviews=[{"name": "review", "every": "7d", "when": "margin(service) < 0",
                  "then": {"retire": "service"}}])
    scenario = load_scenario_text(dump(valid_data))
    assert unsupported_features(scenario) == []


def test_perspective_objectives_constraints_and_budget_are_supported(valid_data: dict[str, Any]) -> None:
    valid_data["strategy"]["perspective"].update(
        objectives={"profit": 1, "satisfaction": 1}, constraints=["satisfaction >= 4", "cost <= budget"])
    valid_data["strategy"]["plan"] = {"budget": {"per_month": 9000}}
    scenario = load_scenario_text(dump(valid_data))
    assert unsupported_features(scenario) == []
    assert scenario.strategy.perspective.constraints == ["satisfaction >= 4", "cost <= budget"]


def test_message_format_on_a_model(valid_data: dict[str, Any]) -> None:
    findings = unsupported_features(put(valid_data, ("segments", 0, "customers"), 5))
    assert [str(f) for f in findings] == [
        "segments[0].customers: not supported yet (customer bases and churn are planned); "
        "remove it to run this scenario"
    ]


def test_reported_together_with_field_errors(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["staff"] = -2
    valid_data["services"][0]["fallback"] = "identity"
    paths = {i.path for i in issues_of(dump(valid_data))}
    assert paths == {"services[helpdesk].staff", "services[helpdesk].fallback"}
