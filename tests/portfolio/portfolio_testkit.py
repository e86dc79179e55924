"""A small portfolio shared by the portfolio tests: customer-facing services on shared internal
ones, with async and blocking dependencies (and helpers to break it in one place)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from stratsim.errors import Issue, ScenarioError
from stratsim.scenario import Scenario, load_scenario_text

PORTFOLIO_YAML = """\
stratsim: 1
name: portfolio
horizon: 8d
warmup: 1d
replications: 2
seed: 3
services:
  - id: portal
    staff: 3
    service_time: {dist: exponential, mean: 10min}
    price: 20
    depends_on:
      - {service: identity, share: 0.5, mode: blocking}
      - {service: storage, share: 0.3}
  - id: helpdesk
    staff: 4
    service_time: {dist: exponential, mean: 20min}
    price: 40
    depends_on:
      - {service: identity, share: 0.2}
  - id: identity
    internal: true
    staff: 2
    service_time: {dist: exponential, mean: 6min}
    depends_on:
      - {service: network, share: 1.0}
  - id: storage
    internal: true
    staff: 1
    service_time: {dist: exponential, mean: 5min}
  - id: network
    internal: true
    staff: 2
    service_time: {dist: exponential, mean: 3min}
segments:
  - id: customers
    rate: 20
    mix: {portal: 0.7, helpdesk: 0.3}
"""

#: Ten services, twenty dependencies: dense enough to show clutter in the picture.
TEN_SERVICES_YAML = """\
stratsim: 1
name: cloud
horizon: 8d
services:
  - {id: web-hosting, staff: 4, price: 30, service_time: {dist: exponential, mean: 15min}, depends_on: [{service: identity, share: 0.6, mode: blocking}, {service: storage, share: 0.8}, {service: network, share: 1.0}]}
  - {id: email, staff: 3, price: 10, service_time: {dist: exponential, mean: 10min}, depends_on: [{service: identity, share: 0.9, mode: blocking}, {service: storage, share: 0.5}]}
  - {id: backup, staff: 2, price: 25, service_time: {dist: exponential, mean: 30min}, depends_on: [{service: storage, share: 1.0, mode: blocking}, {service: network, share: 0.5}]}
  - {id: vdi, staff: 3, price: 50, service_time: {dist: exponential, mean: 25min}, depends_on: [{service: identity, share: 1.0, mode: blocking}, {service: network, share: 1.0}, {service: storage, share: 0.3}]}
  - {id: helpdesk, staff: 6, price: 40, service_time: {dist: exponential, mean: 20min}, depends_on: [{service: identity, share: 0.3}, {service: monitoring, share: 0.2}]}
  - {id: analytics, staff: 2, price: 80, service_time: {dist: exponential, mean: 40min}, depends_on: [{service: storage, share: 1.0, mode: blocking}, {service: identity, share: 0.5}]}
  - {id: identity, internal: true, staff: 3, service_time: {dist: exponential, mean: 3min}, depends_on: [{service: network, share: 1.0}]}
  - {id: storage, internal: true, staff: 3, service_time: {dist: exponential, mean: 4min}, depends_on: [{service: network, share: 0.5}]}
  - {id: network, internal: true, staff: 2, service_time: {dist: exponential, mean: 2min}}
  - {id: monitoring, internal: true, staff: 1, service_time: {dist: exponential, mean: 5min}, depends_on: [{service: network, share: 0.1}]}
segments:
  - {id: business, rate: 30, mix: {web-hosting: 0.2, email: 0.25, backup: 0.1, vdi: 0.15, helpdesk: 0.2, analytics: 0.1}}
"""


def portfolio_data() -> dict[str, Any]:
    """The portfolio as plain data, a fresh copy to edit."""
    return copy.deepcopy(yaml.safe_load(PORTFOLIO_YAML))


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def service(data: dict[str, Any], ident: str) -> dict[str, Any]:
    """The service ``ident`` of plain scenario data (to edit in place)."""
    return next(s for s in data["services"] if s["id"] == ident)


def issues_of(data: dict[str, Any]) -> list[Issue]:
    """The issues of scenario data that must not load."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(dump(data), "portfolio.yaml")
    return caught.value.issues


def one_issue(issues: list[Issue], path: str, *needles: str) -> Issue:
    """The single issue at ``path`` containing every needle (fails listing all issues otherwise)."""
    found = [i for i in issues if i.path == path and all(n in i.message for n in needles)]
    assert len(found) == 1, "\n".join(map(str, issues))
    assert found[0].line is not None and found[0].file == "portfolio.yaml"
    return found[0]


def validated(data: dict[str, Any]) -> Scenario:
    """A scenario validated by the models alone: fields this release's engine does not run yet
    (lifecycle) are accepted, so the graph and impact analysis can be tested on them."""
    return Scenario.model_validate(data)
