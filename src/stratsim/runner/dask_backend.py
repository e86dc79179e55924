"""The Dask backend: replications and sweep points on a Dask distributed cluster.

:class:`DaskEvaluator` implements the evaluator interface of :mod:`stratsim.runner.evaluators`
through a real ``distributed.Client``: with a scheduler address it connects to that cluster;
without one it starts a ``LocalCluster`` of ``jobs`` worker processes (``processes=True``,
one thread each, dashboard off, listening on 127.0.0.1 only) — never Dask's synchronous
scheduler, so the work really crosses process boundaries as it would on a cluster. Nothing
listens beyond loopback: the scheduler, the workers and their HTTP servers (which Dask starts
even with the dashboard off) bind to 127.0.0.1, and those servers serve no pages at all
(:data:`NO_HTTP_ROUTES`).

Decisions, and why:

* **Results in task order, progress as tasks finish**: futures are collected with
  ``distributed.as_completed``; each result lands at its task's index. Every random stream is
  keyed by replication, so the numbers equal a serial or process-pool run bit for bit.
* **A worker that dies fails the run at once.** Dask's default retries a task whose worker
  died up to three times; our tasks are deterministic, so a task that killed its worker (out
  of memory) would only kill the next ones. The local cluster's scheduler is started with
  ``allowed-failures: 0`` and a ``KilledWorker`` becomes a :class:`~stratsim.errors.BackendError`
  naming the task. (A remote scheduler keeps its own setting.) The dead worker's nanny starts
  a new one with the cluster's settings: each nanny is given its own copy of them, since the
  one Dask would keep shares its sections with Dask's global configuration, which is back to
  the defaults once the cluster stands. Dask reads the start method from that global
  configuration, though, so the new worker is a fresh interpreter ("spawn", about half a
  second) that does not ignore Ctrl-C; by then the run has already failed.
* **Ctrl-C cancels the futures and closes the client and the cluster it started.** The local
  workers are forked from a server started with SIGINT ignored, like the process pool's
  workers, so only this process handles the interrupt and the workers print nothing. While
  the cluster starts or stops (a second or two), Ctrl-C and SIGTERM are held back and honoured
  as soon as it is whole: a cluster interrupted half-way leaves worker processes behind.
* **Workers start with "forkserver"** (Dask's default is "spawn"): each worker is forked from
  one server process that runs a single thread, so a second worker costs a fork instead of
  another interpreter importing everything. When this process runs a single thread as the
  cluster starts (the command line does), the server itself is forked from it, already holding
  distributed and the engine: the cluster then starts in a few tenths of a second instead of
  well over one (see :func:`_start_forkserver`); otherwise a fresh server imports them.
  Workers are never forked straight from this process once Dask's threads run in it.
* **A nanny hears its worker has started within milliseconds**: Dask's nanny polls for that
  message every 50 ms (``WorkerProcess._init_msg_interval``), which adds 25 ms on average and
  up to 50 ms to a local cluster's start, against a whole start of about 0.1 s;
  :func:`_poll_worker_starts_promptly` makes it 5 ms (two hundred wake-ups a second per
  nanny, for the tenth of a second a start lasts). Twelve interleaved rounds of a 2-worker
  cluster started, given one task and closed: median 0.23 → 0.19 s.
* **Workers start warm.** Two things every new worker does are done once in this process
  before the forkserver is forked from it, so the workers inherit them done
  (:func:`_warm_worker_start`): Dask's version report, which each worker sends as it registers
  (reading nine packages' metadata, about 10 ms; Dask caches it), and the import of
  ``numpy.random``, which Dask's worker start-up needs to reseed NumPy's global generator and
  which NumPy loads lazily (5–10 ms). Sixteen interleaved rounds of a 2-worker cluster started,
  given two tasks and closed: 14 ms (± 8) less.
* **Messages leave within half a millisecond.** Each Dask message stream batches what it sends,
  waiting up to an interval after its last send (the client's to the scheduler 10 ms, the
  scheduler's to a worker 5 ms, a worker's and the scheduler's to a client 2 ms): right for a
  big cluster's flood of messages, a wait at every start, hand-over and close for a local
  cluster's few tasks. The local cluster's streams wait :data:`STREAM_BATCH_S` instead: the
  scheduler's and the workers' through this module's :func:`dask_setup`, which they run as a
  Dask preload, the client's once it has connected (:func:`_send_promptly`).
  Sixteen interleaved rounds as above: 18 ms (± 10) less, most of it in closing.
* **Tasks go to Dask in chunks** of consecutive tasks, large first and single tasks last
  (:func:`~stratsim.runner.evaluators.chunk_bounds`): every Dask task costs a few milliseconds
  of scheduler and client work in this process, which on a small machine competes with the
  workers themselves, and a replication may take only 20 ms; the small last chunks keep both
  workers busy to the end. Progress is counted per task as chunks end.
* **A chunk's results travel as one pickled ``bytes``** (:func:`run_chunk_packed`): Dask
  measures every result it keeps (``dask.sizeof`` walks a list of KPI records dict by dict,
  about 1 ms per chunk, twice) and serializes it on the worker's event loop, both competing
  with the other worker for a core; bytes cost nothing to measure and are sent as they are.
  On the compare-sized work (10 interleaved rounds each, medians) the two workers' event
  loops spent 0.08 s of CPU per batch before, 0.05 s after; the batch's wall time did not
  move measurably on this machine (8 interleaved rounds each). This process unpickles the
  results, as Dask would have.
* **Remote workers may not see this machine's files**: with a scheduler address, replications
  return their part files (time series, waits, strategy log, week) as text to this process,
  which writes them into the result folder (``shares_files``).
* **Remote workers must run the same stratsim**: on connecting, every worker's stratsim
  version is checked against this one, since a different engine could give different numbers.
* ``distributed`` is imported only when this backend is used; without it the error says to
  install the extra: ``pip install -e ".[dask]"``.
"""

