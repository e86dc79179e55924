"""The time series written in this process or by a writer process: the same bytes, errors
raised here, an interrupted run leaves no writer behind."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stratsim.engine.compile import compile_scenario
from stratsim.engine.replication import run_replication
from stratsim.runner import replications as replications_module
from stratsim.runner import series_writer
from stratsim.runner.replications import ReplicationTask, expected_rows, run_task
from stratsim.runner.series_writer import BackgroundSeriesWriter, InlineSeriesWriter, writes_in_background
from stratsim.runner.week_part import WeekTarget
from stratsim.scenario import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "scenarios"


def _portfolio_blocks() -> list:
    """Four weeks of the cloud portfolio (ten services, churn, a calendar start) in blocks."""
    scenario = load_scenario(EXAMPLES / "cloud-portfolio.yaml")
    model = compile_scenario(scenario.model_copy(update={"horizon": 28 * 24.0, "warmup": 0.0}))
    blocks: list = []
    run_replication(model, 5, 2, block_sink=blocks.append)
    return blocks


@pytest.mark.parametrize("start", [None, date(2027, 1, 4)])
def test_the_writer_process_writes_the_bytes_this_process_writes(tmp_path, start):
    blocks = _portfolio_blocks()
    for name, writer_class in (("inline", InlineSeriesWriter), ("background", BackgroundSeriesWriter)):
        week = WeekTarget(str(tmp_path / f"{name}.week.csv"), 0.1 * 24, 27.7 * 24)   # odd window ends
        writer = writer_class(str(tmp_path / f"{name}.csv"), 2, start, week)
        for block in blocks:
            writer.write(block)
        writer.close()
    inline = (tmp_path / "inline.csv").read_bytes()
    assert inline.count(b"\n") == sum(len(block) for block in blocks) > 1000
    assert (tmp_path / "background.csv").read_bytes() == inline
    week = (tmp_path / "inline.week.csv").read_bytes()
    assert week.count(b"\n") == 10 * 168   # ten services
    assert (tmp_path / "background.week.csv").read_bytes() == week


def test_a_long_run_writes_in_the_background_and_gets_the_same_file(tmp_path, monkeypatch):
    """``run_task`` as a long run takes it (the threshold lowered to this short run)."""
    scenario = load_scenario(EXAMPLES / "helpdesk-baseline.yaml")
    model = compile_scenario(scenario)
    started: list[bool] = []
    real_open = series_writer.open_series_writer

    def spying_open(*args, **kwargs):
        writer = real_open(*args, **kwargs)
        started.append(isinstance(writer, BackgroundSeriesWriter))
        return writer

    monkeypatch.setattr(replications_module, "open_series_writer", spying_open)
    inline = run_task(ReplicationTask(model, 7, 1, str(tmp_path / "inline.csv"),
                                      week_path=str(tmp_path / "inline.week.csv")))
    monkeypatch.setattr(series_writer, "BACKGROUND_MIN_ROWS", expected_rows(model))
    monkeypatch.setattr(series_writer, "usable_cpus", lambda: 2)
    background = run_task(ReplicationTask(model, 7, 1, str(tmp_path / "background.csv"),
                                          week_path=str(tmp_path / "background.week.csv")))
    assert started == [False, True]
    assert background == inline
    assert (tmp_path / "background.csv").read_bytes() == (tmp_path / "inline.csv").read_bytes()
    assert (tmp_path / "background.week.csv").read_bytes() == (tmp_path / "inline.week.csv").read_bytes()


def test_the_writer_process_reports_what_went_wrong(tmp_path):
    writer = BackgroundSeriesWriter(str(tmp_path / "no such folder" / "part.csv"), 0, None)
    for block in _portfolio_blocks()[:3]:
        writer.write(block)
    with pytest.raises(OSError, match=r"cannot write .*no such folder.*No such file"):
        writer.close()


def test_an_abandoned_writer_is_stopped(tmp_path):
    writer = BackgroundSeriesWriter(str(tmp_path / "part.csv"), 0, None)
    writer.write(_portfolio_blocks()[0])
    writer.abandon()
    assert writer._process.poll() is not None


def test_an_interrupted_replication_stops_its_writer(tmp_path, monkeypatch):
    """Ctrl-C in the middle of a long run: the writer is killed, nothing keeps running."""
    writers: list[BackgroundSeriesWriter] = []

    def background(*args, **kwargs):
        writers.append(BackgroundSeriesWriter(*args[:3]))
        return writers[-1]

    def interrupted(*args, **kwargs):
        kwargs["block_sink"](_portfolio_blocks()[0])
        raise KeyboardInterrupt

    monkeypatch.setattr(replications_module, "open_series_writer", background)
    monkeypatch.setattr(replications_module, "run_replication", interrupted)
    model = compile_scenario(load_scenario(EXAMPLES / "helpdesk-baseline.yaml"))
    with pytest.raises(KeyboardInterrupt):
        run_task(ReplicationTask(model, 1, 0, str(tmp_path / "part.csv")))
    assert writers and writers[0]._process.poll() is not None


def test_only_long_runs_on_a_free_core_write_in_the_background(monkeypatch):
    monkeypatch.setattr(series_writer, "usable_cpus", lambda: 2)
    assert writes_in_background(series_writer.BACKGROUND_MIN_ROWS)
    assert not writes_in_background(series_writer.BACKGROUND_MIN_ROWS - 1)
    monkeypatch.setattr(series_writer, "usable_cpus", lambda: 1)
    assert not writes_in_background(10 * series_writer.BACKGROUND_MIN_ROWS)


def test_a_worker_process_writes_its_own_series():
    """In a process pool's worker the other cores are busy with the other workers."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(writes_in_background, 10 * series_writer.BACKGROUND_MIN_ROWS).result() is False


