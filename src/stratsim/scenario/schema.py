"""The JSON Schema of the scenario format, for editors (e.g. the YAML language server).

Generated from the models, so it cannot drift from what the loader accepts.  Durations appear as
"a string matching the duration pattern, or a number of hours"; ``extends`` is added because the
loader consumes it before validation (it is not a model field).
"""

from __future__ import annotations

from typing import Any

from .base import one_line
from .models import Scenario

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXTENDS_DESCRIPTION = (
    "Path of a base scenario (relative to this file) to inherit and override: mappings merge "
    "by key, lists of items with an id merge by id, other values replace the base's."
)
"""What ``extends`` means; the loader consumes it before validation, so it is no model field."""


def scenario_json_schema() -> dict[str, Any]:
    """The scenario JSON Schema (validation mode), with ``$schema`` and a title.

    A file with ``extends`` holds only what differs from its base, merged the way the loader
    merges (``scenario/extends.py``): mappings key by key, so none of their fields is required;
    lists of items with an ``id`` by id, so such an item needs only its ``id``; other lists
    replace the base's whole, so their items need every field. The top level describes the
    variant form (definitions suffixed ``Patch``), and adds the full requirements for files
    without ``extends``.
    """
    schema = _one_line_descriptions(Scenario.model_json_schema(mode="validation"))
    definitions: dict[str, Any] = schema.pop("$defs", {})
    schema.pop("title", None)
    schema["properties"] = {
        "extends": {"type": "string", "description": EXTENDS_DESCRIPTION},
        **schema["properties"],
    }
    patch = _Patcher(definitions)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "stratsim scenario",
        **patch.node(schema),
        "$defs": {**definitions, **patch.definitions()},
        "if": {"required": ["extends"]},
        "else": {"properties": schema["properties"], "required": schema.get("required", [])},
    }


def _one_line_descriptions(node: Any) -> Any:
    """The schema with every description on one line (field docstrings are wrapped)."""
    if isinstance(node, list):
        return [_one_line_descriptions(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: one_line(value) if key == "description" and isinstance(value, str)
        else _one_line_descriptions(value)
        for key, value in node.items()
    }


PATCH = "Patch"
DEFS = "#/$defs/"


class _Patcher:
    """Rewrites schema nodes into their variant (merge) form."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.full = definitions

    def definitions(self) -> dict[str, Any]:
        out = {}
        for name, definition in self.full.items():
            patched = self.node(definition)
            if self._has_id(name):
                patched["required"] = ["id"]
            out[f"{name}{PATCH}"] = patched
        return out

    def _has_id(self, name: str) -> bool:
        return "id" in self.full.get(name, {}).get("properties", {})

    def node(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.node(item) for item in node]
        if not isinstance(node, dict):
            return node
        if node.get("type") == "array":
            return self._array(node)
        out = {}
        for key, value in node.items():
            if key == "required":
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith(DEFS):
                out[key] = f"{value}{PATCH}"
            elif key == "mapping" and isinstance(value, dict):
                out[key] = {tag: f"{ref}{PATCH}" for tag, ref in value.items()}
            else:
                out[key] = self.node(value)
        return out

    def _array(self, node: dict[str, Any]) -> dict[str, Any]:
        """Items with an id merge by id (Patch form); any other list is replaced whole (full form)."""
        items = node.get("items")
        ref = items.get("$ref", "") if isinstance(items, dict) else ""
        if ref.startswith(DEFS) and self._has_id(ref[len(DEFS):]):
            return {**node, "items": {**items, "$ref": f"{ref}{PATCH}"}}
        return node
