"""Limits on scenario numbers: refused beyond, with a located error that states the limit; the
JSON Schema publishes the same limits."""

from __future__ import annotations

from typing import Any

import pytest
from scenario_testkit import dump, issues_of, only

from stratsim.engine.compile import compile_scenario
from stratsim.scenario import load_scenario_text, scenario_json_schema
from stratsim.scenario.limits import (
    MAX_CV,
    MAX_DURATION_H,
    MAX_GROWTH_PER_YEAR,
    MAX_MONEY,
    MAX_PRICE_FACTOR,
    MAX_RATE,
    MAX_REPLICATIONS,
    MAX_STAFF,
    MAX_WAITING,
    MIN_PRICE_ELASTICITY,
)

LIMITS = {
    # name: (path of the value, the limit, how the message writes the limit)
    "staff": (("services", 0, "staff"), MAX_STAFF, "at most 100,000 servers"),
    "roster staff": (("strategy", "pattern", "rosters", "helpdesk", 0, "staff"), MAX_STAFF,
                     "at most 100,000 servers"),
    "queue capacity": (("services", 0, "queue_capacity"), MAX_WAITING,
                       "at most 10,000,000 customers waiting"),
    "balk at": (("segments", 0, "balk_at"), MAX_WAITING, "at most 10,000,000 customers waiting"),
    "rate": (("segments", 1, "rate"), MAX_RATE, "at most 1,000,000 customers per hour"),
    "price": (("services", 0, "price"), MAX_MONEY, "at most 1,000,000,000,000"),
    "staff hour cost": (("services", 0, "costs", "staff_hour"), MAX_MONEY, "at most 1,000,000,000,000"),
    "market price": (("strategy", "position", "market_price", "helpdesk"), MAX_MONEY,
                     "at most 1,000,000,000,000"),
    "price factor": (("services", 0, "tiers", 0, "price_factor"), MAX_PRICE_FACTOR, "at most 1,000"),
    "growth": (("segments", 0, "growth_per_year"), MAX_GROWTH_PER_YEAR, "at most 10"),
    "cv": (("services", 0, "service_time", "cv"), MAX_CV, "at most 100"),
    "replications": (("replications",), MAX_REPLICATIONS, "at most 100,000 replications"),
    "horizon": (("horizon",), MAX_DURATION_H, "at most 100 years (876,000h"),
    "service time": (("services", 0, "service_time", "mean"), MAX_DURATION_H, "at most 100 years"),
    "daily profile factor": (("segments", 0, "daily_profile", 3), MAX_RATE, "at most 1,000,000"),
}


def put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def path_text(path: tuple[Any, ...], valid_data: dict[str, Any]) -> str:
    from stratsim.scenario.paths import format_path

    return format_path(path, valid_data)


def prepare(valid_data: dict[str, Any], case: str) -> dict[str, Any]:
    if case == "daily profile factor":
        valid_data["segments"][0]["daily_profile"] = [1.0] * 24
    return valid_data


@pytest.mark.parametrize("case", LIMITS, ids=list(LIMITS))
def test_a_number_beyond_its_limit_is_refused_with_the_limit_in_the_message(
    valid_data: dict[str, Any], case: str
) -> None:
    path, limit, words = LIMITS[case]
    data = prepare(valid_data, case)
    beyond = limit * 10 if isinstance(limit, int) else limit * 1.5
    issues = issues_of(dump(put(data, path, beyond)))
    where = path[:-1] if case == "daily profile factor" else path   # the profile is one value
    issue = only(issues, path_text(where, data))
    assert words in issue.message and "a limit of stratsim" in issue.message, issue.message
    assert issue.line is not None


@pytest.mark.parametrize("case", [c for c in LIMITS if c not in ("horizon", "service time", "replications")])
def test_the_limit_itself_is_accepted(valid_data: dict[str, Any], case: str) -> None:
    path, limit, _ = LIMITS[case]
    data = prepare(valid_data, case)
    scenario = load_scenario_text(dump(put(data, path, limit)))
    compile_scenario(scenario)


def test_the_elasticity_floor(valid_data: dict[str, Any]) -> None:
    path = ("segments", 0, "price_elasticity")
    load_scenario_text(dump(put(valid_data, path, MIN_PRICE_ELASTICITY)))
    issue = only(issues_of(dump(put(valid_data, path, MIN_PRICE_ELASTICITY * 2))), "segments[enterprise].price_elasticity")
    assert "at least -100" in issue.message


@pytest.mark.parametrize("field", ["price", "rate"])
def test_an_integer_too_large_for_a_float_is_a_limit_error_not_a_crash(valid_text: str, field: str) -> None:
    huge = "9" * 400
    text = valid_text.replace("    price: 40\n", f"    price: {huge}\n") if field == "price" \
        else valid_text.replace("    rate: 2\n", f"    rate: {huge}\n")
    issues = issues_of(text)
    assert any("a limit of stratsim" in i.message and i.path.endswith(field) for i in issues)


def test_an_integer_too_large_for_a_float_in_an_unsupported_field_is_no_crash(valid_data: dict[str, Any]) -> None:
    valid_data["services"][0]["costs"]["launch"] = 10**400
    issues = issues_of(dump(valid_data))
    assert any(i.path == "services[helpdesk].costs.launch" for i in issues)


def test_a_start_date_leaves_room_for_the_longest_run(valid_data: dict[str, Any]) -> None:
    import datetime

    valid_data["start"] = datetime.date(9899, 12, 25)   # a Monday
    load_scenario_text(dump(valid_data))
    valid_data["start"] = datetime.date(9999, 12, 27)   # a Monday, but 8 days before the end
    assert "before the year 9900" in only(issues_of(dump(valid_data)), "start").message


def test_ids_and_names_have_a_length_limit(valid_data: dict[str, Any]) -> None:
    valid_data["name"] = "n" * 101
    valid_data["services"][1]["id"] = "s" * 65
    issues = issues_of(dump(valid_data))
    assert "at most 100 characters, got 101" in only(issues, "name").message
    assert "at most 64 characters, got 65" in only(issues, "services[1].id").message


def test_the_schema_publishes_the_limits() -> None:
    schema = scenario_json_schema()
    defs = schema["$defs"]
    assert defs["Service"]["properties"]["staff"]["maximum"] == MAX_STAFF
    assert defs["RosterWindow"]["properties"]["staff"]["maximum"] == MAX_STAFF
    assert defs["Segment"]["properties"]["rate"]["maximum"] == MAX_RATE
    assert defs["Costs"]["properties"]["staff_hour"]["maximum"] == MAX_MONEY
    assert defs["Segment"]["properties"]["price_elasticity"]["minimum"] == MIN_PRICE_ELASTICITY
    assert schema["properties"]["replications"]["maximum"] == MAX_REPLICATIONS
    horizon_number = next(o for o in schema["properties"]["horizon"]["anyOf"] if o["type"] == "number")
    assert horizon_number["maximum"] == MAX_DURATION_H
