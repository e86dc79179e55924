"""``extends``: inherit a base scenario and override it, with errors located in the right file."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_testkit import position

from stratsim.errors import ScenarioError
from stratsim.scenario import load_scenario, load_scenario_text


@pytest.fixture
def base(tmp_path: Path, valid_text: str) -> Path:
    path = tmp_path / "baseline.yaml"
    path.write_text(valid_text, encoding="utf-8")
    return path


def variant(folder: Path, text: str, name: str = "variant.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_override_scalars_and_nested_mappings(base: Path) -> None:
    path = variant(base.parent, "extends: baseline.yaml\nname: offpeak\nseed: 7\n"
                   "strategy: {position: {market_price: {helpdesk: 50}}}\n")  # fmt: skip
    scenario = load_scenario(path)
    assert (scenario.name, scenario.seed, scenario.horizon) == ("offpeak", 7, 672.0)
    assert scenario.strategy.position.market_price == {"helpdesk": 50}
    assert scenario.strategy.perspective.vision == "Most trusted internal IT provider"


def test_lists_of_items_merge_by_id_and_append_new_ids(base: Path) -> None:
    text = """\
extends: baseline.yaml
services:
  - id: identity
    staff: 4
  - id: chat
    staff: 3
    service_time: {dist: exponential, mean: 4min}
segments:
  - id: retail
    mix: {helpdesk: 0.5, chat: 0.5}
"""
    scenario = load_scenario(variant(base.parent, text))
    assert [s.id for s in scenario.services] == ["helpdesk", "identity", "chat"]
    identity = scenario.services_by_id["identity"]
    assert identity.staff == 4 and identity.internal and len(identity.tiers) == 2
    assert scenario.segments_by_id["retail"].mix == {"helpdesk": 0.5, "chat": 0.5}
    assert scenario.segments_by_id["retail"].rate == 2


def test_other_lists_are_replaced(base: Path) -> None:
    text = """\
extends: baseline.yaml
segments:
  - id: enterprise
    weekly_profile: [1, 1, 1, 1, 1, 0, 0]
strategy:
  pattern:
    rosters:
      helpdesk:
        - {days: daily, from: "09:00", to: "17:00", staff: 3}
"""
    scenario = load_scenario(variant(base.parent, text))
    assert scenario.segments[0].weekly_profile == [1, 1, 1, 1, 1, 0, 0]
    assert len(scenario.strategy.pattern.rosters["helpdesk"]) == 1


def test_an_empty_list_replaces(base: Path) -> None:
    text = "extends: baseline.yaml\nservices:\n  - id: helpdesk\n    tiers: []\n"
    text += "segments:\n  - id: enterprise\n    tiers: null\n"
    scenario = load_scenario(variant(base.parent, text))
    assert scenario.services[0].tiers == [] and scenario.segments[0].tiers is None


def test_error_in_an_inherited_value_points_into_the_base_file(
    tmp_path: Path, valid_text: str
) -> None:
    broken = valid_text.replace("cv: 0.8", "cv: -1")
    base = tmp_path / "baseline.yaml"
    base.write_text(broken, encoding="utf-8")
    path = variant(tmp_path, "extends: baseline.yaml\nname: v2\nseed: -1\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    first, second = caught.value.issues
    assert (first.file, first.path, first.line) == (str(path), "seed", 3)
    assert (second.file, second.path) == (str(base), "services[helpdesk].service_time.cv")
    assert (second.line, second.column) == position(broken, "-1")


def test_merged_item_errors_point_to_the_file_that_wrote_the_value(base: Path) -> None:
    text = "extends: baseline.yaml\nservices:\n  - id: helpdesk\n    staff: -3\n"
    path = variant(base.parent, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (issue,) = caught.value.issues
    assert (issue.file, issue.line, issue.column, issue.path) == (
        str(path), 4, 12, "services[helpdesk].staff",
    )  # fmt: skip


def test_extends_chains(base: Path) -> None:
    variant(base.parent, "extends: baseline.yaml\nname: middle\nseed: 3\n", "middle.yaml")
    top = variant(base.parent, "extends: middle.yaml\nname: top\n", "top.yaml")
    scenario = load_scenario(top)
    assert (scenario.name, scenario.seed) == ("top", 3)


def test_extends_is_relative_to_the_file(tmp_path: Path, valid_text: str) -> None:
    (tmp_path / "bases").mkdir()
    (tmp_path / "bases" / "b.yaml").write_text(valid_text, encoding="utf-8")
    (tmp_path / "variants").mkdir()
    path = variant(tmp_path / "variants", "extends: ../bases/b.yaml\nname: rel\n")
    assert load_scenario(path).name == "rel"
    assert load_scenario_text("extends: ../bases/b.yaml\nname: t\n", str(path)).name == "t"


def test_extends_cycle(tmp_path: Path) -> None:
    a = variant(tmp_path, "extends: b.yaml\nname: a\n", "a.yaml")
    variant(tmp_path, "extends: a.yaml\nname: b\n", "b.yaml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(a)
    issue = next(i for i in caught.value.issues if "cycle" in i.message)
    assert issue.path == "extends" and issue.file.endswith("b.yaml") and issue.line == 1
    assert "a.yaml → " in issue.message and issue.message.endswith("a.yaml")


def test_self_extension_is_a_cycle(tmp_path: Path) -> None:
    a = variant(tmp_path, "extends: a.yaml\nname: a\n", "a.yaml")
    with pytest.raises(ScenarioError, match="extends cycle"):
        load_scenario(a)


def test_missing_base_file_is_located_at_the_extends_line(tmp_path: Path) -> None:
    path = variant(tmp_path, "name: v\nextends: gone.yaml\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    issue = next(i for i in caught.value.issues if i.path == "extends")
    assert (issue.file, issue.line, issue.column) == (str(path), 2, 10)
    assert "cannot extend" in issue.message and "file not found" in issue.message


def test_extends_must_be_a_path(tmp_path: Path) -> None:
    path = variant(tmp_path, "extends: [a.yaml]\n")
    with pytest.raises(ScenarioError, match="expected the path of a base scenario file"):
        load_scenario(path)


def test_yaml_error_in_the_base_is_reported_in_the_base(tmp_path: Path) -> None:
    base = variant(tmp_path, "name: [x\n", "base.yaml")
    path = variant(tmp_path, "extends: base.yaml\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.issues[0].file == str(base)
    assert caught.value.issues[0].message.startswith("invalid YAML")


def test_error_paths_name_merged_items_by_id_not_by_their_index_in_the_merged_list(base: Path) -> None:
    text = """\
extends: baseline.yaml
services:
  - id: chat
    staff: -1
    service_time: {dist: exponential, mean: 4min}
  - id: identity
    staff: -2
segments:
  - id: retail
    mix: {helpdesk: 0, chat: 1, helpdsk: 0}   # mappings merge by key: helpdesk needs its 0
"""
    path = variant(base.parent, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    # chat is services[2] of the merged list but services[0] of this file: neither is shown
    found = {(issue.path, issue.line) for issue in caught.value.issues}
    assert found == {("services[chat].staff", 4), ("services[identity].staff", 7),
                     ("segments[retail].mix.helpdsk", 10)}


def test_a_nul_character_in_extends_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = variant(tmp_path, 'name: v\nextends: "base\\0.yaml"\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (issue,) = caught.value.issues
    assert (issue.path, issue.line) == ("extends", 2)
    assert "cannot contain a NUL character" in issue.message
