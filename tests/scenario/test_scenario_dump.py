"""The copy of a scenario a results folder keeps: readable, and read back to the same scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stratsim.runner.simulation import scenario_sha256
from stratsim.scenario import load_scenario, load_scenario_text
from stratsim.scenario.dump import duration_text, scenario_yaml

SCENARIOS = Path(__file__).parents[2] / "scenarios"


@pytest.mark.parametrize("hours, text", [(696.0, "29d"), (24.0, "1d"), (8.0, "8h"), (1 / 3, "20min"),
                                         (0.3, "18min"), (1.5, "90min"), (1 / 3600, "1s"), (0, "0h")])
def test_durations_are_written_in_the_largest_whole_unit(hours, text):
    assert duration_text(hours) == text


def test_a_duration_no_unit_reads_back_exactly_stays_in_hours():
    assert duration_text(0.1234567) == 0.1234567


@pytest.mark.parametrize("name", ["helpdesk-baseline.yaml", "helpdesk-early-shift.yaml"])
def test_the_copy_reads_back_to_the_same_scenario(name):
    scenario = load_scenario(SCENARIOS / name)
    text = scenario_yaml(scenario)
    assert scenario_sha256(load_scenario_text(text, "copy.yaml")) == scenario_sha256(scenario)
    data = yaml.safe_load(text)
    assert "extends" not in data and data["name"] == scenario.name
    assert data["horizon"] == "29d" and data["services"][0]["sla"]["wait"] == "20min"
    assert data["strategy"]["pattern"]["rosters"]["cloud-backup"][0]["staff"] == 2   # inherited


def test_every_kind_of_field_survives_the_round_trip():
    text = """\
stratsim: 1
name: odd
description: |
  Two lines
  of text.
start: 2027-01-04
horizon: 0.3h
warmup: 7.5min
time_bin: 90s
services:
  - id: s
    staff: 1
    service_time: {dist: empirical, values: [1min, 2.5min, 0.05h]}
    sla: {wait: 3min}
segments:
  - id: g
    rate: 2
    daily_profile: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    mix: {s: 1}
    patience: {dist: uniform, min: 1min, max: 2h}
strategy:
  pattern:
    rosters:
      s: [{days: mon, from: "22:00", to: "24:00", staff: 2}]
"""
    scenario = load_scenario_text(text, "odd.yaml")
    copy = scenario_yaml(scenario)
    assert scenario_sha256(load_scenario_text(copy, "copy.yaml")) == scenario_sha256(scenario)
    data = yaml.safe_load(copy)
    assert data["description"] == "Two lines\nof text.\n"
    assert data["warmup"] == "450s" and data["time_bin"] == "90s"
    assert data["services"][0]["service_time"]["values"] == ["1min", "150s", "3min"]
