"""Shared fixtures for the scenario-language tests: one valid scenario and error helpers.

The valid scenario uses every feature this release supports (tiers, SLA, costs, rosters, profiles,
patience, balking, elasticity with a market price) and nothing it does not, so a test breaks it in
exactly one place and asserts on exactly the issue that results.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

VALID_YAML = """\
stratsim: 1
name: helpdesk-baseline
description: Baseline helpdesk
start: 2024-01-01
horizon: 28d
warmup: 2d
replications: 5
seed: 42
services:
  - id: helpdesk
    name: IT helpdesk
    staff: 5
    queue_capacity: 40
    service_time: {dist: lognormal, mean: 20min, cv: 0.8}
    price: 40
    costs: {staff_hour: 35, per_request: 4, fixed_per_day: 150}
    sla: {wait: 30min, attainment: 0.8}
    tiers:
      - {id: gold, priority: 0, price_factor: 1.5, sla: {wait: 10min}}
      - {id: standard, priority: 1}
  - id: identity
    internal: true
    staff: 2
    service_time: {dist: exponential, mean: 10min}
    tiers:
      - {id: gold, priority: 0}
      - {id: standard, priority: 1}
segments:
  - id: enterprise
    rate: 9
    daily_profile: business-hours
    weekly_profile: [1.3, 1.1, 1, 1, 0.9, 0.3, 0.2]
    growth_per_year: 0.08
    mix: {helpdesk: 0.8, identity: 0.2}
    tiers: {gold: 0.3, standard: 0.7}
    price_elasticity: -0.4
    patience: {dist: exponential, mean: 45min}
    balk_at: 30
  - id: retail
    rate: 2
    mix: {helpdesk: 1}
strategy:
  perspective:
    vision: Most trusted internal IT provider
  position:
    market_price: {helpdesk: 45}
  pattern:
    rosters:
      helpdesk:
        - {days: mon-fri, from: "08:00", to: "18:00", staff: 6}
        - {days: sat-sun, from: "10:00", to: "16:00", staff: 2}
"""


@pytest.fixture
def valid_text() -> str:
    """The valid scenario as YAML text (edit it with ``str.replace`` to break one thing)."""
    return VALID_YAML


@pytest.fixture
def valid_data() -> dict[str, Any]:
    """The valid scenario as plain data (a fresh copy per test)."""
    return copy.deepcopy(yaml.safe_load(VALID_YAML))
