"""How replications are run, kept apart from what they run (after EMA Workbench's evaluators).

An evaluator maps a picklable function over tasks and returns the results **in task order**,
whatever order they finish in, calling ``on_done`` once per finished task (for a progress
bar). Results never depend on the evaluator: every random stream is keyed by replication,
not by worker.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Sequence
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
    """Runs tasks on ``jobs`` worker processes (started fresh with "spawn": no inherited state).

    Workers ignore Ctrl-C; the parent receives it (or SIGTERM, which the CLI turns into the
    same), terminates the workers at once and re-raises, so an interrupted run stops now, not
    after the tasks already handed out.
    """

    name = "process-pool"

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs

    def map(self, function, tasks, on_done=None):
        results: list[Any] = [None] * len(tasks)
        context = multiprocessing.get_context("spawn")
        pool = context.Pool(min(self.jobs, len(tasks)), initializer=_ignore_interrupts)
        try:
            indexed = [(function, i, task) for i, task in enumerate(tasks)]
            for i, result in pool.imap_unordered(_call_indexed, indexed):
                results[i] = result
                if on_done is not None:
                    on_done()
        except BaseException:
            pool.terminate()
            raise
        else:
            pool.close()
        finally:
            pool.join()
        return results


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call_indexed(item: tuple[Callable[[Any], Any], int, Any]) -> tuple[int, Any]:
    function, index, task = item
    return index, function(task)


def evaluator_for(jobs: int) -> Evaluator:
    """Serial for one job, a process pool for more."""
    return SerialEvaluator() if jobs == 1 else ProcessPoolEvaluator(jobs)
