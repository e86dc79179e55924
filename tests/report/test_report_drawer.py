"""The report drawer: started with the simulation, it draws what the command would draw itself,
and never outlives the command."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from report_testkit import chart_digests, report_without_stamp

from stratsim.cli import draw_report
from stratsim.report import drawer as drawing
from stratsim.report.document import write_report
from stratsim.report.drawer import DrawerLost, ReportDrawer, ReportFailed, report_drawer
from tests.conftest import gone, write


def test_a_drawer_draws_the_files_the_command_draws_itself(small_run, tmp_path):
    here = Path(shutil.copytree(small_run, tmp_path / "here"))
    there = Path(shutil.copytree(small_run, tmp_path / "there"))
    write_report(here, shown_as=here, workers=2)
    with report_drawer(True) as drawer:
        assert drawer is not None
        pid = drawer.pid
        drawer.draw(there, there)
    assert chart_digests(there) == chart_digests(here) and len(chart_digests(here)) >= 5
    assert report_without_stamp(there) == report_without_stamp(here)
    assert gone(pid)


def test_an_unused_drawer_ends_when_the_command_does(tmp_path):
    with report_drawer(True) as drawer:
        pid = drawer.pid
    assert gone(pid)


def test_a_drawer_draws_one_report_only(small_run, tmp_path):
    folder = Path(shutil.copytree(small_run, tmp_path / "run"))
    with report_drawer(True) as drawer:
        drawer.draw(folder, folder)
        with pytest.raises(DrawerLost, match="already"):
            drawer.draw(folder, folder)


def test_an_interrupted_command_ends_its_drawer_and_chart_workers_at_once():
    with pytest.raises(KeyboardInterrupt):
        with report_drawer(True) as drawer:
            pid = drawer.pid
            assert os.getpgid(pid) == pid   # a group of its own, which Ctrl-C does not reach
            raise KeyboardInterrupt
    assert gone(pid)
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)   # nothing of its group is left either


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def chart_workers_started(drawer: int, wait_s: float = 30.0) -> list[int]:
    """The drawer's children once it has any (its chart workers, forked as drawing starts)."""
    deadline = time.monotonic() + wait_s
    while not children(drawer) and time.monotonic() < deadline:
        time.sleep(0.002)
    return children(drawer)


