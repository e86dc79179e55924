"""How replications are run, kept apart from what they run (after EMA Workbench's evaluators).

An evaluator maps a picklable function over tasks and returns the results **in task order**,
whatever order they finish in, calling ``on_done`` once per finished task (for a progress
bar). Results never depend on the evaluator: every random stream is keyed by replication,
not by worker.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
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

    Workers ignore Ctrl-C (they are started with SIGINT ignored, so even one still starting
    prints nothing); the parent receives it — or SIGTERM, which the CLI turns into the same —
    terminates the workers at once and re-raises, so an interrupted run stops now, not after
    the tasks already handed out. A worker that dies (killed, out of memory) breaks the pool:
    the run fails with ``BrokenProcessPool`` instead of waiting for ever.
    """

    name = "process-pool"

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs

    def map(self, function, tasks, on_done=None):
        results: list[Any] = [None] * len(tasks)
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=min(self.jobs, len(tasks)), mp_context=context,
                                   initializer=_ignore_interrupts)
        try:
            with _interrupts_ignored():   # workers start with SIGINT ignored (inherited by exec)
                futures = {pool.submit(function, task): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_done is not None:
                    on_done()
        except BaseException:
            _terminate_workers(pool)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return results


@contextmanager
def _interrupts_ignored() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now (Python 3.14 has ``terminate_workers``; before, its process table)."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def evaluator_for(jobs: int) -> Evaluator:
    """Serial for one job, a process pool for more."""
    return SerialEvaluator() if jobs == 1 else ProcessPoolEvaluator(jobs)