from __future__ import annotations

import copy
import gc
import pickle
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from stratsim import __version__
from stratsim.errors import BackendError
from stratsim.runner.evaluators import OnResult, chunk_bounds, run_chunk

INSTALL_HINT = 'the Dask backend needs the dask extra: pip install -e ".[dask]" (or pip install "distributed")'
CONNECT_TIMEOUT_S = 10
#: Modules the forkserver imports once, so forked workers start with them loaded
#: (``numpy.random``: see "Workers start warm" above).
FORKSERVER_PRELOAD = ("distributed", "numpy.random", "stratsim.runner.replications")
#: How long a local cluster's message streams wait to batch messages (seconds; see above).
STREAM_BATCH_S = 0.0005
#: Dask's diagnostics that feed the dashboard (off here) and cost the work CPU on a small
#: machine: the workers' statistical profiler samples the running task's stack every 10 ms
#: (holding the interpreter lock each time), every event loop times itself every 20 ms, and
#: the system monitor reads /proc twice a second. The nannies still watch their workers'
#: memory, once a second instead of ten times.
QUIET_DIAGNOSTICS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}
#: The pages of the HTTP servers Dask starts in a local cluster's scheduler and workers even
#: with the dashboard off (Prometheus metrics, health, cluster information, a proxy to the
#: workers): nothing of stratsim's reads them, so none is served. Each page's module was
#: imported as the scheduler and each worker started: twenty interleaved rounds of a 2-worker
#: cluster started, given two tasks and closed, 11 ms (± 7) less.
NO_HTTP_ROUTES = {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}


def import_distributed() -> Any:
    """The ``distributed`` module, or a :class:`BackendError` saying how to install it.

    Imported with the garbage collector paused: the import creates a couple of hundred
    thousand objects, nearly all for good (modules, classes, functions), and each collection
    they set off would scan them and everything the engine, SciPy and pydantic hold. Six
    interleaved rounds in a process holding those: 185–214 ms → 147–158 ms. The collector
    runs as before once the import is done."""
    try:
        with _collector_paused():
            import distributed
    except ImportError:
        raise BackendError(INSTALL_HINT) from None
    return distributed


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _stratsim_version() -> str:
    import stratsim

    return stratsim.__version__


