"""The scenario language: models, durations, profiles, YAML loading with located errors.

A scenario file goes in; a validated, frozen :class:`Scenario` comes out, or a
:class:`~stratsim.errors.ScenarioError` listing every located problem.
"""

from __future__ import annotations

from .durations import parse_duration
from .loader import load_scenario, load_scenario_text
from .models import Scenario, Segment, Service
from .schema import scenario_json_schema

__all__ = [
    "Scenario",
    "Segment",
    "Service",
    "load_scenario",
    "load_scenario_text",
    "parse_duration",
    "scenario_json_schema",
]
