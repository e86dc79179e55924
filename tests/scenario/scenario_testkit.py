"""Helpers shared by the scenario tests (a plain module: test files import it directly)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from stratsim.errors import Issue, ScenarioError
from stratsim.scenario import load_scenario_text


def dump(data: Any) -> str:
    """YAML text of plain data, keys in their given order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def issues_of(text: str, filename: str = "scenario.yaml") -> list[Issue]:
    """The issues of a scenario text that must not load."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, filename)
    return caught.value.issues


def only(issues: list[Issue], path: str, containing: str = "") -> Issue:
    """The single issue at ``path`` whose message has ``containing`` (fails listing all issues
    otherwise)."""
    found = [issue for issue in issues if issue.path == path and containing in issue.message]
    assert len(found) == 1, "\n".join(map(str, issues))
    return found[0]


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the ``occurrence``-th ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
