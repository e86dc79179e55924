"""--warmup auto on the engine: a planted start-up transient is found, a stationary start is not."""

from __future__ import annotations

import math

from scipy import stats

from stratsim.analysis.queueing import mmc_mean_wait
from stratsim.runner.execution import ExecutionOptions, execute
from stratsim.runner.simulation import simulate
from stratsim.scenario import load_scenario_text

#: M/M/4 at ρ = 0.6 on a minute time scale (λ = 2.4/min, service 1 min): a relaxation time of
#: about 1/(cμ(1−√ρ)²) ≈ 5 min, so a day of 1-minute bins holds 288 MSER batches.
STATIONARY = """\
stratsim: 1
name: mm4
horizon: 1d
time_bin: 1min
replications: 20
seed: 1
services:
  - {id: desk, staff: 4, service_time: {dist: exponential, mean: 1min}}
segments:
  - {id: all, rate: 144, mix: {desk: 1}}
"""
#: The same desk with one server for its first hour (ρ = 2.4): about 1.4 × 60 = 84 customers
#: queue up, then four servers drain them at 1.6 a minute in about 52 minutes. The roster
#: repeats only next Monday, far beyond the horizon even once extended by the warm-up.
OVERLOADED_START = STATIONARY + """\
strategy:
  pattern:
    rosters:
      desk:
        - {days: mon, from: "00:00", to: "01:00", staff: 1}
"""
ERLANG_C_WAIT_MIN = mmc_mean_wait(2.4, 1.0, 4)   # minutes: the time unit is the minute here


def interval99(stat: dict) -> tuple[float, float]:
    half = stats.t.ppf(0.995, stat["n"] - 1) * stat["std"] / math.sqrt(stat["n"])
    return stat["mean"] - half, stat["mean"] + half


def test_planted_transient_is_cut_and_its_bias_goes_with_it():
    """At 100 minutes about 84 − 1.6 × 40 ≈ 20 customers still wait (steady state: 0.3), so
    the warm-up must reach past 100 minutes; the transient is over by about 2 hours, and
    twice that bounds what MSER's noise may add.

    With the warm-up chosen, the mean wait must be that of the same desk without the
    overloaded start measured over the same window (inside its 99 % interval: the streams
    are shared, so only a transient left over could move it), while without a warm-up the
    start's waits push the whole interval above the steady-state (Erlang C) wait.
    """
    scenario = load_scenario_text(OVERLOADED_START)
    execution = execute([scenario], ExecutionOptions(warmup_auto=True))
    choice = execution.warmup
    assert 100 / 60 <= choice.warmup_h <= 4
    assert [s.service for s in choice.deciding] == ["desk"] and not choice.warnings
    result = execution.results[0]
    assert result.scenario.warmup == choice.warmup_h
    assert result.scenario.horizon == choice.warmup_h + 24   # the measured day is kept
    steady = load_scenario_text(STATIONARY).model_copy(
        update={"warmup": result.scenario.warmup, "horizon": result.scenario.horizon})
    low, high = interval99(simulate(steady).summary["kpis"]["wait_mean_min"])
    assert low <= result.summary["kpis"]["wait_mean_min"]["mean"] <= high
    unwarmed = simulate(scenario).summary["kpis"]["wait_mean_min"]
    assert interval99(unwarmed)[0] > ERLANG_C_WAIT_MIN            # the transient biases the wait


def test_stationary_start_gets_a_short_warm_up():
    """An empty M/M/4 forgets its start within a few relaxation times (≈ 15 min); MSER's
    noise may add a few batches, but not 12 (an hour)."""
    choice = execute([load_scenario_text(STATIONARY)], ExecutionOptions(warmup_auto=True)).warmup
    assert choice.warmup_h <= 1
    assert choice.pilot_replications == 20 and choice.pilot_horizon_h == 24


def test_several_scenarios_share_the_largest_warm_up():
    execution = execute([load_scenario_text(STATIONARY), load_scenario_text(OVERLOADED_START)],
                        ExecutionOptions(warmup_auto=True, replications=5))
    choice = execution.warmup
    assert choice.warmup_h == max(s.truncation_h for s in choice.series)
    assert {r.scenario.warmup for r in execution.results} == {choice.warmup_h}
    assert choice.as_dict()["series"][0]["scenario"] == "mm4"
