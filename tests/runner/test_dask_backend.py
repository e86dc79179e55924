"""The Dask backend: same numbers as serial and the process pool, clear errors, a real cluster.

One local cluster of two worker processes serves the module (starting one costs seconds).
"""

from __future__ import annotations

import os
import pickle
import sys

import pytest

from stratsim.errors import BackendError
from stratsim.runner.dask_backend import DaskEvaluator, run_chunk_packed
from stratsim.runner.evaluators import ProcessPoolEvaluator, SerialEvaluator
from stratsim.runner.execution import ExecutionOptions, execute
from stratsim.scenario import load_scenario_text
from tests.conftest import SMALL_SCENARIO

#: Run after every other test (``tests/conftest.py``): distributed leaves its IO-loop threads
#: running in the process once a cluster has started.
pytestmark = pytest.mark.dask_cluster


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


@pytest.fixture(scope="module")
def dask_local():
    with DaskEvaluator(2) as evaluator:
        yield evaluator
    assert evaluator._client is None and evaluator._cluster is None


def test_serial_pool_and_dask_give_identical_numbers(dask_local):
    scenario = load_scenario_text(SMALL_SCENARIO)
    options = ExecutionOptions(replications=4)
    runs = {}
    with ProcessPoolEvaluator(2) as pool:
        runs["pool"] = execute([scenario], options, pool).results[0]
    runs["serial"] = execute([scenario], options, SerialEvaluator()).results[0]
    runs["dask"] = execute([scenario], options, dask_local).results[0]
    assert runs["serial"].records == runs["pool"].records == runs["dask"].records
    assert runs["serial"].summary == runs["pool"].summary == runs["dask"].summary


def test_a_sweep_on_dask_equals_the_serial_one_and_nested_sessions_keep_the_cluster(dask_local):
    import stratsim

    scenario = load_scenario_text(SMALL_SCENARIO)
    serial = stratsim.sweep(scenario, ["services.desk.staff=2..3"], replications=2)
    on_dask = stratsim.sweep(scenario, ["services.desk.staff=2..3"], replications=2, evaluator=dask_local)
    assert on_dask.to_csv() == serial.to_csv()
    assert dask_local._client is not None   # the sweep's own ``with`` did not close the fixture's cluster
    assert dask_local._cluster is not None and len(dask_local._client.scheduler_info()["workers"]) == 2


def test_results_in_task_order_with_progress(dask_local):
    done, seen = [], []
    results = dask_local.map(square, list(range(9)), lambda: done.append(1), lambda i, r: seen.append((i, r)))
    assert results == [x * x for x in range(9)]
    assert len(done) == 9 and sorted(seen) == [(x, x * x) for x in range(9)]


def _held_types(dask_worker) -> list[str]:
    return sorted({type(value).__name__ for value in dask_worker.data.values()})


def test_workers_hold_each_chunks_results_as_one_pickled_bytes(dask_local):
    held = []

    def look(index: int, result: int) -> None:   # while the chunks' futures are still held
        if not held:
            held.extend(t for types in dask_local._client.run(_held_types).values() for t in types)

    assert dask_local.map(square, list(range(12)), on_result=look) == [x * x for x in range(12)]
    assert set(held) == {"bytes"}
    assert pickle.loads(run_chunk_packed((square, [2, 3]))) == [4, 9]


def test_a_result_whose_class_lives_only_in_the_callers_code_still_travels(dask_local):
    class Local:   # a local class: plain pickle cannot send it by reference
        def __init__(self, x: int) -> None:
            self.x = x

    assert [r.x for r in dask_local.map(lambda x: Local(2 * x), [1, 2, 3])] == [2, 4, 6]


def test_a_failing_task_fails_the_run_with_its_own_error(dask_local):
    with pytest.raises(ValueError, match="task 3 failed"):
        dask_local.map(fail_on_three, list(range(6)))


def test_a_dead_worker_is_a_clear_error(dask_local):
    # the chunk named holds task 2, or one queued beside it on the same worker (both fail)
    with pytest.raises(BackendError, match=r"a Dask worker died while running tasks [0-3]"):
        dask_local.map(die_on_two, list(range(4)))


def test_connects_to_a_running_scheduler_and_checks_its_workers(dask_local):
    address = dask_local._cluster.scheduler_address
    with DaskEvaluator(scheduler=address) as remote:
        assert remote.map(square, [1, 2, 3]) == [1, 4, 9]
        assert remote._cluster is None and remote.description == f"scheduler {address}"


