"""Evaluators: results in task order whatever the worker count; failures end the run."""

from __future__ import annotations

import os

import pytest
from concurrent.futures.process import BrokenProcessPool

from stratsim.runner.evaluators import ProcessPoolEvaluator, SerialEvaluator, evaluator_for


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
    with pytest.raises(BrokenProcessPool):
        ProcessPoolEvaluator(2).map(die_on_two, list(range(4)))
