"""Property: any YAML-ish input either loads or raises ScenarioError, never another exception."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_testkit import dump

from stratsim.errors import ScenarioError
from stratsim.scenario import Scenario, load_scenario_text
from stratsim.scenario.messages import field_names
from stratsim.scenario.models import (
    Costs,
    Dependency,
    Segment,
    Service,
    Sla,
    Tier,
)
from stratsim.scenario.rosters import RosterWindow
from stratsim.scenario.strategy import Pattern, Plan, Position, Promotion, Strategy

FIELD_NAMES = sorted(
    {name for model in (Scenario, Service, Segment, Costs, Sla, Dependency, Tier, RosterWindow,
                        Strategy, Pattern, Plan, Position, Promotion)
     for name in field_names(model)} | {"dist", "mean", "cv", "min", "max", "mode", "values"}
)  # fmt: skip
WORDS = ["2h", "15min", "-1h", "x", "flat", "mon-fri", "08:00", "24:00", "exponential",
         "lognormal", "helpdesk", "identity", "gold", "blocking", "retired", "0", ""]  # fmt: skip

keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=6) | st.integers(-2, 3)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 50)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(WORDS)
    | st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def load_or_scenario_error(text: str) -> None:
    try:
        assert isinstance(load_scenario_text(text, "random.yaml"), Scenario)
    except ScenarioError as error:
        assert error.issues
        for issue in error.issues:
            assert issue.file == "random.yaml" and issue.message
            assert issue.line is None or issue.line >= 1


@SETTINGS
@given(st.dictionaries(keys, values, max_size=8))
def test_random_mappings_load_or_raise_scenario_error(data: dict[Any, Any]) -> None:
    data.pop("extends", None)
    load_or_scenario_error(yaml.safe_dump(data, allow_unicode=True))


def leaf_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        out = [path] if path else []
        return out + [p for k, v in node.items() for p in leaf_paths(v, path + (k,))]
    if isinstance(node, list):
        return [path] + [p for i, v in enumerate(node) for p in leaf_paths(v, path + (i,))]
    return [path]


@SETTINGS
@given(data=st.data())
def test_mutated_valid_scenarios_load_or_raise_scenario_error(
    valid_data: dict[str, Any], data: st.DataObject
) -> None:
    scenario = copy.deepcopy(valid_data)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(leaf_paths(scenario)))
        node: Any = scenario
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = data.draw(values)
    load_or_scenario_error(dump(scenario))


@SETTINGS
@given(st.text(alphabet="ab:-[]{},&*!|>#'\"\n \t0123456789.%@`", max_size=60))
def test_random_text_loads_or_raises_scenario_error(text: str) -> None:
    load_or_scenario_error(text)