def test_unreachable_scheduler_is_a_user_error():
    with pytest.raises(BackendError, match="cannot connect to the Dask scheduler"):
        with DaskEvaluator(scheduler="tcp://127.0.0.1:9", connect_timeout_s=1):
            pass


def test_missing_extra_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)   # import distributed → ImportError
    with pytest.raises(BackendError, match=r'pip install -e "\.\[dask\]"'):
        DaskEvaluator(1).map(square, [1])


def test_distributed_is_imported_with_the_collector_paused_and_left_as_it_was(monkeypatch):
    import gc
    import importlib
    import importlib.abc
    import importlib.util

    from stratsim.runner.dask_backend import import_distributed

    seen = []

    class Recorder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path, target=None):
            return importlib.util.spec_from_loader(name, self) if name == "distributed" else None

        def create_module(self, spec):
            return None

        def exec_module(self, module):
            seen.append(gc.isenabled())

    importlib.import_module("distributed")   # the real module, put back when the test ends
    monkeypatch.delitem(sys.modules, "distributed")
    monkeypatch.setattr(sys, "meta_path", [Recorder(), *sys.meta_path])
    assert gc.isenabled()
    import_distributed()
    assert seen == [False] and gc.isenabled()
    monkeypatch.setitem(sys.modules, "distributed", None)   # a failed import too leaves it enabled
    with pytest.raises(BackendError):
        import_distributed()
    assert gc.isenabled()
    gc.disable()   # and a caller that runs without it gets it back disabled
    try:
        monkeypatch.delitem(sys.modules, "distributed")
        import_distributed()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_forkserver_is_forked_from_a_single_threaded_caller_and_gives_the_same_numbers(tmp_path):
    """The command line starts its cluster single-threaded: its forkserver is then forked from
    it (no fresh interpreter), and the numbers stay those of a serial run."""
    import subprocess

    script = tmp_path / "forked.py"
    script.write_text(
        "import sys, threading\n"
        "from multiprocessing import forkserver\n"
        "from stratsim.runner.dask_backend import DaskEvaluator\n"
        "from stratsim.runner.evaluators import SerialEvaluator\n"
        "from stratsim.runner.execution import ExecutionOptions, execute\n"
        "from stratsim.scenario import load_scenario_text\n"
        "from tests.conftest import SMALL_SCENARIO\n"
        "def version_reports_cached():   # a worker's registration read the report its fork inherited\n"
        "    from distributed.versions import _version_cached\n"
        "    return _version_cached.cache_info().hits >= 9\n"
        "if __name__ == '__main__':\n"
        "    assert threading.active_count() == 1\n"
        "    scenario = load_scenario_text(SMALL_SCENARIO)\n"
        "    options = ExecutionOptions(replications=3)\n"
        "    with DaskEvaluator(2) as dask:\n"
        "        server = forkserver._forkserver._forkserver_pid\n"
        "        with open(f'/proc/{server}/cmdline', 'rb') as handle:\n"
        "            forked = b'forkserver import main' not in handle.read()   # a spawned one runs python -c\n"
        "        on_dask = execute([scenario], options, dask).results[0].records\n"
        "        warm = set(dask._client.run(version_reports_cached).values()) == {True}\n"
        "    print(forked, on_dask == execute([scenario], options, SerialEvaluator()).results[0].records, warm)\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": root})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"], done.stderr


def test_the_forkserver_is_forked_only_once_the_workers_start_is_warmed(monkeypatch):
    from stratsim.runner import dask_backend

    steps = []
    monkeypatch.setattr(dask_backend, "_warm_worker_start", lambda: steps.append("warm"))
    monkeypatch.setattr(dask_backend, "_fork_server", lambda server: steps.append("fork"))
    monkeypatch.setattr(dask_backend.threading, "active_count", lambda: 1)
    monkeypatch.setattr(dask_backend, "_fork_server_fits", lambda server: True)
    dask_backend._start_forkserver()
    assert steps == ["warm", "fork"]
    assert "numpy.random" in dask_backend.FORKSERVER_PRELOAD   # a standard server preloads it


def test_a_caller_running_threads_gets_the_standard_forkserver(monkeypatch):
    from multiprocessing import forkserver

    from stratsim.runner import dask_backend

    forked = []
    monkeypatch.setattr(dask_backend, "_fork_server", forked.append)
    monkeypatch.setattr(dask_backend.threading, "active_count", lambda: 2)
    monkeypatch.setattr(forkserver, "ensure_running", lambda: None)
    dask_backend._start_forkserver()
    assert forked == []
    monkeypatch.setattr(dask_backend.threading, "active_count", lambda: 1)
    dask_backend._start_forkserver()
    assert forked == [forkserver._forkserver] or not dask_backend._fork_server_fits(forkserver._forkserver)


