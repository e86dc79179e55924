"""Evaluators: results in task order whatever the worker count; failures end the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from concurrent.futures.process import BrokenProcessPool

from stratsim.runner.evaluators import ProcessPoolEvaluator, SerialEvaluator, evaluator_for
from tests.conftest import gone


def square(x: int) -> int:
    return x * x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("task 3 failed")
    return x


def die_on_two(x: int) -> int:
    if x == 2:
        os._exit(9)   # a worker killed mid-task (as by the out-of-memory killer)
    return x


def test_results_in_task_order_and_progress_counted():
    done = []
    assert ProcessPoolEvaluator(2).map(square, list(range(7)), lambda: done.append(1)) == [
        x * x for x in range(7)]
    assert len(done) == 7
    assert SerialEvaluator().map(square, [3, 1]) == [9, 1]
    assert isinstance(evaluator_for(1), SerialEvaluator) and isinstance(evaluator_for(3), ProcessPoolEvaluator)


def test_a_failing_task_fails_the_run_with_its_own_error():
    with pytest.raises(ValueError, match="task 3 failed"):
        ProcessPoolEvaluator(2).map(fail_on_three, list(range(6)))


def test_a_dead_worker_fails_the_run_instead_of_hanging():
    with pytest.raises(BrokenProcessPool, match="a worker process died while running tasks"):
        ProcessPoolEvaluator(2).map(die_on_two, list(range(4)))


def worker_pid(_: int) -> int:
    return os.getpid()


def test_a_session_starts_the_workers_once_for_every_map():
    with ProcessPoolEvaluator(2) as evaluator:
        first = set(evaluator.map(worker_pid, list(range(6))))
        second = set(evaluator.map(worker_pid, list(range(6))))
    assert len(first | second) <= 2 and os.getpid() not in first | second


def test_nested_sessions_keep_the_workers_until_the_outermost_ends():
    evaluator = ProcessPoolEvaluator(2)
    with evaluator:
        pool = evaluator._pool
        with evaluator:
            evaluator.map(worker_pid, list(range(4)))
        assert evaluator._pool is pool and evaluator.map(square, [3]) == [9]
    assert evaluator._pool is None


def test_on_result_gets_each_index_and_result_once():
    seen = []
    for evaluator in (SerialEvaluator(), ProcessPoolEvaluator(2)):
        seen.clear()
        evaluator.map(square, [4, 5, 6], on_result=lambda i, r: seen.append((i, r)))
        assert sorted(seen) == [(0, 16), (1, 25), (2, 36)]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_fork_and_spawn_workers_give_the_same_records(method, small_scenario):
    from stratsim.engine.compile import compile_scenario
    from stratsim.runner.replications import ReplicationTask, run_task
    from stratsim.scenario import load_scenario

    model = compile_scenario(load_scenario(small_scenario))
    tasks = [ReplicationTask(model, 5, r) for r in range(3)]
    assert ProcessPoolEvaluator(2, start_method=method).map(run_task, tasks) == SerialEvaluator().map(run_task, tasks)


def test_fork_only_when_single_threaded(monkeypatch):
    from stratsim.runner import evaluators

    monkeypatch.setattr(evaluators.threading, "active_count", lambda: 2)
    assert evaluators.default_start_method() == "spawn"
    monkeypatch.setattr(evaluators.threading, "active_count", lambda: 1)
    monkeypatch.setattr(evaluators.sys, "platform", "linux")
    assert evaluators.default_start_method() == "fork"


def test_chunks_shrink_to_single_tasks_and_cover_every_task_once():
    from stratsim.runner.evaluators import chunk_bounds

    bounds = chunk_bounds(80, 2)
    sizes = [stop - start for start, stop in bounds]
    assert bounds[0] == (0, 20) and sizes == sorted(sizes, reverse=True) and sizes[-4:] == [1, 1, 1, 1]
    assert [start for start, _ in bounds[1:]] == [stop for _, stop in bounds[:-1]] and bounds[-1][1] == 80
    assert chunk_bounds(3, 2) == [(0, 1), (1, 2), (2, 3)] and chunk_bounds(0, 2) == []
    assert chunk_bounds(8, 0) == [(0, 4), (4, 6), (6, 7), (7, 8)]   # no workers known: as one


def test_chunks_keep_task_order_and_count_every_task():
    done, seen = [], []
    results = ProcessPoolEvaluator(2).map(square, list(range(37)), lambda: done.append(1),
                                          lambda i, r: seen.append(i))
    assert results == [x * x for x in range(37)] and len(done) == 37 and sorted(seen) == list(range(37))


KILLED_PARENT = """
import os, sys, time
from stratsim.runner.evaluators import ProcessPoolEvaluator
evaluator = ProcessPoolEvaluator(2, start_method=sys.argv[1])
with evaluator:
    ready = set()   # workers that have run a task, so their start is over (a spawned one takes long)
    while len(ready) < 2:
        ready |= set(evaluator.map(os.readlink, ["/proc/self"] * 8))
    print(*ready, flush=True)
    time.sleep(120)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_end_when_their_parent_is_killed(method, tmp_path):
    """SIGKILL leaves the parent no chance to stop its workers: they end on their own, instead
    of waiting for ever on a queue whose writing end they all hold."""
    errors = tmp_path / "stderr.txt"   # the killed parent's resource tracker complains there
    with open(errors, "w") as stderr:
        parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, method], stdout=subprocess.PIPE,
                                  stderr=stderr, text=True)
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and not any(gone(pid, wait_s=0.0) for pid in workers), errors.read_text()
    finally:
        parent.kill()
        parent.wait()
    left = [pid for pid in workers if not gone(pid, wait_s=30.0)]
    for pid in left:   # do not leave them behind if the check fails
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent"