class DaskEvaluator:
    """Runs tasks on a Dask cluster: ``scheduler`` (an address) or a new local cluster."""

    name = "dask"

    def __init__(self, jobs: int = 1, scheduler: str | None = None,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S, start_method: str = "forkserver") -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs
        self.scheduler = scheduler
        self.connect_timeout_s = connect_timeout_s
        self.start_method = start_method   # of the local cluster's workers (benchmarks compare them)
        self._client: Any = None
        self._cluster: Any = None
        self._depth = 0   # nested ``with``: the outermost one owns the client and cluster

    @property
    def shares_files(self) -> bool:
        """Whether workers can write into this process's result folder (local cluster only)."""
        return not self.scheduler

    @property
    def description(self) -> str:
        """Where the work runs, for the manifest."""
        if self.scheduler:
            return f"scheduler {self.scheduler}"
        return f"local cluster of {self.jobs} worker process{'es' if self.jobs > 1 else ''}"

    def __enter__(self) -> DaskEvaluator:
        if self._client is None:
            self._client, self._cluster = self._connect()
        self._depth += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth = max(self._depth - 1, 0)
        if not self._depth:
            self._close()

    def _connect(self) -> tuple[Any, Any]:
        distributed = import_distributed()
        import dask

        if self.scheduler:
            try:
                client = distributed.Client(self.scheduler, timeout=self.connect_timeout_s)
            except (OSError, TimeoutError, ValueError) as error:   # unreachable, or not an address
                raise BackendError(f"cannot connect to the Dask scheduler at {self.scheduler}: {error}") from None
            try:
                self._check_workers(client)
            except BaseException:
                client.close()
                raise
            return client, None
        config = {"distributed.scheduler.allowed-failures": 0,
                  "distributed.worker.multiprocessing-method": self.start_method,
                  **QUIET_DIAGNOSTICS, **NO_HTTP_ROUTES,
                  # dask_setup, below, runs in the scheduler and in each worker as they start
                  **_with_own_preload("scheduler"), **_with_own_preload("worker")}
        cluster = client = None
        with dask.config.set(config), warnings.catch_warnings(), _interrupts_deferred() as received:
            # the scheduler's status server moves to a free loopback port when another
            # cluster holds 8787: nothing the user needs to hear about
            warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
            if self.start_method == "forkserver":
                _start_forkserver()
            _poll_worker_starts_promptly()
            try:
                # each nanny its own copy of the settings (see the module docstring)
                cluster = distributed.LocalCluster(
                    n_workers=self.jobs, threads_per_worker=1, processes=True,
                    dashboard_address=None, host="127.0.0.1", config=copy.deepcopy(dask.config.config))
                client = distributed.Client(cluster)
                _send_promptly(client, cluster.scheduler)
            except BaseException:
                _close_quietly(client, cluster)
                raise
        if received:   # Ctrl-C or SIGTERM while the cluster started: honoured now that it is whole
            _close_quietly(client, cluster)
            raise KeyboardInterrupt
        return client, cluster

    def _check_workers(self, client: Any) -> None:
        try:
            client.wait_for_workers(1, timeout=self.connect_timeout_s)
        except TimeoutError:
            raise BackendError(f"the Dask scheduler at {self.scheduler} has no workers "
                               f"(waited {self.connect_timeout_s:g} s)") from None
        try:
            versions = client.run(_stratsim_version)
        except ImportError:
            raise BackendError(f"stratsim is not installed on the workers of {self.scheduler}") from None
        wrong = {worker: v for worker, v in versions.items() if v != __version__}
        if wrong:
            raise BackendError(f"the workers of {self.scheduler} run another stratsim version "
                               f"({', '.join(sorted(set(wrong.values())))}; this is {__version__})")

    def _workers(self) -> int:
        if self._cluster is not None:
            return self.jobs
        return len(self._client.scheduler_info().get("workers", {})) or 1

    def _close(self) -> None:
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        with _interrupts_deferred() as received:
            _close_quietly(client, cluster)
        if received:
            raise KeyboardInterrupt

    def map(self, function: Callable[[Any], Any], tasks: Sequence[Any],
            on_done: Callable[[], None] | None = None, on_result: OnResult | None = None) -> list[Any]:
        results: list[Any] = [None] * len(tasks)
        if not tasks:
            return results
        own = self._client is None
        if own:
            self._client, self._cluster = self._connect()
        distributed = import_distributed()
        client = self._client
        futures: list[Any] = []
        try:
            bounds = chunk_bounds(len(tasks), self._workers())
            futures = client.map(run_chunk_packed, [(function, list(tasks[a:b])) for a, b in bounds], pure=False)
            where = {future.key: bound for bound, future in zip(bounds, futures)}
            for future in distributed.as_completed(futures):
                start, stop = where[future.key]
                try:
                    chunk = pickle.loads(future.result())
                except distributed.KilledWorker as error:
                    raise BackendError(f"a Dask worker died while running tasks {start}-{stop - 1} "
                                       f"(killed, or out of memory?): {error}") from None
                for i, result in enumerate(chunk, start):
                    results[i] = result
                    if on_result is not None:
                        on_result(i, result)
                    if on_done is not None:
                        on_done()
        except BaseException:
            if futures:
                client.cancel(futures)
            if own:
                self._close()
            raise
        if own:
            self._close()
        return results