@pytest.mark.parametrize("moment, delay_s", [("while the cluster starts", 0.3), ("while it runs", 6.0)])
def test_ctrl_c_stops_a_dask_run_and_leaves_nothing(tmp_path, moment, delay_s, start_in_own_group):
    import signal
    import time

    from tests.conftest import write

    long_run = SMALL_SCENARIO.replace("horizon: 8d", "horizon: 2000w").replace("replications: 3", "replications: 50")
    path = write(tmp_path, "long.yaml", long_run)
    process = start_in_own_group(
        [sys.executable, "-m", "stratsim.cli", "run", str(path), "--out", "o", "--jobs", "2", "--backend", "dask"],
        tmp_path)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("o/.stratsim-partial-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert time.monotonic() < deadline, "the run never started"
    time.sleep(delay_s)   # 0.3 s: the cluster is starting; 6 s: it is up and its workers busy
    os.killpg(process.pid, signal.SIGINT)   # as a terminal sends Ctrl-C to the group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert not (tmp_path / "o").exists()
    deadline = time.monotonic() + 20   # exited workers may wait a moment to be reaped
    while time.monotonic() < deadline:   # the workers and the forkserver go with the run
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        pytest.fail("processes of the interrupted run are still alive")


def test_remote_workers_send_their_time_series_back(dask_local, tmp_path):
    from stratsim.runner.replications import join_timeseries, join_week

    scenario = load_scenario_text(SMALL_SCENARIO)
    options = ExecutionOptions(replications=2)
    (tmp_path / "serial").mkdir()
    (tmp_path / "remote").mkdir()
    execute([scenario], options, SerialEvaluator(), [tmp_path / "serial"])
    with DaskEvaluator(scheduler=dask_local._cluster.scheduler_address) as remote:
        assert not remote.shares_files
        execute([scenario], options, remote, [tmp_path / "remote"])
    for name in ("serial", "remote"):
        join_timeseries(tmp_path / name, 2, tmp_path / f"{name}.csv")
        join_week(tmp_path / name, 2, tmp_path / f"{name}.week.csv")
    assert (tmp_path / "serial.csv").read_bytes() == (tmp_path / "remote.csv").read_bytes()
    assert (tmp_path / "serial.week.csv").read_bytes() == (tmp_path / "remote.week.csv").read_bytes()


def test_a_local_cluster_hears_its_workers_start_within_milliseconds(dask_local):
    """Dask's nannies poll for their worker's start message every 50 ms by default; the local
    cluster has them poll every few milliseconds instead."""
    from distributed.nanny import WorkerProcess

    from stratsim.runner.dask_backend import WORKER_START_POLL_S

    assert dask_local._cluster is not None
    assert WorkerProcess._init_msg_interval == WORKER_START_POLL_S < 0.05


def test_a_dask_without_the_nannys_poll_setting_is_left_alone(monkeypatch):
    from distributed import nanny

    from stratsim.runner import dask_backend

    class Elsewhere:   # a Dask whose nanny keeps its poll interval elsewhere
        pass

    monkeypatch.setattr(nanny, "WorkerProcess", Elsewhere)
    dask_backend._poll_worker_starts_promptly()
    assert not hasattr(Elsewhere, "_init_msg_interval")


def _stream_interval(dask_worker) -> float:
    return dask_worker.batched_stream.interval


def test_a_local_clusters_message_streams_wait_half_a_millisecond_not_up_to_ten(dask_local):
    """Dask batches each stream's messages for 2–10 ms; the local cluster's streams (client,
    scheduler and, through the preload hook, every worker) for :data:`STREAM_BATCH_S`."""
    from stratsim.runner.dask_backend import STREAM_BATCH_S

    client, scheduler = dask_local._client, dask_local._cluster.scheduler
    with pytest.raises(BackendError):   # a worker dies; its nanny starts a new one, which registers anew
        dask_local.map(die_on_two, [2])
    client.wait_for_workers(2, timeout=60)
    streams = [client.scheduler_comm, *scheduler.stream_comms.values(), *scheduler.client_comms.values()]
    assert len(streams) == 4   # the client's, one to each worker (the new one too), one to the client
    assert {stream.interval for stream in streams} == {STREAM_BATCH_S} and STREAM_BATCH_S < 0.002
    assert set(client.run(_stream_interval).values()) == {STREAM_BATCH_S}


def test_streams_of_another_dask_layout_are_left_alone():
    from stratsim.runner.dask_backend import _send_promptly, dask_setup

    class Elsewhere:   # a Dask whose streams keep their interval as text, or have none
        interval = "10ms"

    client, scheduler, worker = Elsewhere(), Elsewhere(), Elsewhere()
    client.scheduler_comm = Elsewhere()
    scheduler.client_comms = {"client": Elsewhere()}
    worker.batched_stream = object()
    _send_promptly(client, scheduler)
    dask_setup(worker)
    assert client.scheduler_comm.interval == scheduler.client_comms["client"].interval == "10ms"
    _send_promptly(object(), object())   # no streams at all
    dask_setup(object())


def _http_address_and_profiler(dask_worker) -> tuple[str, int, bool]:
    import dask

    return (dask_worker.http_server.address, dask_worker.http_server.port,
            dask.config.get("distributed.worker.profile.enabled"))


def test_a_local_clusters_http_servers_serve_no_pages_even_after_a_worker_restarts(dask_local):
    """Dask starts an HTTP server in the scheduler and in each worker even with the dashboard
    off; the local cluster's listen on loopback only and serve nothing (no metrics, no proxy).
    A worker its nanny restarts after dying starts with the same settings (its nanny keeps its
    own copy of them: Dask's global ones are back to the defaults once the cluster stands)."""
    import urllib.error
    import urllib.request

    with pytest.raises(BackendError):
        dask_local.map(die_on_two, [2])
    dask_local._client.wait_for_workers(2, timeout=60)
    scheduler = dask_local._cluster.scheduler
    workers = list(dask_local._client.run(_http_address_and_profiler).values())
    assert [profiler for *_, profiler in workers] == [False, False]   # a quiet diagnostic, kept too
    servers = [(scheduler.http_server.address, scheduler.http_server.port),
               *((host, port) for host, port, _ in workers)]
    assert {host for host, _ in servers} == {"127.0.0.1"}
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # never through a proxy
    for host, port in servers:
        for page in ("health", "metrics", "info/main/workers.html", "json/identity.json"):
            with pytest.raises(urllib.error.HTTPError) as answer:
                direct.open(f"http://{host}:{port}/{page}", timeout=10)
            assert answer.value.code == 404


@pytest.mark.parametrize("preload, argv, expected_preload, expected_argv", [
    ([], [], ["stratsim.runner.dask_backend"], None),
    ("mine", [], ["mine", "stratsim.runner.dask_backend"], None),   # one name, as an environment variable gives it
    (["mine"], ["--tag", "x"], ["mine", "stratsim.runner.dask_backend"], None),   # one list for every preload
    (["mine"], [["--tag", "x"]], ["mine", "stratsim.runner.dask_backend"], [["--tag", "x"], []]),
    (["stratsim.runner.dask_backend"], [[]], ["stratsim.runner.dask_backend"], None),   # not twice
    (None, None, ["stratsim.runner.dask_backend"], None),
])
def test_the_users_own_preloads_keep_running_beside_ours(preload, argv, expected_preload, expected_argv):
    import dask

    from stratsim.runner.dask_backend import _with_own_preload

    with dask.config.set({"distributed.worker.preload": preload, "distributed.worker.preload-argv": argv}):
        settings = _with_own_preload("worker")
    assert settings["distributed.worker.preload"] == expected_preload
    assert settings.get("distributed.worker.preload-argv") == expected_argv


def test_a_local_cluster_starts_beside_a_users_preload_given_by_name_with_its_arguments(tmp_path, monkeypatch):
    """A user's preload module, named in the environment's way (one string) with an argument
    list of its own, runs in every worker, and so does ours."""
    import dask

    (tmp_path / "user_preload.py").write_text(
        "def dask_setup(worker):\n    worker.user_preload_ran = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with dask.config.set({"distributed.worker.preload": "user_preload",
                          "distributed.worker.preload-argv": [[]]}):
        with DaskEvaluator(2, start_method="spawn") as evaluator:
            ran = evaluator._client.run(lambda dask_worker: (getattr(dask_worker, "user_preload_ran", False),
                                                             dask_worker.batched_stream.interval))
    from stratsim.runner.dask_backend import STREAM_BATCH_S

    assert list(ran.values()) == [(True, STREAM_BATCH_S)] * 2
