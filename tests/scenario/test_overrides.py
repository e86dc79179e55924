"""Scenario values changed by field path: addressing by id, messages for paths that name nothing."""

from __future__ import annotations

import pytest

from stratsim.scenario import load_scenario_text
from stratsim.scenario.overrides import PathError, base_data, resolve_path, revalidate, with_values
from tests.conftest import SMALL_SCENARIO


@pytest.fixture
def data():
    return base_data(load_scenario_text(SMALL_SCENARIO))


@pytest.mark.parametrize("text, path", [
    ("services.desk.staff", ("services", 0, "staff")),
    ("services.backup.costs.staff_hour", ("services", 1, "costs", "staff_hour")),
    ("services.desk.tiers.gold.price_factor", ("services", 0, "tiers", 0, "price_factor")),
    ("segments.staff.mix.desk", ("segments", 0, "mix", "desk")),
    ("strategy.pattern.rosters.desk.0.staff", ("strategy", "pattern", "rosters", "desk", 0, "staff")),
    ("warmup", ("warmup",)),
])
def test_paths_address_fields_items_by_id_and_positions(data, text, path):
    assert resolve_path(data, text) == path


@pytest.mark.parametrize("text, message", [
    ("services.desk.stafff", 'services[0] has no field "stafff" (did you mean "staff"?)'),
    ("services.desks.staff", 'services has no item with id "desks" (did you mean "desk"?); the ids are: desk, backup'),
    ("services.desk.staff.x", 'services[0].staff is a value (2), it has no field "x"'),
    ("strategy.pattern.rosters.desk.3.staff", "a list of 1 items without ids: expected a position 0 to 0"),
    ("seed", "seed cannot be swept"),
    ("services..staff", "expected a field path"),
])
def test_paths_that_name_nothing_say_what_is_there(data, text, message):
    with pytest.raises(PathError, match=None) as error:
        resolve_path(data, text)
    assert message in str(error.value)


def test_ids_with_dots_are_matched_whole():
    scenario = load_scenario_text(SMALL_SCENARIO.replace("id: backup", "id: cloud.backup")
                                  .replace("backup: 0.2", "cloud.backup: 0.2"))
    assert resolve_path(base_data(scenario), "services.cloud.backup.staff") == ("services", 1, "staff")


def test_a_changed_value_is_validated_like_a_file(data):
    staff = resolve_path(data, "services.desk.staff")
    scenario, problems = revalidate(with_values(data, {staff: 7}))
    assert problems == [] and scenario.services[0].staff == 7
    assert data["services"][0]["staff"] == 2    # the base is untouched
    _, problems = revalidate(with_values(data, {staff: -1}))
    assert [(p.where, p.message) for p in problems] == [("services[0].staff", "expected an integer ≥ 0, got -1")]
    mix = resolve_path(data, "segments.staff.mix.desk")
    _, problems = revalidate(with_values(data, {mix: 0.5}))
    assert "add up to 1" in problems[0].message


def test_no_change_gives_back_the_same_scenario(data):
    scenario = load_scenario_text(SMALL_SCENARIO)
    assert revalidate(with_values(data, {}))[0] == scenario
