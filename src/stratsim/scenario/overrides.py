"""Change one value of a validated scenario by its field path, and validate the result again.

A sweep point is the base scenario with a few values replaced. Paths read like the file:
``services.helpdesk.staff``, ``segments.employees.mix.helpdesk``,
``strategy.pattern.rosters.helpdesk.1.staff``. A list whose items have ids is addressed by id
(``services.helpdesk``; an id may itself hold dots), any other list by position from 0. A path
must name something the validated scenario has — a field (defaults included) or an existing
key of a mapping such as ``mix``; it never creates one, so a typo cannot silently add a new
field. The changed scenario is validated again by the same models and whole-scenario checks
as a file, and compiled, so a bad value gets the same message it would get in a file.
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

from pydantic import ValidationError

from stratsim.errors import ScenarioError

from .messages import describe, yaml_path
from .models import Scenario
from .paths import Finding, Path, format_path, item_id, show
from .support import unsupported_features

#: Top-level fields a sweep may not vary: identity, format, the run's own seed and count
#: (common random numbers need them shared) and the sweep block itself.
FIXED_FIELDS = ("stratsim", "name", "seed", "replications", "sweep")


class PathError(ValueError):
    """A field path that names nothing in the scenario; the message says what is there."""


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {show(close[0])}?)" if close else ""


def _listing(choices: list[str], what: str) -> str:
    return f"; the {what} are: {', '.join(choices)}" if choices else f"; there are no {what}"


def resolve_path(data: dict[str, Any], text: str) -> Path:
    """The document path (keys and indices) that ``text`` names in ``data``; raises :class:`PathError`."""
    parts = text.split(".")
    if not text or any(part == "" for part in parts):
        raise PathError(f"expected a field path such as services.helpdesk.staff, got {show(text)}")
    if parts[0] in FIXED_FIELDS:
        raise PathError(f"{parts[0]} cannot be swept (every point shares it)")
    path: list[Any] = []
    node: Any = data
    i = 0
    while i < len(parts):
        where = format_path(tuple(path)) or "the scenario"
        if isinstance(node, dict):
            key = parts[i]
            if key not in node:
                keys = [str(k) for k in node]
                raise PathError(f"{where} has no field {show(key)}{_suggest(key, keys)}{_listing(keys, 'fields')}")
            path.append(key)
            node = node[key]
            i += 1
        elif isinstance(node, list):
            index, used = _list_item(node, parts[i:], where)
            path.append(index)
            node = node[index]
            i += used
        else:
            raise PathError(f"{where} is a value ({show(node)}), it has no field {show(parts[i])}")
    return tuple(path)


def _list_item(items: list[Any], rest: list[str], where: str) -> tuple[int, int]:
    """``(index, parts used)`` of the item ``rest`` starts with: by id, the longest match first."""
    ids = [item_id(item) for item in items if isinstance(item, dict)]
    if ids and all(isinstance(i, str) for i in ids):
        for used in range(len(rest), 0, -1):
            wanted = ".".join(rest[:used])
            if wanted in ids:
                return ids.index(wanted), used
        raise PathError(f"{where} has no item with id {show(rest[0])}{_suggest(rest[0], ids)}"
                        f"{_listing(ids, 'ids')}")
    if rest[0].isdigit() and int(rest[0]) < len(items):
        return int(rest[0]), 1
    raise PathError(f"{where} is a list of {len(items)} items without ids: expected a position "
                    f"0 to {len(items) - 1}, got {show(rest[0])}")


def with_values(data: dict[str, Any], values: dict[Path, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with the value at each path replaced."""
    out = copy.deepcopy(data)
    for path, value in values.items():
        node = out
        for segment in path[:-1]:
            node = node[segment]
        node[path[-1]] = copy.deepcopy(value)
    return out


def base_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, without its sweep block (a point is an ordinary scenario)."""
    data = scenario.model_dump(by_alias=True)
    data["sweep"] = None
    return data


def revalidate(data: dict[str, Any]) -> tuple[Scenario | None, list[Finding]]:
    """Validate changed scenario data like a file, then compile it: the scenario, or every problem."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        findings = []
        for error in exc.errors(include_url=False):
            if error["type"] == "scenario_checks":
                findings.extend(Finding(*f) for f in (error.get("ctx") or {}).get("findings", []))
                continue
            path, _ = yaml_path(tuple(error["loc"]), data)
            findings.append(Finding(path, describe(error, path, data, Scenario)))
        return None, findings
    findings = unsupported_features(scenario)
    if findings:
        return None, findings
    from stratsim.engine.compile import compile_scenario   # the engine is not the language's

    try:
        compile_scenario(scenario)
    except ScenarioError as error:
        return None, [Finding((), f"{issue.path}: {issue.message}" if issue.path else issue.message)
                      for issue in error.issues]
    return scenario, []
