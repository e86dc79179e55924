"""The JSON Schema for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from stratsim.errors import ScenarioError
from stratsim.scenario import Scenario, load_scenario_text, scenario_json_schema


def test_schema_header_and_sections() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "stratsim scenario"
    assert schema["additionalProperties"] is False
    for section in ("stratsim", "name", "horizon", "warmup", "replications", "seed", "services",
                    "segments", "strategy", "extends"):  # fmt: skip
        assert section in schema["properties"]
    assert "required" not in schema   # a variant (with extends) needs none of them
    assert {"stratsim", "name", "horizon", "services", "segments"} <= set(schema["else"]["required"])
    json.dumps(schema)


def test_every_field_has_a_description() -> None:
    schema = scenario_json_schema()
    models = [schema, *schema["$defs"].values()]
    for model in models:
        for name, prop in model.get("properties", {}).items():
            assert prop.get("description"), f"{model.get('title')}.{name}"
            assert "\n" not in prop["description"], f"{model.get('title')}.{name}: one line"


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


def as_json(text: str) -> Any:
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def test_valid_example_conforms(valid_text: str) -> None:
    schema = scenario_json_schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)
    jsonschema.validate(as_json(valid_text), schema)


def test_shipped_scenarios_conform_variants_included() -> None:
    schema = scenario_json_schema()
    files = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
    assert len(files) >= 2
    for file in files:
        jsonschema.validate(as_json(file.read_text(encoding="utf-8")), schema)


def test_requirements_apply_to_files_without_extends(valid_text: str) -> None:
    schema = scenario_json_schema()
    document = as_json(valid_text)
    del document["horizon"]
    with pytest.raises(jsonschema.ValidationError, match="horizon"):
        jsonschema.validate(document, schema)
    jsonschema.validate({"extends": "base.yaml", "services": [{"id": "helpdesk", "staff": 3}]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"extends": "base.yaml", "services": [{"id": "helpdesk", "staff": -3}]}, schema)


def test_variant_lists_replaced_whole_keep_their_requirements() -> None:
    schema = scenario_json_schema()
    window = {"days": "mon-fri", "from": "08:00", "to": "18:00"}   # staff missing
    variant = {"extends": "base.yaml", "strategy": {"pattern": {"rosters": {"helpdesk": [window]}}}}
    with pytest.raises(jsonschema.ValidationError, match="staff"):
        jsonschema.validate(variant, schema)
    with pytest.raises(jsonschema.ValidationError, match="id"):
        jsonschema.validate({"extends": "base.yaml", "services": [{"staff": 3}]}, schema)
    jsonschema.validate({"extends": "base.yaml", "services": [
        {"id": "helpdesk", "service_time": {"dist": "exponential"}}]}, schema)   # merges with the base's


def put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


SINGLE_FIELD_RULES = [
    # (path, a value validate refuses): the schema must refuse it too
    (("services", 0, "sla", "wait"), 0),
    (("services", 0, "sla", "wait"), "0min"),
    (("services", 0, "sla", "wait"), "0.0h"),
    (("horizon",), 0),
    (("horizon",), "0d"),
    (("services", 1, "service_time", "mean"), "0s"),
    (("services", 0, "service_time", "cv"), 0),
    (("services", 0, "service_time", "cv"), 101),
    (("services", 0, "staff"), -1),
    (("services", 0, "staff"), 100_001),
    (("strategy", "pattern", "rosters", "helpdesk", 0, "staff"), 100_001),
    (("segments", 0, "rate"), 1.0e300),
    (("segments", 0, "price_elasticity"), -101),
    (("segments", 0, "weekly_profile", 0), 2_000_000),
    (("services", 0, "price"), 1e13),
    (("warmup",), 876_001),
    (("replications",), 100_001),
    (("name",), "n" * 101),
    (("services", 0, "id"), "h" * 65),
]


@pytest.mark.parametrize(("path", "value"), SINGLE_FIELD_RULES, ids=[f"{p[-1]}={v!s:.12}" for p, v in SINGLE_FIELD_RULES])
def test_schema_and_validate_agree_on_single_field_rules(valid_data: dict[str, Any], path, value) -> None:
    document = put(valid_data, path, value)
    with pytest.raises(ScenarioError):
        load_scenario_text(yaml.safe_dump(document))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(document, default=str)), scenario_json_schema())


def test_positive_durations_in_the_schema_accept_what_validate_accepts(valid_data: dict[str, Any]) -> None:
    for wait in ("0.5min", "10s", ".5h", "0.001", 0.25, "00010min"):
        document = put(valid_data, ("services", 0, "sla", "wait"), wait)
        load_scenario_text(yaml.safe_dump(document))
        jsonschema.validate(json.loads(json.dumps(document, default=str)), scenario_json_schema())
