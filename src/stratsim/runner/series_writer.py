"""Writing a replication's ``timeseries.csv`` part, in this process or beside it.

A long run has as many time bins as customers, and formatting their figures as text costs
about a third of what simulating them does. That work needs nothing from the simulation but
the bins themselves, so when a run is long and a core is free, a **writer process** does it
while the simulation goes on: the engine hands over :class:`~stratsim.engine.recording.BinBlock` s
of cumulative sums (about 20 kB per service, sent as arrays), and the writer turns them into
rows. The file is byte for byte the one written in this process (both use
:func:`timeseries_rows`; a test holds them equal).

Decisions, and why:

* **Only where it pays**: at least :data:`BACKGROUND_MIN_ROWS` rows, two usable cores, and
  the replication runs in the main thread of a process that is not itself a worker (a process
  pool's or Dask's workers keep every core busy already, and Dask runs its tasks in threads,
  even with ``--no-nanny``; a second process per worker would only compete); on POSIX systems
  (a new session, a non-blocking pipe), from an interpreter that can be started again
  (not a frozen application); when no process can be started, this process writes.
* **A fresh interpreter** (``python -m stratsim.runner.series_writer``), fed pickled blocks on
  its standard input through a pipe this process never waits on while it simulates (see
  :class:`BackgroundSeriesWriter`): not a ``multiprocessing`` child, which would import the
  caller's main script again, nor a fork beside the command line's progress-bar thread. It
  starts in a few tenths of a second, on the other core, while the simulation runs.
* **Nothing half-written passes for a result**: an error in the writer (a full disk) is
  raised here when the replication ends, as the :class:`OSError` writing in this process
  would raise; an interrupted run kills the writer and leaves its part file to the staging
  folder that is thrown away.
* **Ctrl-C goes to this process only**: the writer runs in its own session and ignores
  SIGINT, and ends when its input closes, even if this process died.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import repeat
from pathlib import Path
from typing import Protocol

import numpy as np

from stratsim.engine.recording import TIMESERIES_FIELDS, BinBlock
from stratsim.runner.week_part import WeekPart, WeekTarget

#: Rows from which a run writes its time series in a writer process: about 0.2 s of
#: formatting here, against 10–20 ms here to start the writer (whose own start, some 0.2 s,
#: runs on the other core while the simulation goes on).
BACKGROUND_MIN_ROWS = 50_000
#: Bytes waiting for the writer beyond which the simulation waits for it: memory stays bounded
#: if the writer lags (a slow disk).
PENDING_BYTES = 32 << 20
#: Bytes the pipe to the writer holds (Linux lets a process raise it to 1 MiB): a few seconds
#: of a long run's bins, so the simulation rarely keeps any waiting in memory.
PIPE_BYTES = 1 << 20


def calendar_label(start: date | None, time_h: float) -> str:
    """``"2027-01-04T08:00"`` for hour 8 of a run starting on 2027-01-04; empty without a start."""
    if start is None:
        return ""
    moment = datetime(start.year, start.month, start.day) + timedelta(hours=time_h)
    return moment.isoformat(timespec="minutes")


def timeseries_rows(block: BinBlock, replication: int, start: date | None,
                    arrays: dict[str, np.ndarray] | None = None) -> Iterator[tuple]:
    """The ``timeseries.csv`` rows of one block (replication, calendar label, then
    :data:`~stratsim.engine.recording.TIMESERIES_FIELDS`), built column by column (from the
    block's ``arrays`` when they were computed already)."""
    columns = block.columns(arrays)
    labels = (repeat("") if start is None
              else [calendar_label(start, time_h) for time_h in columns["time_h"]])
    return zip(repeat(replication), labels, *(columns[field] for field in TIMESERIES_FIELDS))


class SeriesWriter(Protocol):
    """Where a replication's blocks go: :meth:`write` each, then :meth:`close` once."""

    def write(self, block: BinBlock) -> None: ...

    def close(self) -> None: ...

    def abandon(self) -> None: ...


class InlineSeriesWriter:
    """Writes the rows in this process (and, given a ``week`` target, the week part)."""

    def __init__(self, path: str, replication: int, start: date | None, week: WeekTarget | None = None) -> None:
        self._file = open(path, "w", newline="", encoding="utf-8")
        self._write_rows = csv.writer(self._file).writerows
        self.replication, self.start = replication, start
        self._week = WeekPart(week, replication) if week is not None else None

    def write(self, block: BinBlock) -> None:
        arrays = block.arrays()
        self._write_rows(timeseries_rows(block, self.replication, self.start, arrays))
        if self._week is not None:
            self._week.add(block, arrays)

    def close(self) -> None:
        """Finish the part file, then write the week's."""
        if self._file.closed:
            return
        self._file.close()
        if self._week is not None:
            self._week.write()

    def abandon(self) -> None:
        self._file.close()


class BackgroundSeriesWriter:
    """Sends the blocks to a writer process (``python -m stratsim.runner.series_writer``)
    that writes the rows.

    The blocks travel pickled through the process's standard input, a pipe this process
    writes to without blocking while the simulation runs: what the pipe cannot take yet
    (while the writer starts, a few tenths of a second) waits in memory and goes with the next
    block, up to :data:`PENDING_BYTES` (then this process waits for the writer), and the rest
    goes when the replication ends. No thread: a sending thread would need the interpreter
    lock for every block and wait up to 5 ms each time to get it. The writer is a fresh
    interpreter, not a ``multiprocessing`` child, which would import the caller's main script
    again (a researcher's script without a ``__main__`` guard would run twice); it is started
    with ``-P``, so a file in the working folder named like a module it imports is not
    imported instead, and with this process's module path. It runs in its own session, so
    Ctrl-C reaches this process only, and it ends when its input closes, whether this process
    finished or died. :meth:`close` and :meth:`abandon` may each be called again, and after
    the other: the second call does nothing."""

    def __init__(self, path: str, replication: int, start: date | None, week: WeekTarget | None = None) -> None:
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(Path(__file__).resolve().parents[2]), *(entry for entry in sys.path[1:] if entry)])
        self._errors = tempfile.TemporaryFile()   # not a pipe: a writer that says much never blocks
        self._closed = False
        self._process = subprocess.Popen(
            [sys.executable, "-P", "-m", __name__, path, str(replication),
             start.isoformat() if start else "", *_week_arguments(week)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._errors,
            env=environment, start_new_session=True)
        assert self._process.stdin is not None
        self._fd = self._process.stdin.fileno()
        _widen_pipe(self._fd)
        os.set_blocking(self._fd, False)
        self._pending = bytearray()
        self._broken = False

    def write(self, block: BinBlock) -> None:
        if self._broken:
            return
        self._pending += pickle.dumps(block, protocol=pickle.HIGHEST_PROTOCOL)
        if len(self._pending) > PENDING_BYTES:   # the writer lags: wait for it
            os.set_blocking(self._fd, True)
            self._send()
            os.set_blocking(self._fd, False)
        else:
            self._send()

    def _send(self) -> None:
        """Write what the pipe takes now (all of it, once the pipe blocks)."""
        try:
            while self._pending:
                del self._pending[:os.write(self._fd, self._pending)]
        except BlockingIOError:
            pass
        except OSError:   # the writer died: its exit status and message say why
            self._broken = True
            self._pending.clear()

    def close(self) -> None:
        """Wait for the writer to finish the file; its error, if any, is raised here."""
        if self._closed:
            return
        os.set_blocking(self._fd, True)
        self._send()
        status, message = self._wait()
        self._closed = True
        if status:
            lines = message.strip().splitlines()
            raise OSError(lines[-1] if lines else f"the time-series writer stopped (exit status {status})")

    def abandon(self) -> None:
        """Stop the writer now (the run was interrupted or failed); nothing once closed."""
        if self._closed:
            return
        self._closed = True
        self._process.kill()
        self._wait()

    def _wait(self) -> tuple[int, str]:
        """Close the writer's input; its exit status and what it said on standard error."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.close()
        except OSError:
            pass
        status = self._process.wait()
        if self._errors.closed:   # an interrupted close read it already
            return status, ""
        with self._errors as errors:
            errors.seek(0)
            return status, errors.read().decode("utf-8", "replace")


def _widen_pipe(fd: int) -> None:
    """Let the pipe hold :data:`PIPE_BYTES` (Linux; elsewhere the default stays)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def usable_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not Linux
        return os.cpu_count() or 1


def writes_in_background(expected_rows: int) -> bool:
    """Whether a time series of ``expected_rows`` rows goes to a writer process."""
    return (expected_rows >= BACKGROUND_MIN_ROWS and usable_cpus() >= 2 and os.name == "posix"
            and multiprocessing.parent_process() is None
            and threading.current_thread() is threading.main_thread()
            and bool(sys.executable) and not getattr(sys, "frozen", False))


def open_series_writer(path: str, replication: int, start: date | None, expected_rows: int,
                       background: bool | None = None, week: WeekTarget | None = None) -> SeriesWriter:
    """A writer for one part file (and the week's, given ``week``); ``background`` forces the
    choice (tests compare both)."""
    if background is None:
        background = writes_in_background(expected_rows)
    if background:
        try:
            return BackgroundSeriesWriter(path, replication, start, week)
        except OSError:   # no process to be had (a limit reached): this process writes
            pass
    return InlineSeriesWriter(path, replication, start, week)


def _week_arguments(week: WeekTarget | None) -> list[str]:
    """The writer process's command-line arguments for ``week`` (floats as ``repr``: exact)."""
    return [] if week is None else [week.path, repr(week.warmup_h), repr(week.horizon_h)]


def _week_from_arguments(arguments: list[str]) -> WeekTarget | None:
    return WeekTarget(arguments[0], float(arguments[1]), float(arguments[2])) if arguments else None


def _serve(path: str, replication: int, start: date | None, week: WeekTarget | None = None) -> int:
    """The writer process: rows of every block on standard input until it closes; 0, or 1
    with the error on standard error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        writer = InlineSeriesWriter(path, replication, start, week)
        try:
            while True:
                try:
                    block = pickle.load(sys.stdin.buffer)
                except EOFError:
                    break
                writer.write(block)
        except BaseException:
            writer.abandon()
            raise
        writer.close()
        return 0
    except OSError as failure:
        print(f"cannot write {failure.filename or path}: {failure.strerror or failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    status = _serve(sys.argv[1], int(sys.argv[2]), date.fromisoformat(sys.argv[3]) if sys.argv[3] else None,
                    _week_from_arguments(sys.argv[4:]))
    sys.stderr.flush()
    os._exit(status)   # the file is closed: no need to wait for the interpreter's teardown