def test_an_interrupted_close_stops_the_writer(tmp_path, monkeypatch):
    """Ctrl-C while the replication waits for its writer to finish: the writer is stopped."""
    writers: list[BackgroundSeriesWriter] = []
    real_wait = BackgroundSeriesWriter._wait

    def background(*args, **kwargs):
        writers.append(BackgroundSeriesWriter(*args[:3]))
        return writers[-1]

    def interrupted_wait(self):
        monkeypatch.setattr(BackgroundSeriesWriter, "_wait", real_wait)
        raise KeyboardInterrupt

    def one_block(*args, **kwargs):
        kwargs["block_sink"](_portfolio_blocks()[0])
        return {}

    monkeypatch.setattr(replications_module, "open_series_writer", background)
    monkeypatch.setattr(replications_module, "run_replication", one_block)
    monkeypatch.setattr(BackgroundSeriesWriter, "_wait", interrupted_wait)
    model = compile_scenario(load_scenario(EXAMPLES / "helpdesk-baseline.yaml"))
    with pytest.raises(KeyboardInterrupt):
        run_task(ReplicationTask(model, 1, 0, str(tmp_path / "part.csv")))
    assert writers[0]._process.poll() is not None


def test_a_part_file_that_cannot_be_opened_stops_the_writer(tmp_path, monkeypatch):
    writers: list[BackgroundSeriesWriter] = []

    def background(*args, **kwargs):
        writers.append(BackgroundSeriesWriter(*args[:3]))
        return writers[-1]

    monkeypatch.setattr(replications_module, "open_series_writer", background)
    model = compile_scenario(load_scenario(EXAMPLES / "helpdesk-baseline.yaml"))
    task = ReplicationTask(model, 1, 0, str(tmp_path / "part.csv"),
                           waits_path=str(tmp_path / "no" / "w.csv"))
    with pytest.raises(FileNotFoundError):
        run_task(task)
    assert writers[0]._process.poll() is not None


def test_a_module_in_the_working_folder_does_not_replace_the_writers_own(tmp_path, monkeypatch):
    """The writer starts with ``-P``: a ``pickle.py`` where the user works is not imported."""
    (tmp_path / "pickle.py").write_text("raise ImportError('the user folder was imported')\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    writer = BackgroundSeriesWriter(str(tmp_path / "part.csv"), 0, None)
    for block in _portfolio_blocks()[:2]:
        writer.write(block)
    writer.close()
    assert (tmp_path / "part.csv").stat().st_size > 0


def test_closing_or_abandoning_again_does_nothing(tmp_path):
    writer = BackgroundSeriesWriter(str(tmp_path / "part.csv"), 0, None)
    writer.write(_portfolio_blocks()[0])
    writer.close()
    writer.close()
    writer.abandon()
    assert writer._process.returncode == 0
    stopped = BackgroundSeriesWriter(str(tmp_path / "other.csv"), 0, None)
    stopped.abandon()
    stopped.abandon()
    stopped.close()
    assert stopped._process.returncode is not None


def test_a_replication_in_a_thread_writes_its_own_series(monkeypatch):
    """Dask runs tasks in worker threads (with a nanny or without): no writer process there."""
    import threading

    monkeypatch.setattr(series_writer, "usable_cpus", lambda: 2)
    seen: list[bool] = []
    long_run = 10 * series_writer.BACKGROUND_MIN_ROWS
    thread = threading.Thread(target=lambda: seen.append(writes_in_background(long_run)))
    thread.start()
    thread.join()
    assert seen == [False] and writes_in_background(long_run)
