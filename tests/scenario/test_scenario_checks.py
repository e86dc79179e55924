"""Cross-reference and whole-scenario checks, each located at the offending value."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from scenario_testkit import dump, issues_of, only

from stratsim.scenario import Scenario
from stratsim.scenario.checks import check_scenario


def located_issue(data: dict[str, Any], path: str, *needles: str) -> None:
    """Assert one issue at ``path``, on a line of the file, whose message has the needles."""
    text = dump(data)
    issue = only(issues_of(text), path, needles[0])
    for needle in needles:
        assert needle in issue.message, str(issue)
    assert issue.line is not None and 1 <= issue.line <= len(text.splitlines())


def test_duplicate_service_segment_and_tier_ids(valid_data: dict[str, Any]) -> None:
    valid_data["services"][1]["id"] = "helpdesk"
    valid_data["segments"][1]["id"] = "enterprise"
    valid_data["services"][0]["tiers"][1]["id"] = "gold"
    issues = issues_of(dump(valid_data))
    # a duplicated id names no item for sure, so these items are named by index
    assert "duplicate service id" in only(issues, "services[1].id").message
    assert "also services[0].id" in only(issues, "services[1].id").message
    assert "duplicate segment id" in only(issues, "segments[1].id").message
    assert "duplicate tier" in only(issues, "services[0].tiers[1].id").message


def test_unknown_service_in_mix(valid_data: dict[str, Any]) -> None:
    valid_data["segments"][1]["mix"] = {"helpdsk": 1}
    located_issue(valid_data, "segments[retail].mix.helpdsk", 'unknown service "helpdsk"',
                  'did you mean "helpdesk"', "the services are: helpdesk, identity")  # fmt: skip


def test_unknown_service_in_roster_keys(valid_data: dict[str, Any]) -> None:
    rosters = valid_data["strategy"]["pattern"]["rosters"]
    rosters["chatbot"] = rosters.pop("helpdesk")
    located_issue(valid_data, "strategy.pattern.rosters.chatbot", 'unknown service "chatbot"')


def test_unknown_service_in_market_price(valid_data: dict[str, Any]) -> None:
    valid_data["strategy"]["position"]["market_price"] = {"desk": 45}
    located_issue(valid_data, "strategy.position.market_price.desk", "unknown service")


def test_unknown_service_in_depends_on_and_fallback(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["depends_on"] = [{"service": "idp", "share": 0.3}]
    valid_data["services"][0]["fallback"] = "nowhere"
    located_issue(valid_data, "services[helpdesk].depends_on[idp].service", 'unknown service "idp"')
    located_issue(valid_data, "services[helpdesk].fallback", 'unknown service "nowhere"')


def test_self_dependency_and_self_fallback(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["depends_on"] = [{"service": "helpdesk", "share": 0.3}]
    valid_data["services"][1]["fallback"] = "identity"
    located_issue(valid_data, "services[helpdesk].depends_on[helpdesk].service", "depends on itself")
    located_issue(valid_data, "services[identity].fallback", "cannot fall back to itself")


def test_cycle_of_blocking_dependencies(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["depends_on"] = [
        {"service": "identity", "share": 0.3, "mode": "blocking"}
    ]
    valid_data["services"][1]["depends_on"] = [
        {"service": "helpdesk", "share": 0.1, "mode": "blocking"}
    ]
    located_issue(valid_data, "services[helpdesk].depends_on[identity].mode",
                  "cycle of blocking dependencies: helpdesk → identity → helpdesk")  # fmt: skip


def test_async_cycles_are_allowed(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["depends_on"] = [{"service": "identity", "share": 0.3}]
    valid_data["services"][1]["depends_on"] = [
        {"service": "helpdesk", "share": 0.1, "mode": "blocking"}
    ]
    assert not [f for f in check_scenario(valid_data) if "cycle" in f.message]


def test_live_service_depending_on_a_retired_one(valid_data: dict[str, Any]) -> None:
    valid_data["services"][1]["status"] = "retired"
    valid_data["services"][0]["depends_on"] = [{"service": "identity", "share": 0.3}]
    located_issue(valid_data, "services[helpdesk].depends_on[identity].service", "retired service")


def test_unknown_references_in_the_plan_and_position(valid_data: dict[str, Any]) -> None:
    strategy = valid_data["strategy"]
    strategy["position"]["target_segments"] = ["enterprise", "smb"]
    strategy["plan"] = {
        "pricing": [{"services": ["helpdesk", "chat"], "when": "hour < 8", "factor": 0.8}],
        "promotions": [{"segments": ["consumers"], "services": ["bot"], "from": "1d", "to": "2d"}],
    }
    located_issue(valid_data, "strategy.position.target_segments[1]", 'unknown segment "smb"')
    located_issue(valid_data, "strategy.plan.pricing[0].services[1]", 'unknown service "chat"')
    located_issue(valid_data, "strategy.plan.promotions[0].services[0]", 'unknown service "bot"')
    located_issue(valid_data, "strategy.plan.promotions[0].segments[0]", "unknown segment")


def test_segment_tier_missing_from_a_service_it_uses(valid_data: dict[str, Any]) -> None:
    valid_data["services"][1]["tiers"] = [{"id": "standard", "priority": 0}]
    located_issue(
        valid_data,
        "segments[enterprise].tiers.gold",
        'tier "gold" is not a tier of service "identity"',
        "its tiers: standard",
    )


def test_segment_tiers_only_concern_services_it_uses(valid_data: dict[str, Any]) -> None:
    valid_data["services"][1]["tiers"] = [{"id": "standard", "priority": 0}]
    valid_data["segments"][0]["mix"] = {"helpdesk": 1.0, "identity": 0.0}
    assert not check_scenario(valid_data)


def test_services_without_tiers_serve_tiered_segments(valid_data: dict[str, Any]) -> None:
    """A service that declares no tiers has one default class for everybody (rule as amended
    in checks.py: only services that declare tiers must define the segment's tier ids)."""
    valid_data["services"][1].pop("tiers")
    assert not check_scenario(valid_data)


@pytest.mark.parametrize("capacity", [None, 10])
def test_service_that_could_never_serve(valid_data: dict[str, Any], capacity: Any) -> None:
    identity = valid_data["services"][1]
    identity["staff"] = 0
    if capacity is not None:
        identity["queue_capacity"] = capacity
    located_issue(valid_data, "services[identity].staff", "customers could never be served")


def test_roster_with_nobody_on_duty_all_week(valid_data: dict[str, Any]) -> None:
    rosters = valid_data["strategy"]["pattern"]["rosters"]
    rosters["identity"] = [{"days": "daily", "from": "00:00", "to": "24:00", "staff": 0}]
    located_issue(valid_data, "strategy.pattern.rosters.identity", "staff 0 at every hour")
    rosters["identity"] = [{"days": "mon-sat", "from": "00:00", "to": "24:00", "staff": 0}]
    assert not [f for f in check_scenario(valid_data) if "every hour" in f.message]


def test_staff_zero_is_fine_as_loss_system_with_roster_or_without_demand(
    valid_data: dict[str, Any],
) -> None:
    identity = valid_data["services"][1]
    identity["staff"] = 0
    identity["queue_capacity"] = 0
    assert not check_scenario(valid_data)
    identity.pop("queue_capacity")
    valid_data["strategy"]["pattern"]["rosters"]["identity"] = [
        {"days": "daily", "from": "00:00", "to": "24:00", "staff": 1}
    ]
    assert not check_scenario(valid_data)
    valid_data["strategy"]["pattern"]["rosters"].pop("identity")
    valid_data["segments"][0]["mix"] = {"helpdesk": 1.0}
    assert not check_scenario(valid_data)


def test_checks_collect_every_issue_not_just_the_first(valid_data: dict[str, Any]) -> None:
    valid_data["segments"][0]["mix"] = {"a": 0.5, "b": 0.5}
    valid_data["segments"][1]["mix"] = {"c": 1}
    paths = [f.where for f in check_scenario(valid_data)]
    assert paths == ["segments[0].mix.a", "segments[0].mix.b", "segments[1].mix.c"]   # no document: by index


def test_checks_also_run_when_fields_are_invalid(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["staff"] = -1
    valid_data["segments"][1]["mix"] = {"nope": 1}
    issues = issues_of(dump(valid_data))
    assert {"services[helpdesk].staff", "segments[retail].mix.nope"} <= {i.path for i in issues}


def test_model_validator_reports_all_findings(valid_data: dict[str, Any]) -> None:
    valid_data["segments"][0]["mix"] = {"a": 0.5, "b": 0.5}
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(valid_data)
    (error,) = caught.value.errors()
    assert error["type"] == "scenario_checks"
    assert len(error["ctx"]["findings"]) == 2
    assert "segments[0].mix.a: unknown service" in error["msg"]


def test_checks_tolerate_garbage() -> None:
    garbage: dict[str, Any] = {
        "services": [1, {"id": ["x"], "depends_on": "x", "staff": 0}, {"id": "a", "tiers": 3}],
        "segments": [{"mix": [1], "tiers": {"x": "y"}}, {"id": {}, "mix": {"a": "1"}}],
        "strategy": {"pattern": {"rosters": {"a": [{"days": 3}], "b": "x"}}, "plan": 5},
    }
    # the tier x is declared by no service: a finding, whatever the garbage around it
    assert [f.where for f in check_scenario(garbage)] == ["strategy.pattern.rosters.b", "segments[0].tiers.x"]
    assert check_scenario([1, 2]) == []


def test_elastic_demand_for_a_free_service_with_a_market_price(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["price"] = 0
    located_issue(valid_data, "segments[enterprise].price_elasticity", 'service "helpdesk"', "infinite")
    valid_data["strategy"]["position"]["market_price"] = {}
    assert not [f for f in check_scenario(valid_data) if "elasticity" in f.message]


def test_a_segment_tier_with_share_zero_is_checked_too(valid_data: dict[str, Any]) -> None:
    valid_data["segments"][0]["tiers"] = {"gold": 0.3, "standard": 0.7, "platinum": 0}
    located_issue(valid_data, "segments[enterprise].tiers.platinum", 'unknown tier "platinum"',
                  "the tiers are: gold, standard")  # fmt: skip


def test_a_tier_no_service_declares_is_unknown_even_for_untiered_services(valid_data: dict[str, Any]) -> None:
    for service in valid_data["services"]:
        service.pop("tiers")
    valid_data["segments"][0]["tiers"] = {"gold": 0.3, "standard": 0.7}
    located_issue(valid_data, "segments[enterprise].tiers.gold", 'unknown tier "gold"', "none")