def run_chunk_packed(job: tuple[Callable[[Any], Any], list[Any]]) -> bytes:
    """:func:`~stratsim.runner.evaluators.run_chunk` in a Dask worker, its results pickled
    into one ``bytes`` (see the module docstring: cheap for Dask to size and send).

    With cloudpickle, as Dask itself falls back to: a result whose class was defined in the
    caller's script or notebook travels by value, as it did before."""
    import cloudpickle

    return cloudpickle.dumps(run_chunk(job), protocol=pickle.HIGHEST_PROTOCOL)


def dask_setup(server: Any) -> None:
    """Dask's preload hook, run by a local cluster's scheduler and by each of its workers as
    they start, so that their message streams wait :data:`STREAM_BATCH_S` to batch messages
    (see the module docstring): a worker's stream to the scheduler at once, the scheduler's
    stream to each worker as the worker registers (a worker restarted after dying included)."""
    from distributed import Scheduler
    from distributed.diagnostics.plugin import SchedulerPlugin

    class PromptWorkerStreams(SchedulerPlugin):
        name = "stratsim-prompt-worker-streams"

        def add_worker(self, scheduler: Any, worker: str) -> None:
            _set_batch_interval(getattr(scheduler, "stream_comms", {}).get(worker))

    if isinstance(server, Scheduler):
        server.add_plugin(PromptWorkerStreams(), idempotent=True)
    else:
        _set_batch_interval(getattr(server, "batched_stream", None))


def _with_own_preload(server: str) -> dict[str, Any]:
    """Dask's preload settings for ``server`` ("scheduler" or "worker") with this module's
    :func:`dask_setup` added after the user's own preloads, which keep running: given as a
    list or as one name (as an environment variable gives it), and with their arguments,
    an argument list per preload getting an empty one for ours."""
    import dask

    preload = dask.config.get(f"distributed.{server}.preload", None) or []
    preload = [preload] if isinstance(preload, str) else list(preload)
    settings: dict[str, Any] = {}
    if __name__ not in preload:
        argv = dask.config.get(f"distributed.{server}.preload-argv", None) or []
        if argv and not isinstance(argv[0], str):   # one argument list per preload
            settings[f"distributed.{server}.preload-argv"] = [*argv, []]
        preload.append(__name__)
    settings[f"distributed.{server}.preload"] = preload
    return settings


def _send_promptly(client: Any, scheduler: Any) -> None:
    """The streams between this process's client and scheduler wait :data:`STREAM_BATCH_S`
    to batch messages (a client connects once, after the scheduler's preload has run)."""
    streams = [getattr(client, "scheduler_comm", None), *getattr(scheduler, "client_comms", {}).values()]
    for stream in streams:
        _set_batch_interval(stream)


def _set_batch_interval(stream: Any) -> None:
    """Set a Dask ``BatchedSend``'s interval; anything else (another Dask's layout) is left alone."""
    if isinstance(getattr(stream, "interval", None), float):
        stream.interval = min(stream.interval, STREAM_BATCH_S)


#: How often a local cluster's nannies look for their worker's "started" message (seconds).
WORKER_START_POLL_S = 0.005


def _poll_worker_starts_promptly() -> None:
    """Make Dask's nannies look for their worker's start message every
    :data:`WORKER_START_POLL_S` instead of every 50 ms (see the module docstring); a Dask
    without that class setting is left as it is."""
    from distributed import nanny

    process = getattr(nanny, "WorkerProcess", None)
    if isinstance(getattr(process, "_init_msg_interval", None), float):
        process._init_msg_interval = min(process._init_msg_interval, WORKER_START_POLL_S)


def _close_quietly(client: Any, cluster: Any) -> None:
    if client is not None:
        client.close()
    if cluster is not None:
        cluster.close()


