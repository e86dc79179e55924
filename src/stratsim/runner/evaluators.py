"""How replications are run, kept apart from what they run (after EMA Workbench's evaluators).

An evaluator maps a picklable function over tasks and returns the results **in task order**,
whatever order they finish in, calling ``on_done`` once per finished task (for a progress
bar) and, if given, ``on_result(index, result)`` as each task finishes (a sweep saves a point
as soon as its last replication is in). Results never depend on the evaluator: every random
stream is keyed by replication, not by worker.

An evaluator is also a context manager: inside ``with evaluator:`` its workers are started
once and reused by every ``map`` (a warm-up pilot, batches of replications added for a
precision target, the points of a sweep); outside, each ``map`` starts and stops its own.

Start-up is what parallel runs of short replications pay for (measured in
``benchmarks/bench_parallel.py``): a replication of the helpdesk example takes about 20 ms,
while a worker started with "spawn" needs about half a second to import numpy, SimPy and the
engine; the per-task cost of pickling a compiled model (about 8 kB, 0.07 ms) and its KPI
record is small next to it, and tasks travel in chunks of decreasing size
(:func:`chunk_bounds`), so that the parent's bookkeeping is paid per chunk and no worker idles
at the end. So on Linux the pool forks its workers (a few ms) when that
is safe — the calling process runs a single thread, so no lock can be inherited held — and
forks them all when the pool starts, before a progress bar starts its thread; elsewhere, or
with other threads running, it spawns them as before. Workers hold no state that results
depend on (a task carries its model, seed and replication), so the start method changes
timings only, never a number.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Protocol

from stratsim.errors import BackendError

OnResult = Callable[[int, Any], None]
#: Each chunk takes 1/(this × workers) of the tasks left (see :func:`chunk_bounds`).
CHUNK_FACTOR = 2


class WorkerLost(BackendError, BrokenProcessPool):
    """A pool worker died (killed, out of memory): a clear error, and still a ``BrokenProcessPool``."""


class Evaluator(Protocol):
    """Runs ``function`` over ``tasks``; results in task order."""

    name: str

    def map(
        self, function: Callable[[Any], Any], tasks: Sequence[Any], on_done: Callable[[], None] | None = None,
        on_result: OnResult | None = None,
    ) -> list[Any]: ...

    def __enter__(self) -> Evaluator: ...

    def __exit__(self, *exc_info: object) -> None: ...


class SerialEvaluator:
    """Runs every task in this process, one after the other."""

    name = "serial"

    def map(self, function, tasks, on_done=None, on_result=None):
        results = []
        for index, task in enumerate(tasks):
            result = function(task)
            results.append(result)
            if on_result is not None:
                on_result(index, result)
            if on_done is not None:
                on_done()
        return results

    def __enter__(self) -> SerialEvaluator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


def default_start_method() -> str:
    """``"fork"`` on Linux when this process runs a single thread, else ``"spawn"``."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


