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
    """The scenario JSON Schema (validation mode), with ``$schema`` and a title.

    A file with ``extends`` holds only what differs from its base, so no field is required in
    it (a service listed to change its staff need not repeat its service time). The top level
    therefore describes every field without ``required`` (definitions suffixed ``Patch``),
    and adds the full definitions, requirements included, for files without ``extends``.
    """
    schema = Scenario.model_json_schema(mode="validation")
    definitions: dict[str, Any] = schema.pop("$defs", {})
    schema.pop("title", None)
    schema["properties"] = {
        "extends": {
            "type": "string",
            "description": "Path of a base scenario (relative to this file) to inherit and "
            "override: mappings merge by key, lists of items with an id merge by id.",
        },
        **schema["properties"],
    }
    patch_definitions = {f"{name}{PATCH}": _as_patch(d) for name, d in definitions.items()}
    patch_root = _as_patch(schema)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "stratsim scenario",
        **patch_root,
        "$defs": {**definitions, **patch_definitions},
        "if": {"required": ["extends"]},
        "else": {"properties": schema["properties"], "required": schema.get("required", [])},
    }


PATCH = "Patch"


def _as_patch(node: Any) -> Any:
    """A copy of a schema node with no ``required`` lists and references to Patch definitions."""
    if isinstance(node, list):
        return [_as_patch(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "required":
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
            out[key] = f"{value}{PATCH}"
        else:
            out[key] = _as_patch(value)
    return out
