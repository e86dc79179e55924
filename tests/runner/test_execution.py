"""Running scenarios together: shared seed and count from the first, one replication alone."""

from __future__ import annotations

import pytest

from stratsim.errors import StratsimError
from stratsim.runner.execution import ExecutionOptions, check_options, execute, single_replication
from stratsim.runner.simulation import simulate
from stratsim.scenario import load_scenario_text
from tests.conftest import SMALL_SCENARIO


def test_scenarios_share_the_first_ones_seed_and_count():
    base = load_scenario_text(SMALL_SCENARIO)
    other = load_scenario_text(SMALL_SCENARIO.replace("seed: 5", "seed: 9").replace("replications: 3", "replications: 7")
                               .replace("name: small", "name: other"))
    execution = execute([base, other])
    assert [r.replications for r in execution.results] == [3, 3]
    assert [r.seed for r in execution.results] == [5, 5]
    assert execution.results[0].summary == simulate(base).summary
    assert execution.results[1].summary == simulate(other, replications=3, seed=5).summary
    assert execution.warmup is None and execution.precision is None and execution.manifest_extras() == {}


def test_one_replication_alone_is_that_replication_of_a_run():
    scenario = load_scenario_text(SMALL_SCENARIO)
    assert single_replication(scenario, 2) == simulate(scenario).records[2]
    assert single_replication(scenario, 0, seed=6) == simulate(scenario, seed=6).records[0]


def test_a_cap_below_the_start_is_refused_before_anything_runs():
    scenario = load_scenario_text(SMALL_SCENARIO)
    with pytest.raises(StratsimError, match="--max-replications 2 is below the starting replications"):
        check_options(ExecutionOptions(precision=0.05, replications=5, max_replications=2), scenario)
    check_options(ExecutionOptions(replications=5, max_replications=2), scenario)   # no precision: no cap
