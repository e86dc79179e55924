"""The JSON Schema for editors."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from stratsim.scenario import Scenario, load_scenario_text, scenario_json_schema


def test_schema_header_and_sections() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "stratsim scenario"
    assert schema["additionalProperties"] is False
    for section in ("stratsim", "name", "horizon", "warmup", "replications", "seed", "services",
                    "segments", "strategy", "extends"):  # fmt: skip
        assert section in schema["properties"]
    assert {"stratsim", "name", "horizon", "services", "segments"} <= set(schema["required"])
    json.dumps(schema)


def test_every_field_has_a_description() -> None:
    schema = scenario_json_schema()
    models = [schema, *schema["$defs"].values()]
    for model in models:
        for name, prop in model.get("properties", {}).items():
            assert prop.get("description"), f"{model.get('title')}.{name}"


def test_durations_are_string_with_pattern_or_number() -> None:
    horizon = scenario_json_schema()["properties"]["horizon"]
    assert {o["type"] for o in horizon["anyOf"]} == {"string", "number"}
    assert "pattern" in next(o for o in horizon["anyOf"] if o["type"] == "string")


def test_aliases_appear_under_their_yaml_keys() -> None:
    defs = scenario_json_schema()["$defs"]
    assert "from" in defs["RosterWindow"]["properties"]
    assert "for" in defs["PostDip"]["properties"]


def test_valid_example_round_trips_through_json(valid_text: str) -> None:
    scenario = load_scenario_text(valid_text)
    as_json = scenario.model_dump_json(by_alias=True)
    again = Scenario.model_validate(json.loads(as_json))
    assert again == scenario


def test_valid_example_conforms_if_jsonschema_is_installed(valid_text: str) -> None:
    jsonschema: Any = pytest.importorskip("jsonschema")
    schema = scenario_json_schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)
    jsonschema.validate(json.loads(json.dumps(yaml.safe_load(valid_text), default=str)), schema)
