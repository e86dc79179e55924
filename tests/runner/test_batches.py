"""Batches of several models: replication r of every model, results per model in order."""

from __future__ import annotations

from stratsim.engine.compile import compile_scenario
from stratsim.runner.batches import ModelRun, run_batch
from stratsim.runner.evaluators import SerialEvaluator
from stratsim.runner.replications import join_timeseries, run_replications
from stratsim.scenario import load_scenario_text
from tests.conftest import SMALL_SCENARIO


def models():
    base = compile_scenario(load_scenario_text(SMALL_SCENARIO))
    more = compile_scenario(load_scenario_text(SMALL_SCENARIO.replace("staff: 2", "staff: 3")))
    return base, more


def test_a_batch_adds_the_same_replication_numbers_to_every_model():
    base, more = models()
    first, second = run_batch([ModelRun(base), ModelRun(more)], 5, 0, 2), run_batch([ModelRun(base), ModelRun(more)], 5, 2, 4)
    assert first[0] + second[0] == run_replications(base, 5, 4)
    assert first[1] + second[1] == run_replications(more, 5, 4)
    assert run_batch([ModelRun(base)], 5, 3, 3) == [[]]


class ElsewhereEvaluator(SerialEvaluator):
    """An evaluator whose workers cannot write into this process's folders."""

    shares_files = False


def test_workers_without_our_files_send_their_time_series_back(tmp_path):
    base, _ = models()
    records = {}
    for name, evaluator in (("here", SerialEvaluator()), ("elsewhere", ElsewhereEvaluator())):
        folder = tmp_path / name
        folder.mkdir()
        records[name] = run_batch([ModelRun(base, folder)], 5, 0, 2, evaluator)
        join_timeseries(folder, 2, tmp_path / f"{name}.csv")
    assert records["here"] == records["elsewhere"]
    assert (tmp_path / "here.csv").read_bytes() == (tmp_path / "elsewhere.csv").read_bytes()
