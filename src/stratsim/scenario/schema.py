"""The JSON Schema of the scenario format, for editors (e.g. the YAML language server).

Generated from the models, so it cannot drift from what the loader accepts.  Durations appear as
"a string matching the duration pattern, or a number of hours"; ``extends`` is added because the
loader consumes it before validation (it is not a model field).
"""

from __future__ import annotations

from typing import Any

from .models import Scenario

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scenario_json_schema() -> dict[str, Any]:
    """The scenario JSON Schema (validation mode), with ``$schema`` and a title."""
    schema = Scenario.model_json_schema(mode="validation")
    schema["properties"] = {
        "extends": {
            "type": "string",
            "description": "Path of a base scenario (relative to this file) to inherit and "
            "override: mappings merge by key, lists of items with an id merge by id.",
        },
        **schema["properties"],
    }
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "stratsim scenario",
        **{key: value for key, value in schema.items() if key != "title"},
    }