def test_a_drawer_killed_while_drawing_takes_its_chart_workers_with_it(small_run, tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr("stratsim.report.charts.chart_workers", lambda: 2)   # even on one core
    folder = Path(shutil.copytree(small_run, tmp_path / "run"))
    outcome: list[BaseException] = []
    with report_drawer(True) as drawer:
        def draw() -> None:
            try:
                drawer.draw(folder, folder)
            except BaseException as error:  # noqa: BLE001 - the test looks at it
                outcome.append(error)

        waiting = threading.Thread(target=draw)
        waiting.start()
        workers = chart_workers_started(drawer.pid)
        assert workers, "the drawer never started its chart workers"
        drawer.kill()   # what an interrupted command does
        waiting.join(10)
    assert all(gone(pid) for pid in [drawer.pid, *workers])
    assert len(outcome) == 1 and isinstance(outcome[0], DrawerLost)


def test_a_drawer_that_died_is_replaced_by_drawing_here(small_run, tmp_path, capsys):
    folder = Path(shutil.copytree(small_run, tmp_path / "run"))
    with report_drawer(True) as drawer:
        os.kill(drawer.pid, signal.SIGKILL)   # killed, or out of memory
        draw_report(folder, folder, drawer)
    assert (folder / "report.html").exists() and chart_digests(folder)
    assert "could not be drawn" not in "".join(capsys.readouterr())


def test_a_dead_drawer_says_so(small_run, tmp_path):
    with report_drawer(True) as drawer:
        os.kill(drawer.pid, signal.SIGKILL)
        with pytest.raises(DrawerLost, match="ended without drawing"):
            drawer.draw(small_run, small_run)


def test_an_error_while_drawing_comes_back_as_the_commands_own_warning(small_run, tmp_path, capsys):
    folder = Path(shutil.copytree(small_run, tmp_path / "run"))
    (folder / "summary.json").write_text("{not json", encoding="utf-8")
    with report_drawer(True) as drawer:
        with pytest.raises(ReportFailed) as failed:
            drawer.draw(folder, folder)
    assert failed.value.kind == "ResultsError" and "summary.json" in failed.value.message
    with report_drawer(True) as drawer:
        draw_report(folder, tmp_path / "shown", drawer)
    printed = "".join(capsys.readouterr())
    assert "the report could not be drawn (ResultsError:" in printed
    assert f"stratsim report {tmp_path / 'shown'}" in printed
    assert not (folder / "report.html").exists() and not (folder / "charts").exists()


def test_an_io_error_while_drawing_is_raised_as_itself(small_run, tmp_path):
    folder = Path(shutil.copytree(small_run, tmp_path / "run"))
    (folder / "charts").write_text("a file where the charts folder goes", encoding="utf-8")
    with report_drawer(True) as drawer:
        with pytest.raises(OSError) as raised:
            drawer.draw(folder, folder)
    assert not isinstance(raised.value, (DrawerLost, ReportFailed))
    assert raised.value.errno is not None and "charts" in str(raised.value.filename)


def test_no_drawer_when_not_wanted_or_not_safe_to_fork(monkeypatch):
    with report_drawer(False) as drawer:
        assert drawer is None
    monkeypatch.setattr(drawing.threading, "active_count", lambda: 2)   # another thread runs
    with report_drawer(True) as drawer:
        assert drawer is None
    monkeypatch.setattr(drawing.threading, "active_count", lambda: 1)
    monkeypatch.setattr(drawing.sys, "platform", "darwin")
    with report_drawer(True) as drawer:
        assert drawer is None


def test_run_compare_and_sweep_draw_their_reports_in_a_drawer(small_scenario, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from stratsim.cli import main

    asked: list[Path] = []
    real_draw = ReportDrawer.draw

    def noting_draw(self, folder, shown_as):
        asked.append(Path(shown_as))
        return real_draw(self, folder, shown_as)

    monkeypatch.setattr(ReportDrawer, "draw", noting_draw)
    text = small_scenario.read_text(encoding="utf-8")
    variant = write(tmp_path, "variant.yaml", text.replace("name: small", "name: variant"))
    swept = write(tmp_path, "swept.yaml", text + "sweep:\n  params:\n    services.desk.staff: [2, 3]\n")
    commands = {"run": ["run", small_scenario, "-r", "1"],
                "compare": ["compare", small_scenario, variant, "-r", "2"],
                "sweep": ["sweep", swept, "-r", "1"]}
    for name, args in commands.items():
        result = CliRunner().invoke(main, [str(a) for a in [*args, "--out", tmp_path / name]])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name / "report.html").exists()
    assert asked == [tmp_path / name for name in commands]


def test_a_drawer_that_could_not_load_the_report_says_why_when_asked(small_run, monkeypatch):
    def broken() -> None:
        raise RuntimeError("no fonts here")

    monkeypatch.setattr("stratsim.report.style.load_renderers", broken)
    with report_drawer(True) as drawer:
        with pytest.raises(ReportFailed, match="no fonts here") as failed:
            drawer.draw(small_run, small_run)
    assert failed.value.kind == "RuntimeError"


def test_a_drawer_killed_while_drawing_is_replaced_and_its_chart_workers_end(small_run, tmp_path, monkeypatch,
                                                                             capsys):
    """The out-of-memory killer takes the drawer while its chart workers run: the command sees
    it gone (the workers do not hold its end of the pipe), ends the workers and draws itself."""
    import threading

    monkeypatch.setattr("stratsim.report.charts.chart_workers", lambda: 2)
    folder = Path(shutil.copytree(small_run, tmp_path / "run"))
    workers: list[int] = []
    finished, hung = threading.Event(), threading.Event()
    with report_drawer(True) as drawer:
        def kill_when_drawing() -> None:
            workers.extend(chart_workers_started(drawer.pid))
            os.kill(drawer.pid, signal.SIGKILL)
            if not finished.wait(60):   # a command waiting for ever: free it, fail the test
                hung.set()
                for pid in workers:
                    os.kill(pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_when_drawing)
        killer.start()
        draw_report(folder, folder, drawer)
        finished.set()
        killer.join()
    assert not hung.is_set(), "the command kept waiting for a drawer that was killed"
    assert workers, "the drawer never started its chart workers"
    assert all(gone(pid) for pid in workers)
    assert (folder / "report.html").exists() and len(chart_digests(folder)) >= 5
    assert "could not be drawn" not in "".join(capsys.readouterr())


def test_a_drawer_that_cannot_be_forked_leaves_the_report_to_the_command(monkeypatch):
    def no_more_processes(cls):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(ReportDrawer, "start", classmethod(no_more_processes))
    with report_drawer(True) as drawer:
        assert drawer is None


def test_the_drawer_is_forked_with_interrupts_held_back(monkeypatch):
    """A Ctrl-C or SIGTERM arriving during the fork waits until the drawer exists (then it is
    ended with the command), instead of running its handler half-way through the fork."""
    blocked: list[set[int]] = []
    real_start = ReportDrawer.start.__func__

    def noting_start(cls):
        blocked.append(set(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
        return real_start(cls)

    monkeypatch.setattr(ReportDrawer, "start", classmethod(noting_start))
    before = set(signal.pthread_sigmask(signal.SIG_BLOCK, []))
    with report_drawer(True):
        assert set(signal.pthread_sigmask(signal.SIG_BLOCK, [])) == before
    assert {signal.SIGINT, signal.SIGTERM} <= blocked[0]


def test_a_drawer_already_collected_is_not_signalled(monkeypatch):
    """Its process number may be another process's by then."""
    signalled: list[int] = []
    with report_drawer(True) as drawer:
        os.kill(drawer.pid, signal.SIGKILL)
        os.waitpid(drawer.pid, 0)   # collected, as multiprocessing does when it starts a process
        drawer._process._popen.returncode = -signal.SIGKILL
        monkeypatch.setattr(drawing.os, "killpg", lambda pid, sig: signalled.append(pid))
        drawer.kill()
    assert signalled == []


KILLED_WHILE_DRAWING = """
import sys, time
from stratsim.report.drawer import report_drawer
with report_drawer(True) as drawer:
    drawer._connection.send(("draw", sys.argv[1], sys.argv[1]))
    print(drawer.pid, flush=True)
    time.sleep(120)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_command_killed_outright_takes_its_drawer_with_it_mid_drawing(small_run, tmp_path):
    """SIGKILL leaves the command no chance to end its drawer: the drawer and its chart workers
    end on their own at once, without finishing a report nobody will keep (the drawer would
    write report.html otherwise)."""
    folder = Path(shutil.copytree(small_run, tmp_path / "run"))
    (folder / "report.html").unlink(missing_ok=True)
    shutil.rmtree(folder / "charts", ignore_errors=True)
    errors = tmp_path / "stderr.txt"   # the killed command's resource tracker complains there
    with open(errors, "w") as stderr:
        command = subprocess.Popen([sys.executable, "-c", KILLED_WHILE_DRAWING, str(folder)],
                                   stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        line = command.stdout.readline()
        assert line.strip().isdigit(), errors.read_text()
        drawer = int(line)
        workers = chart_workers_started(drawer)   # it is drawing
    finally:
        command.kill()
        command.wait()
    ended = [pid for pid in (drawer, *workers) if gone(pid, wait_s=30.0)]
    if len(ended) <= len(workers):
        os.killpg(drawer, signal.SIGKILL)
    assert workers and ended == [drawer, *workers] and not (folder / "report.html").exists()
