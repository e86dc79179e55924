"""Sweep designs: values, grid size, Latin hypercube strata, parameters checked at once."""

from __future__ import annotations

import math

import pytest

from stratsim.errors import ScenarioError
from stratsim.runner.sweep_design import Origin, SweepDesign, merge_design, parse_option, point_scenarios
from stratsim.scenario import load_scenario_text
from tests.conftest import SMALL_SCENARIO

FILE = lambda path: Origin("f.yaml", 3, 5, f"sweep.params.{path}")   # noqa: E731


def test_values_ranges_and_lists():
    assert parse_option("services.desk.staff=4..8").values == (4, 5, 6, 7, 8)
    assert parse_option("services.desk.price=30,35,40").values == (30, 35, 40)
    assert parse_option("services.desk.service_time.mean=15min, 20min").values == ("15min", "20min")
    continuous = parse_option("segments.staff.rate=4.5..6")
    assert continuous.continuous and (continuous.low, continuous.high) == (4.5, 6.0)
    assert continuous.value_at(0.5) == 5.25
    assert parse_option("services.desk.staff=-1..1").values == (-1, 0, 1)


@pytest.mark.parametrize("option, message", [
    ("services.desk.staff", "expected PATH=VALUES"),
    ("services.desk.staff=8..4", "8..4: 4 is below 8"),
    ("services.desk.staff=a..b", "a range lo..hi needs two numbers"),
    ("services.desk.staff=1,,2", "separated by commas"),
])
def test_malformed_values_are_refused_naming_the_option(option, message):
    with pytest.raises(ScenarioError) as error:
        parse_option(option)
    assert str(error.value).startswith(f"--param {option}:") and message in str(error.value)


def test_full_grid_is_the_product_in_row_major_order():
    design = merge_design(None, ["services.desk.staff=2..4", "services.desk.price=30,40"], None, None, FILE)
    points = design.points(seed=5)
    assert len(points) == 3 * 2
    assert points[:3] == [{"services.desk.staff": 2, "services.desk.price": 30},
                          {"services.desk.staff": 2, "services.desk.price": 40},
                          {"services.desk.staff": 3, "services.desk.price": 30}]


def test_latin_hypercube_has_one_point_per_stratum_in_every_dimension():
    options = ["segments.staff.rate=4.0..6.0", "services.desk.price=30.0..50.0", "services.desk.staff=2..4"]
    design = merge_design(None, options, 7, None, FILE)
    points = design.points(seed=5)
    assert len(points) == 7
    for param in design.params[:2]:
        strata = sorted(math.floor((p[param.path] - param.low) / (param.high - param.low) * 7) for p in points)
        assert strata == list(range(7))
    assert {p["services.desk.staff"] for p in points} <= {2, 3, 4}
    assert design.points(seed=5) == points and design.points(seed=6) != points   # seeded by the scenario seed


def test_continuous_range_needs_samples_and_pareto_kpis_need_a_direction():
    with pytest.raises(ScenarioError, match="needs --samples N"):
        merge_design(None, ["segments.staff.rate=4.0..6.0"], None, None, FILE)
    with pytest.raises(ScenarioError, match="no better direction is defined for 'utilization'"):
        merge_design(None, ["services.desk.staff=2..3"], None, "profit,utilization", FILE)


def test_command_line_adds_to_the_file_block_and_wins_on_the_same_path():
    scenario = load_scenario_text(SMALL_SCENARIO + "sweep:\n  params:\n    services.desk.staff: 2..3\n"
                                  "    services.desk.price: [30, 40]\n  pareto: [profit, wait_mean_min]\n")
    design = merge_design(scenario.sweep, ["services.desk.staff=4"], None, None, FILE)
    assert [(p.path, p.values) for p in design.params] == [("services.desk.price", (30, 40)),
                                                          ("services.desk.staff", (4,))]
    assert design.pareto == ("profit", "wait_mean_min")
    assert design.params[0].origin == FILE("services.desk.price")


def test_every_bad_path_and_value_reported_at_once_naming_its_parameter():
    scenario = load_scenario_text(SMALL_SCENARIO)
    design = merge_design(None, ["services.desk.stafff=2", "services.desk.price=-5,40",
                                 "segments.nobody.rate=1"], None, None, FILE)
    with pytest.raises(ScenarioError) as error:
        point_scenarios(scenario, design, design.points(5))
    lines = str(error.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith('--param services.desk.stafff=2: services[0] has no field "stafff"')
    assert lines[1] == "--param services.desk.price=-5,40: value -5: services[0].price: expected a number ≥ 0, got -5"
    assert lines[2].startswith('--param segments.nobody.rate=1: segments has no item with id "nobody"')


def test_design_requires_something_to_sweep():
    with pytest.raises(ScenarioError, match="nothing to sweep"):
        SweepDesign(()).check()
