"""The perspective at load: objective KPIs and constraint expressions checked, errors located."""

from __future__ import annotations

from typing import Any

from scenario_testkit import dump, issues_of, only, position

from stratsim.scenario import load_scenario_text

PERSPECTIVE = """\
  perspective:
    vision: Most trusted internal IT provider
    objectives: {profit: 0.4, satisfaction: 0.4, sla_attainment: 0.2}
    constraints: ["satisfaction >= 4.0", "cost <= budget", "wait_p90_min <= 30"]
  plan:
    budget: {per_month: 90000}
"""


def with_perspective(valid_text: str, perspective: str = PERSPECTIVE) -> str:
    block = "  perspective:\n    vision: Most trusted internal IT provider\n"
    assert block in valid_text
    return valid_text.replace(block, perspective)


def test_objectives_constraints_and_budget_load(valid_text: str) -> None:
    scenario = load_scenario_text(with_perspective(valid_text))
    perspective = scenario.strategy.perspective
    assert perspective.objectives == {"profit": 0.4, "satisfaction": 0.4, "sla_attainment": 0.2}
    assert perspective.constraints == ["satisfaction >= 4.0", "cost <= budget", "wait_p90_min <= 30"]
    assert scenario.strategy.plan.budget is not None and scenario.strategy.plan.budget.per_month == 90000


def test_unknown_kpi_in_a_constraint_is_located_with_did_you_mean(valid_text: str) -> None:
    text = with_perspective(valid_text).replace('"wait_p90_min <= 30"', '"wait_p09_min <= 30"')
    issue = only(issues_of(text), "strategy.perspective.constraints[2]")
    assert (issue.line, issue.column) == position(text, '"wait_p09_min')
    assert 'unknown KPI or budget "wait_p09_min" (did you mean "wait_p90_min"?)' in issue.message
    assert "at character 1" in issue.message


def test_unknown_function_and_unsafe_constraints_are_located_and_never_run(valid_text: str) -> None:
    unsafe = ["__import__('os')", "().__class__", "open('x')", "sqrt(cost) > 1"]
    constraints = ", ".join(f'"{c}"' for c in unsafe)
    text = with_perspective(valid_text).replace(
        '["satisfaction >= 4.0", "cost <= budget", "wait_p90_min <= 30"]', f"[{constraints}]")
    issues = issues_of(text)
    expected = ["double underscore", "attribute access", 'unknown function "open"', 'unknown function "sqrt"']
    for i, (constraint, message) in enumerate(zip(unsafe, expected)):
        issue = only(issues, f"strategy.perspective.constraints[{i}]")
        assert message in issue.message and issue.message.startswith("invalid constraint")
        assert (issue.line, issue.column) == position(text, f'"{constraint}"')


def test_budget_in_a_constraint_needs_a_plan_budget(valid_text: str) -> None:
    text = with_perspective(valid_text).replace("  plan:\n    budget: {per_month: 90000}\n", "")
    issue = only(issues_of(text), "strategy.perspective.constraints[1]")
    assert "uses budget, but strategy.plan.budget is not set" in issue.message


def test_objective_names_are_checked(valid_text: str) -> None:
    text = with_perspective(valid_text).replace(
        "{profit: 0.4, satisfaction: 0.4, sla_attainment: 0.2}",
        "{proft: 0.4, utilization: 0.4, arrivals: 0.2}")
    issues = issues_of(text)
    typo = only(issues, "strategy.perspective.objectives.proft")
    assert 'unknown objective KPI "proft" (did you mean "profit"?)' in typo.message
    assert (typo.line, typo.column) == position(text, "proft")
    assert "reported per service only" in only(issues, "strategy.perspective.objectives.utilization").message
    assert "better neither higher nor lower" in only(issues, "strategy.perspective.objectives.arrivals").message


def test_weights_must_be_positive(valid_data: dict[str, Any]) -> None:
    valid_data["strategy"]["perspective"]["objectives"] = {"profit": 0}
    issue = only(issues_of(dump(valid_data)), "strategy.perspective.objectives.profit")
    assert "> 0" in issue.message


def test_constraint_errors_come_with_the_other_errors_in_one_pass(valid_text: str) -> None:
    text = with_perspective(valid_text).replace("staff: 5", "staff: -5").replace(
        '"cost <= budget"', '"cost <= budgt"')
    paths = {issue.path for issue in issues_of(text)}
    assert {"services[helpdesk].staff", "strategy.perspective.constraints[1]"} <= paths
