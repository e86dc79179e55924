"""Lifecycle and complaint fields that contradict each other: located errors, all in one pass."""

from __future__ import annotations

from typing import Any

import pytest
from scenario_testkit import dump, issues_of, only

from click.testing import CliRunner

from stratsim.cli import main
from stratsim.scenario import load_scenario_text


def test_a_consistent_lifecycle_and_relationship_load(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0].update(status="pipeline", launch="14d", retire="20d", fallback="identity")
    valid_data["segments"][1].update(customers=1200, complaints={"desk": "identity"})
    scenario = load_scenario_text(dump(valid_data))
    assert scenario.segments[1].complaints.probability == 0.2   # the documented defaults
    assert scenario.segments[1].complaints.churn == 0.25


@pytest.mark.parametrize(("change", "path", "words"), [
    ({"launch": "14d"}, "services[helpdesk].launch", "only a pipeline service is launched"),
    ({"status": "retired", "launch": "14d"}, "services[helpdesk].launch", "status \"retired\""),
    ({"status": "retired", "retire": "14d"}, "services[helpdesk].retire", "already retired at time 0"),
    ({"status": "pipeline", "retire": "14d"}, "services[helpdesk].retire", "never launched before"),
    ({"fallback": "helpdesk"}, "services[helpdesk].fallback", "cannot fall back to itself"),
    ({"fallback": "chatbot"}, "services[helpdesk].fallback", "unknown service \"chatbot\""),
])
def test_each_contradiction_is_a_located_error(valid_data: dict[str, Any], change: dict, path: str,
                                               words: str) -> None:
    valid_data["services"][0].update(change)
    text = dump(valid_data)
    issue = only(issues_of(text), path, words)
    key = path.rsplit(".", 1)[-1]
    assert issue.line is not None and key in text.splitlines()[issue.line - 1]


def test_a_loop_of_fallbacks_is_named(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["fallback"] = "identity"
    valid_data["services"][1]["fallback"] = "helpdesk"
    issue = only(issues_of(dump(valid_data)), "services[helpdesk].fallback")
    assert "helpdesk → identity → helpdesk" in issue.message


def test_a_plan_can_launch_only_a_pipeline_service(valid_data: dict[str, Any]) -> None:
    valid_data["strategy"]["plan"] = {"actions": [{"at": "7d", "launch": "helpdesk"}]}
    issue = only(issues_of(dump(valid_data)), "strategy.plan.actions[0].launch")
    assert "only a pipeline service can be launched" in issue.message
    valid_data["services"][0]["status"] = "pipeline"
    valid_data["services"][0]["retire"] = "14d"   # launched by the plan before: fine
    load_scenario_text(dump(valid_data))


def test_a_complaints_desk_must_exist_and_not_be_asked_for(valid_data: dict[str, Any]) -> None:
    valid_data["segments"][0]["complaints"] = {"desk": "helpdesk"}
    valid_data["segments"][1]["complaints"] = {"desk": "complaints"}
    issues = issues_of(dump(valid_data))
    assert "is in the mix" in only(issues, "segments[enterprise].complaints.desk").message
    assert "unknown service \"complaints\"" in only(issues, "segments[retail].complaints.desk").message


def test_field_limits_of_the_relationship(valid_data: dict[str, Any]) -> None:
    valid_data["segments"][1].update(customers=0, complaints={"probability": 1.5, "churn": -0.1})
    paths = {issue.path for issue in issues_of(dump(valid_data))}
    assert {"segments[retail].customers", "segments[retail].complaints.probability",
            "segments[retail].complaints.churn"} <= paths


def test_every_error_in_one_pass_with_exit_2(valid_data: dict[str, Any], tmp_path) -> None:
    valid_data["services"][0].update(status="retired", launch="14d", retire="20d", fallback="identity")
    valid_data["services"][1]["fallback"] = "helpdesk"
    valid_data["segments"][1]["complaints"] = {"desk": "nowhere"}
    path = tmp_path / "broken.yaml"
    path.write_text(dump(valid_data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    for where in ("services[helpdesk].launch", "services[helpdesk].retire", "services[helpdesk].fallback",
                  "segments[retail].complaints.desk"):
        assert where in result.output, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
