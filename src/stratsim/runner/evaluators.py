"""How replications are run, kept apart from what they run (after EMA Workbench's evaluators).

An evaluator maps a picklable function over tasks and returns the results **in task order**,
whatever order they finish in, calling ``on_done`` once per finished task (for a progress
bar). Results never depend on the evaluator: every random stream is keyed by replication,
not by worker.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol


class Evaluator(Protocol):
    """Runs ``function`` over ``tasks``; results in task order."""

    name: str

    def map(
        self, function: Callable[[Any], Any], tasks: Sequence[Any], on_done: Callable[[], None] | None = None
    ) -> list[Any]: ...


class SerialEvaluator:
    """Runs every task in this process, one after the other."""

    name = "serial"

    def map(self, function, tasks, on_done=None):
        results = []
        for task in tasks:
            results.append(function(task))
            if on_done is not None:
                on_done()
        return results


class ProcessPoolEvaluator:
    """Runs tasks on ``jobs`` worker processes (started fresh with "spawn": no inherited state)."""

    name = "process-pool"

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs

    def map(self, function, tasks, on_done=None):
        results: list[Any] = [None] * len(tasks)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(self.jobs, len(tasks)), mp_context=context) as pool:
            futures = {pool.submit(function, task): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_done is not None:
                    on_done()
        return results


def evaluator_for(jobs: int) -> Evaluator:
    """Serial for one job, a process pool for more."""
    return SerialEvaluator() if jobs == 1 else ProcessPoolEvaluator(jobs)