class ProcessPoolEvaluator:
    """Runs tasks on ``jobs`` worker processes.

    Workers ignore Ctrl-C (they are started with SIGINT ignored, so even one still starting
    prints nothing) and take SIGTERM's default action; the parent receives it — or SIGTERM,
    which the CLI turns into the same — terminates the workers at once and re-raises, so an
    interrupted run stops now, not after the tasks already handed out. A worker that dies
    (killed, out of memory) breaks the pool: the run fails with :class:`WorkerLost` (a
    ``BrokenProcessPool`` and a user-facing :class:`~stratsim.errors.BackendError`) instead
    of waiting for ever. On Linux a worker also ends when the process that started it ends,
    even killed by SIGKILL, which no handler sees (:func:`end_with_parent`): idle workers wait
    on a queue whose writing end they all hold, so they would otherwise wait for ever. The
    kernel ties that to the *thread* that started the workers: use an evaluator from the thread
    that entered it (as every ``with evaluator:`` does). ``start_method`` defaults to
    :func:`default_start_method`.
    """

    name = "process-pool"

    def __init__(self, jobs: int, start_method: str | None = None) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs
        self.start_method = start_method
        self._pool: ProcessPoolExecutor | None = None
        self._depth = 0   # nested ``with``: the outermost one owns the workers

    def _start(self, workers: int) -> ProcessPoolExecutor:
        """A pool whose workers are all started now (forked before any thread of ours runs)."""
        method = self.start_method or default_start_method()
        context = multiprocessing.get_context(method)
        # a forkserver's workers are its children, not ours: their link is to the server, which
        # ends when this process does
        parent = None if method == "forkserver" else os.getpid()
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                   initargs=(parent,))
        try:
            with _interrupts_ignored():   # workers start with SIGINT ignored (inherited by exec)
                for _ in range(workers):   # one no-op task per worker starts them all now
                    pool.submit(_ready)
        except BaseException:
            _stop(pool)
            raise
        return pool

    def __enter__(self) -> ProcessPoolEvaluator:
        if self._pool is None:
            self._pool = self._start(self.jobs)
        self._depth += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth = max(self._depth - 1, 0)
        if self._depth:
            return
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if exc_info and exc_info[0] is not None:
            _stop(pool)
        else:
            pool.shutdown()

    def map(self, function, tasks, on_done=None, on_result=None):
        results: list[Any] = [None] * len(tasks)
        if not tasks:
            return results
        own = self._pool is None
        pool = self._start(min(self.jobs, len(tasks))) if own else self._pool
        try:
            with _interrupts_ignored():
                futures = {pool.submit(run_chunk, (function, list(tasks[start:stop]))): (start, stop)
                           for start, stop in chunk_bounds(len(tasks), self.jobs)}
            for future in as_completed(futures):
                start, stop = futures[future]
                try:
                    chunk = future.result()
                except BrokenProcessPool as error:
                    raise WorkerLost(f"a worker process died while running tasks {start}-{stop - 1} "
                                     f"(killed, or out of memory?): {error}") from None
                for index, result in enumerate(chunk, start):
                    results[index] = result
                    if on_result is not None:
                        on_result(index, result)
                    if on_done is not None:
                        on_done()
        except BaseException:
            _stop(pool)
            self._pool = None
            raise
        if own:
            pool.shutdown()
        return results


def chunk_bounds(tasks: int, workers: int, factor: int = CHUNK_FACTOR) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of decreasing size (guided self-scheduling).

    Each chunk takes ``1 / (factor × workers)`` of the tasks still unassigned (at least one),
    so the first chunks are large — the parent's cost of handing out a task (about half a
    millisecond: queues, futures, pickling) is paid per chunk, and a model the chunk's tasks
    share is pickled once — and the last ones hold a single task each, so no worker idles at
    the end while another finishes a long chunk. Workers take chunks in this order as they
    become free. With equal chunks of five 22 ms replications, the last chunk alone left a
    worker idle for up to 0.1 s of a one-second batch; here the wait is at most one task.
    """
    share = max(workers, 1) * factor
    bounds, start = [], 0
    while start < tasks:
        stop = start + max(1, -(-(tasks - start) // share))
        bounds.append((start, stop))
        start = stop
    return bounds


def run_chunk(job: tuple[Callable[[Any], Any], list[Any]]) -> list[Any]:
    """Run a chunk of tasks in a worker: the function and its tasks, results in order."""
    function, tasks = job
    return [function(task) for task in tasks]


def _ready() -> None:
    """A no-op task: its result says a worker is up."""


def _stop(pool: ProcessPoolExecutor) -> None:
    _terminate_workers(pool)
    pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def _interrupts_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield   # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_worker(parent: int | None) -> None:
    """In each worker as it starts: Ctrl-C is the parent's to handle, SIGTERM ends the worker,
    and so does the end of the parent (pid ``parent``; ``None``: do not check which it is)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # a forked worker inherits the CLI's handler
    end_with_parent(parent)


#: ``prctl`` option: the signal this process gets when the thread that started it ends (Linux).
PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int | None) -> None:
    """Linux: have the kernel send this process SIGTERM when its parent ends; if the parent
    ``parent`` has ended already (before the request took hold), end now. Elsewhere nothing.
    For a process started to work for another (pool workers, the report drawer), whose work
    means nothing once that one is gone, even killed by SIGKILL.

    The signal follows the parent *thread* that started the worker: the pool starts its
    workers from the thread that makes the pool, which keeps using it."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):   # no C library to ask: the worker stays as before
        return
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


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