@contextmanager
def _interrupts_deferred() -> Iterator[list[int]]:
    """Hold Ctrl-C and SIGTERM back while a cluster starts or stops (a half-started cluster
    leaves worker processes behind); the list says whether one came, to honour it after."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {signum: signal.signal(signum, lambda signum, frame: received.append(signum))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _start_forkserver() -> None:
    """Start the forkserver the workers fork from, with SIGINT ignored (the server and every
    worker inherit that).

    When this process runs a single thread, the server is **forked from it**
    (:func:`_fork_server`): it starts in milliseconds with everything this process has
    imported, instead of a fresh interpreter importing distributed, numpy, SimPy and the engine
    (about a second, most of a local cluster's start-up). Otherwise — another thread could hold
    a lock the fork would copy held — or on a Python whose forkserver internals differ from the
    ones :func:`_fork_server` fills in, the standard server is started, preloading stratsim's
    engine too (after Dask's own list)."""
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if threading.active_count() == 1 and _fork_server_fits(server):
        _warm_worker_start()
        _fork_server(server)
        return
    from distributed.utils import get_mp_context

    context = get_mp_context()
    preload = list(getattr(server, "_preload_modules", None) or [])
    context.set_forkserver_preload(list(dict.fromkeys([*preload, *FORKSERVER_PRELOAD])))
    with _sigint_blocked_and_ignored():
        forkserver.ensure_running()


def _warm_worker_start() -> None:
    """Do here, once, what every worker forked from this process would do on starting (see
    "Workers start warm" in the module docstring): Dask's cached version report and the import
    of ``numpy.random``. Neither changes anything a caller sees."""
    import importlib

    from distributed.versions import get_versions

    importlib.import_module("numpy.random")
    get_versions()


#: The state of ``multiprocessing.forkserver.ForkServer`` (Python 3.11–3.13) that
#: :func:`_fork_server` fills in; any other layout (3.14 adds an authentication key) falls back
#: to the standard server.
FORKSERVER_STATE = frozenset({"_forkserver_address", "_forkserver_alive_fd", "_forkserver_pid",
                              "_inherited_fds", "_lock", "_preload_modules"})


def _fork_server_fits(server: Any) -> bool:
    import inspect
    from multiprocessing import forkserver

    try:
        parameters = list(inspect.signature(forkserver.main).parameters)
    except (TypeError, ValueError):
        return False
    return (set(vars(server)) == FORKSERVER_STATE and sys.platform.startswith("linux")
            and parameters == ["listener_fd", "alive_r", "preload", "main_path", "sys_path"])


def _fork_server(server: Any) -> None:
    """Fork ``multiprocessing``'s forkserver from this single-threaded process.

    The child runs the standard server loop (``forkserver.main``) on a listening socket and
    the "alive" pipe, exactly as a spawned server would after its imports, and the parent
    records the server as :meth:`ForkServer.ensure_running` does, so Dask's nannies ask it
    for workers through the standard protocol. Nothing is preloaded: the server already holds
    every module this process imported. Dask would import every package it knows of
    (pandas among them) into *this* process only to build a preload list for a server that
    no longer needs one, so its "preload set" flag is raised.
    """
    import os
    import socket
    from multiprocessing import connection, forkserver, resource_tracker, util

    with server._lock:
        if server._forkserver_pid is not None and not os.waitpid(server._forkserver_pid, os.WNOHANG)[0]:
            return   # one is running already (an earlier local cluster of this process)
        resource_tracker.ensure_running()
        address = connection.arbitrary_address("AF_UNIX")
        listener = socket.socket(socket.AF_UNIX)
        try:
            listener.bind(address)
            if not util.is_abstract_socket_namespace(address):
                os.chmod(address, 0o600)
            listener.listen()
            alive_r, alive_w = os.pipe()
            with _sigint_blocked_and_ignored():
                pid = os.fork()
                if pid == 0:   # the server: never returns into the caller's code
                    code = 1
                    try:
                        os.close(alive_w)
                        signal.signal(signal.SIGTERM, signal.SIG_DFL)   # not the CLI's handler
                        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                        forkserver.main(listener.fileno(), alive_r, [])
                    except SystemExit:   # the last client closed the "alive" pipe
                        code = 0
                    finally:
                        os._exit(code)
            os.close(alive_r)
        finally:
            listener.close()
        server._forkserver_address = address
        server._forkserver_alive_fd = alive_w
        server._forkserver_pid = pid
    from distributed import utils as dask_utils

    if hasattr(dask_utils, "_forkserver_preload_set"):
        dask_utils._forkserver_preload_set = True


@contextmanager
def _sigint_blocked_and_ignored() -> Iterator[None]:
    """SIGINT ignored (inherited by a server started now) and, in the main thread, blocked for
    that instant: one that arrives then is delivered when it is unblocked, not lost."""
    blocked = threading.current_thread() is threading.main_thread()
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = _ignore_sigint()
    try:
        yield
    finally:
        _restore_sigint(previous)
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _ignore_sigint() -> Any:
    try:
        return signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:   # not the main thread: leave signals alone
        return None


def _restore_sigint(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGINT, previous)
