"""A validated scenario written back as YAML: the copy a results folder keeps of what was run.

The copy has ``extends`` resolved (everything inherited is written out), every field the
scenario sets or defaults (``null`` ones and empty lists left at their empty default are left
out), in the models' field order, and durations
as text in the largest whole unit (``20min``, ``8h``, ``29d``) rather than the hours they are
stored in, so that two copies compare line by line on what they mean and a planner can read
them. Loading the copy gives back the same scenario (the same ``scenario_sha256``): a duration
is written in a unit only if it reads back to the very same number of hours.
"""

from __future__ import annotations

import math
from typing import Any, get_type_hints

import yaml
from pydantic import BaseModel

from .durations import is_duration_type as _is_duration, parse_duration

#: Units tried for a duration, largest first; ``w`` is left out: ``28d`` reads more plainly.
_UNITS = (("d", 24.0), ("h", 1.0), ("min", 1.0 / 60.0), ("s", 1.0 / 3600.0))


def duration_text(hours: float) -> str | float:
    """``hours`` as ``"<n><unit>"`` in the largest unit giving a whole ``n`` that reads back exactly.

    Falls back to the bare number of hours (a float reads back exactly) when no unit fits.
    """
    if hours == 0:
        return "0h"
    for unit, size in _UNITS:
        count = round(hours / size)
        if count > 0 and math.isclose(count * size, hours, rel_tol=1e-12):
            text = f"{count}{unit}"
            if parse_duration(text) == hours:
                return text
    return hours


def _plain(value: Any, duration: bool = False) -> Any:
    """A model value as plain YAML data, durations as text."""
    if isinstance(value, BaseModel):
        return scenario_data(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item, duration) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item, duration) for key, item in value.items()}
    if duration and isinstance(value, (int, float)) and not isinstance(value, bool):
        return duration_text(float(value))
    return value


def _empty_default(value: Any, field: Any) -> bool:
    """An empty list or mapping that is also the field's default (nothing to say)."""
    if not isinstance(value, (list, tuple, dict)) or len(value):
        return False
    default = field.get_default(call_default_factory=True)
    return isinstance(default, (list, tuple, dict)) and not default


class _Dumper(yaml.SafeDumper):
    """Writes text with line breaks as a literal block (``|``), the way a planner writes it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def scenario_data(model: BaseModel) -> dict[str, Any]:
    """A (validated) scenario model as a plain dict under its YAML keys, ``None`` fields left out."""
    hints = get_type_hints(type(model), include_extras=True)
    dumped = model.model_dump(mode="json", by_alias=True)
    out: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        value = getattr(model, name)
        if value is None or _empty_default(value, field):
            continue
        if isinstance(value, (BaseModel, list, tuple, dict)):
            out[key] = _plain(value, _is_duration(hints[name]))
        elif _is_duration(hints[name]):
            out[key] = duration_text(float(value))
        else:
            out[key] = dumped[key]   # dates and enums as their JSON text
    return out


def scenario_yaml(model: BaseModel) -> str:
    """The YAML text of a validated scenario (see the module docstring)."""
    return yaml.dump(scenario_data(model), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=None)
