"""Field paths as users read them: list items by id where the id names one item for sure."""

from __future__ import annotations

from typing import Any

from scenario_testkit import dump, issues_of, only

from stratsim.scenario.paths import format_path

DATA = {
    "services": [{"id": "helpdesk", "tiers": [{"id": "gold"}, {"id": "std"}]}, {"id": "2fast"},
                 {"staff": 1}, {"id": "twin"}, {"id": "twin"}, {"id": "help.desk"}],
    "strategy": {"pattern": {"rosters": {"helpdesk": [{"days": "mon"}]}}},
}


def test_items_with_a_valid_unique_id_are_named_by_it() -> None:
    assert format_path(("services", 0, "tiers", 1, "sla"), DATA) == "services[helpdesk].tiers[std].sla"
    assert format_path(("services", 5, "staff"), DATA) == "services[help.desk].staff"


def test_other_items_are_named_by_index() -> None:
    assert format_path(("services", 1, "id"), DATA) == "services[1].id"    # not a valid id
    assert format_path(("services", 2, "staff"), DATA) == "services[2].staff"   # no id
    assert format_path(("services", 4, "id"), DATA) == "services[4].id"    # a duplicated id
    assert format_path(("services", 9), DATA) == "services[9]"            # not in the data
    rosters = ("strategy", "pattern", "rosters", "helpdesk", 0, "days")
    assert format_path(rosters, DATA) == "strategy.pattern.rosters.helpdesk[0].days"


def test_without_the_document_items_are_named_by_index() -> None:
    assert format_path(("services", 0, "tiers", 1)) == "services[0].tiers[1]"


def test_keys_that_are_not_plain_words_are_quoted() -> None:
    assert format_path(("segments", 0, "mix", "a.b"), {"segments": [{"id": "s"}]}) == 'segments[s].mix["a.b"]'
    assert format_path(("x", "[bold]")) == 'x["[bold]"]'


def test_error_paths_in_a_plain_file_use_ids(valid_data: dict[str, Any]) -> None:
    valid_data["services"][1]["staff"] = -1
    valid_data["segments"][0]["tiers"] = {"gold": 0.3, "standard": 0.6}
    issues = issues_of(dump(valid_data))
    assert "≥ 0" in only(issues, "services[identity].staff").message
    assert "add up to 1" in only(issues, "segments[enterprise].tiers").message
