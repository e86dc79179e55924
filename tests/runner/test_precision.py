"""--precision: batches until the key KPIs are tight enough, capped, equal to a plain run."""

from __future__ import annotations

import pytest

from stratsim.engine.compile import compile_scenario
from stratsim.runner.batches import ModelRun
from stratsim.runner.execution import ExecutionOptions, execute
from stratsim.runner.precision import KEY_KPIS, kpi_precision, next_count, run_to_precision
from stratsim.runner.simulation import simulate
from stratsim.scenario import load_scenario_text
from tests.conftest import SMALL_SCENARIO


def test_relative_half_width_and_the_kpis_it_skips():
    p = kpi_precision("s", "profit", [9.0, 11.0])
    # mean 10, s = √2, half-width t(0.975, 1) · √2 / √2 = 12.706
    assert p.half_width == pytest.approx(12.7062047, rel=1e-6)
    assert p.relative == pytest.approx(1.27062047, rel=1e-6)
    assert kpi_precision("s", "wait_mean_min", [0.0, 0.0]).skipped == "mean is 0: no relative precision"
    assert kpi_precision("s", "sla_attainment", [None, None]).skipped == "undefined in every replication"
    once = kpi_precision("s", "profit", [5.0, None])
    assert once.relative is None and once.skipped is None and not once.met(0.5)   # one value: not known yet


def test_next_count_projects_but_adds_between_a_quarter_and_all_of_n():
    assert next_count(20, 0.10, 0.05, 1000) == 40          # projected 80: at most doubling
    assert next_count(20, 0.06, 0.05, 1000) == 29          # projected 28.8 → 29
    assert next_count(20, 0.051, 0.05, 1000) == 25         # projected 21: at least a quarter more
    assert next_count(20, None, 0.05, 1000) == 40          # no interval yet: double
    assert next_count(20, 0.10, 0.05, 30) == 30            # never past the cap


def test_stops_once_met_and_equals_a_plain_run_with_that_count():
    scenario = load_scenario_text(SMALL_SCENARIO)
    execution = execute([scenario], ExecutionOptions(precision=0.05, max_replications=100))
    outcome = execution.precision
    assert outcome.met and outcome.replications < 100
    assert all(p.relative <= 0.05 for p in outcome.final if p.skipped is None)
    assert [p.kpi for p in outcome.final] == list(KEY_KPIS)
    # one batch fewer would not have done: the limiting KPIs were above target then
    assert len(outcome.counts) == 1 or outcome.limiting
    plain = simulate(scenario, replications=outcome.replications)
    assert execution.results[0].summary == plain.summary
    assert execution.results[0].records == plain.records


def test_the_cap_stops_it_first_and_says_which_kpis_were_short():
    scenario = load_scenario_text(SMALL_SCENARIO)
    execution = execute([scenario], ExecutionOptions(precision=0.001, max_replications=6))
    outcome = execution.precision
    assert not outcome.met and outcome.replications == 6 and outcome.counts[-1] == 6
    assert outcome.limiting and all(p.relative is None or p.relative > 0.001 for p in outcome.limiting)
    assert outcome.as_dict()["stopped_by"] == "max replications"
    assert any("not met after 6 replications" in w for w in execution.warnings)


def test_several_models_share_one_count_and_the_same_seeds():
    base = load_scenario_text(SMALL_SCENARIO)
    variant = load_scenario_text(SMALL_SCENARIO.replace("staff: 2", "staff: 3").replace("name: small", "name: more"))
    records, outcome = run_to_precision(
        [ModelRun(compile_scenario(base)), ModelRun(compile_scenario(variant))], ["small", "more"],
        seed=5, target=0.05, initial=3, max_replications=60)
    assert len(records[0]) == len(records[1]) == outcome.replications
    assert {p.model for p in outcome.final} == {"small", "more"}
    assert records[0] == simulate(base, replications=outcome.replications).records


def test_start_below_two_is_raised_to_two_and_cap_below_start_refused():
    with pytest.raises(ValueError, match="below the starting"):
        run_to_precision([ModelRun(compile_scenario(load_scenario_text(SMALL_SCENARIO)))], ["small"],
                         5, 0.05, initial=10, max_replications=5)
