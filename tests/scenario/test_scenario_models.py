"""Field rules of the models, exercised through the loader (so each error is located)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from pydantic import ValidationError
from scenario_testkit import dump, issues_of, only

from stratsim.scenario import Scenario, Segment, Service, load_scenario_text
from stratsim.scenario.distributions import Lognormal


def test_the_fixture_loads_with_hours_everywhere(valid_text: str) -> None:
    scenario = load_scenario_text(valid_text)
    assert isinstance(scenario, Scenario)
    assert (scenario.horizon, scenario.warmup, scenario.time_bin) == (672.0, 48.0, 1.0)
    helpdesk = scenario.services_by_id["helpdesk"]
    assert isinstance(helpdesk, Service) and isinstance(helpdesk.service_time, Lognormal)
    assert helpdesk.service_time.mean_hours == pytest.approx(1 / 3)
    assert helpdesk.sla is not None and helpdesk.sla.wait == 0.5
    assert helpdesk.tiers[0].sla is not None and helpdesk.tiers[0].sla.attainment == 0.8
    enterprise = scenario.segments_by_id["enterprise"]
    assert isinstance(enterprise, Segment)
    assert enterprise.daily_factors[10] > 1 and enterprise.weekly_factors[0] == 1.3
    assert scenario.start == datetime.date(2024, 1, 1)


def test_defaults(valid_data: dict[str, Any]) -> None:
    for key in ("description", "start", "warmup", "replications", "seed", "strategy"):
        valid_data.pop(key)
    scenario = load_scenario_text(dump(valid_data))
    assert (scenario.warmup, scenario.replications, scenario.seed) == (0.0, 10, 0)
    assert scenario.start is None and scenario.strategy.pattern.rosters == {}
    retail = scenario.segments_by_id["retail"]
    assert retail.daily_profile == "flat" and retail.tiers is None and retail.patience is None
    identity = scenario.services_by_id["identity"]
    assert identity.queue_capacity is None and identity.status == "catalogue"
    assert identity.costs.staff_hour == 0 and identity.depends_on == []


def test_models_are_frozen(valid_text: str) -> None:
    scenario = load_scenario_text(valid_text)
    with pytest.raises(ValidationError):
        scenario.name = "other"


def set_at(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        (("stratsim",), 2, "stratsim", "expected stratsim: 1"),
        (("stratsim",), True, "stratsim", "expected stratsim: 1"),
        (("name",), "my run", "name", 'becomes a folder name), got "my run"'),
        (("start",), datetime.date(2024, 1, 3), "start", "must be a Monday"),
        (("horizon",), 0, "horizon", "expected a number > 0, got 0"),
        (("warmup",), "28d", "warmup", "warmup must be shorter than the horizon"),
        (("replications",), 0, "replications", "expected an integer ≥ 1, got 0"),
        (("seed",), -3, "seed", "expected an integer ≥ 0, got -3"),
        (("seed",), 1.5, "seed", "expected an integer, got 1.5"),
        (("time_bin",), "0h", "time_bin", 'expected a time bin of at least "1min", got 0s'),
        (("time_bin",), "30s", "time_bin", 'expected a time bin of at least "1min", got 30s'),
        (("services", 0, "id"), "2fast", "services[0].id", 'digit, got "2fast"'),
        (("services", 0, "staff"), "5", "services[helpdesk].staff", 'expected an integer, got "5"'),
        (("services", 0, "staff"), True, "services[helpdesk].staff", "expected an integer, got true"),
        (("services", 0, "queue_capacity"), -1, "services[helpdesk].queue_capacity", "≥ 0, got -1"),
        (("services", 0, "price"), -5, "services[helpdesk].price", "expected a number ≥ 0, got -5"),
        (("services", 1, "price"), 3, "services[identity].internal", "an internal service has no price"),
        (("services", 0, "status"), "live", "services[helpdesk].status", "'pipeline' or 'retired', got"),
        (("services", 0, "sla", "attainment"), 1.5, "services[helpdesk].sla.attainment", "≤ 1, got 1.5"),
        (("services", 0, "sla", "wait"), 0, "services[helpdesk].sla.wait", "> 0, got 0"),
        (("services", 0, "costs", "staff_hour"), -1, "services[helpdesk].costs.staff_hour", "≥ 0"),
        (("services", 0, "tiers", 0, "priority"), -1, "services[helpdesk].tiers[gold].priority", "≥ 0"),
        (("services", 0, "tiers", 0, "price_factor"), 0, "services[helpdesk].tiers[gold].price_factor",
         "> 0"),
        (("segments", 0, "rate"), -1, "segments[enterprise].rate", "expected a number ≥ 0, got -1"),
        (("segments", 0, "growth_per_year"), -1, "segments[enterprise].growth_per_year", "> -1, got -1"),
        (("segments", 0, "flexibility"), 2, "segments[enterprise].flexibility", "≤ 1, got 2"),
        (("segments", 0, "balk_at"), -1, "segments[enterprise].balk_at", "expected an integer ≥ 0, got -1"),
        (("segments", 0, "price_elasticity"), 0.5, "segments[enterprise].price_elasticity", "≤ 0, got 0.5"),
        (("segments", 0, "customers"), 0, "segments[enterprise].customers", "≥ 1, got 0"),
        (("segments", 0, "mix"), {"helpdesk": 0.5, "identity": 0.4}, "segments[enterprise].mix",
         "mix shares must add up to 1, they add up to 0.9"),
        (("segments", 0, "mix"), {"helpdesk": 1.5, "identity": -0.5}, "segments[enterprise].mix",
         'the share of "identity" must be ≥ 0, got -0.5'),
        (("segments", 0, "mix"), {}, "segments[enterprise].mix", "got an empty mapping"),
        (("segments", 0, "tiers"), {"gold": 0.5}, "segments[enterprise].tiers", "add up to 0.5"),
        (("segments", 0, "daily_profile"), [1] * 23, "segments[enterprise].daily_profile", "exactly 24"),
        (("segments", 0, "weekly_profile"), [1, 1, 1, 1, 1, 1, -1], "segments[enterprise].weekly_profile",
         "expected a number ≥ 0, got -1"),
        (("segments", 0, "daily_profile"), "nightly", "segments[enterprise].daily_profile",
         "unknown daily profile"),
        (("segments", 0, "patience"), {"dist": "gamma", "mean": 1, "cv": -1},
         "segments[enterprise].patience.cv", "cv must be > 0"),
        (("strategy", "position", "market_price", "helpdesk"), 0,
         "strategy.position.market_price.helpdesk", "> 0, got 0"),
    ],
)  # fmt: skip
def test_field_rules_are_located_and_quote_the_value(
    valid_data: dict[str, Any], path: tuple[Any, ...], value: Any, where: str, message: str
) -> None:
    issues = issues_of(dump(set_at(valid_data, path, value)))
    issue = only(issues, where)
    assert message in issue.message, str(issue)
    assert issue.line is not None and issue.column is not None


def test_missing_services_and_empty_portfolio(valid_data: dict[str, Any]) -> None:
    valid_data["services"] = []
    issue = only(issues_of(dump(valid_data)), "services")
    assert issue.message.startswith("empty portfolio")
    valid_data.pop("services")
    issue = only(issues_of(dump(valid_data)), "services")
    assert "missing required field 'services'" in issue.message


def test_empty_segments(valid_data: dict[str, Any]) -> None:
    valid_data["segments"] = []
    assert "no segments" in only(issues_of(dump(valid_data)), "segments").message


def test_start_may_be_quoted_iso_text(valid_data: dict[str, Any]) -> None:
    valid_data["start"] = "2024-01-08"
    assert load_scenario_text(dump(valid_data)).start == datetime.date(2024, 1, 8)


def test_models_accept_python_names_and_values() -> None:
    segment = Segment(id="s", rate=1, mix={"a": 1}, daily_profile="evening-peak")
    assert segment.daily_factors[20] > 2
    with pytest.raises(ValidationError, match="exactly 7"):
        Segment(id="s", rate=1, mix={"a": 1}, weekly_profile=[1, 2])
