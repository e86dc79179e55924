"""A report drawer started with the simulation: the report's code loads while replications run.

Drawing a report starts with importing matplotlib and the chart modules, about half a second
whatever the run's size, and ``run``, ``compare`` and ``sweep`` draw one only once their last
replication is done. :class:`ReportDrawer` moves that import off the critical path: the command
starts it before the simulation, as a process forked from itself that imports the report's
code on another core (the engine runs on one) and then waits; when the result files are
written, :meth:`ReportDrawer.draw` hands it the folder and it draws exactly what
:func:`~stratsim.report.document.write_report` draws in the command's own process — the same
files, byte for byte — forking its chart workers from itself.

Decisions, and why:

* **Forked, or not at all.** A fork inherits everything the command has imported and costs
  milliseconds; a fresh interpreter would import the engine's dependencies again. Forking is
  safe only while the command runs a single thread (another thread could hold a lock the
  child would inherit held), so :func:`report_drawer` gives ``None`` otherwise, off Linux, and
  when the fork itself fails (too many processes); the command then draws in its own process
  as before. Ctrl-C and SIGTERM are held back during the fork (a handler running half-way
  through one loses the interrupt or prints tracebacks) and honoured once the drawer exists.
* **One report per drawer**, then the process ends.
* **The drawer and its chart workers are a process group of their own**, which ignores
  Ctrl-C: the command handles interrupts, and on any exception it sends the whole group
  SIGTERM at once, so an interrupted command leaves no drawing process behind. The group is
  signalled only while the drawer is not yet collected, so its number cannot have been given
  to another process. Stopping a drawer that was never used is a message, not a signal: the
  command's other children (pool workers, Dask's forkserver) may hold copies of its end of the
  pipe, so end-of-file alone would not reach the drawer.
* **A drawer that dies unasked** (killed, out of memory) costs nothing but the half second:
  its chart workers do not hold its end of the pipe, so the command sees it gone,
  :meth:`ReportDrawer.draw` ends the workers and raises :class:`DrawerLost`, and the command
  draws in its own process. An error while drawing comes back as its type and message (an
  ``OSError`` as itself), so the command treats it as it treats its own drawing's errors.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Seconds to wait for a drawer to end after it was told to stop (it is idle, or just replied).
STOP_TIMEOUT_S = 5.0


class DrawerLost(RuntimeError):
    """The drawer process ended without answering: draw the report in this process instead."""


class ReportFailed(RuntimeError):
    """Drawing the report raised ``kind``: ``message`` (a bug in a chart, a result it cannot read)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class ReportDrawer:
    """A forked process holding the report's code, drawing one report when asked."""

    def __init__(self, process: Any, connection: Any) -> None:
        self._process = process
        self._connection = connection
        self._done = False

    @property
    def pid(self) -> int:
        return self._process.pid

    @classmethod
    def start(cls) -> ReportDrawer:
        """Fork the drawer; it imports the report's code at once, then waits for :meth:`draw`.
        Call with SIGINT and SIGTERM blocked (:func:`report_drawer` does): the drawer unblocks
        them once its own handlers are set, and a fork never runs an interrupt's handler."""
        import multiprocessing

        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(target=_serve, args=(theirs, ours, os.getpid()),
                                  name="stratsim-report-drawer")
        process.start()
        theirs.close()
        try:
            os.setpgid(process.pid, process.pid)   # the child does the same: whichever runs first
        except OSError:
            pass   # the child has ended already (draw will tell)
        return cls(process, ours)

    def draw(self, folder: Path, shown_as: Path) -> None:
        """Draw the report of ``folder`` in the drawer, its charts in
        :func:`~stratsim.report.charts.chart_workers` processes; return when it is written.

        Raises ``OSError`` for an I/O error while writing, :class:`ReportFailed` for any other
        error while drawing, :class:`DrawerLost` when the drawer is gone without an answer (its
        chart workers, if it had started them, are ended first)."""
        if self._done:
            raise DrawerLost("this drawer has drawn its report already")
        self._done = True
        try:
            self._connection.send(("draw", str(folder), str(shown_as)))
            reply = self._connection.recv()
        except (EOFError, OSError):
            self._signal_group()
            raise DrawerLost("the report drawer ended without drawing") from None
        status, *details = reply
        if status == "oserror":
            errno, strerror, filename = details
            raise OSError(errno, strerror, filename)
        if status == "error":
            raise ReportFailed(*details)

    def stop(self) -> None:
        """End the drawer if it is still waiting (it ends by itself after drawing)."""
        if not self._done:
            self._done = True
            try:
                self._connection.send(None)
            except OSError:
                pass   # gone already
        self._connection.close()
        self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():
            self.kill()

    def kill(self) -> None:
        """Send SIGTERM to the drawer and its chart workers now (the command was interrupted or
        failed) and wait for the drawer to end."""
        self._signal_group()
        self._connection.close()
        self._process.join()

    def _signal_group(self) -> None:
        """SIGTERM to the drawer's process group, while its number is still the drawer's: the
        drawer not yet collected (alive, or ended and waiting for us), so no other process can
        have been given its number. A drawer that ``multiprocessing`` has already collected
        (it does so for ended children whenever it starts a process) is past signalling."""
        try:
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return   # collected: its number may belong to anyone now
        try:
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass   # the group is empty


@contextmanager
def report_drawer(wanted: bool) -> Iterator[ReportDrawer | None]:
    """A drawer started now when ``wanted`` and a fork is safe (Linux, one thread), else
    ``None`` — also when the fork fails (too many processes): the report is then drawn in the
    command. Stopped on the way out; ended with its chart workers if an exception leaves."""
    if not wanted or not sys.platform.startswith("linux") or threading.active_count() != 1:
        yield None
        return
    interrupts = {signal.SIGINT, signal.SIGTERM}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, interrupts)   # no handler runs in a fork
    try:
        drawer = ReportDrawer.start()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        yield None
        return
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)   # an interrupt held back lands here
        yield drawer
    except BaseException:
        drawer.kill()
        raise
    drawer.stop()


def _serve(connection: Any, parents_end: Any, parent: int) -> None:
    """The drawer process: load the report's code, then draw the one report asked for.

    Its chart workers do not keep its end of the pipe: were the drawer killed while they run,
    the command would otherwise wait for an answer for ever instead of seeing it gone. It ends
    with the command (``parent``), even one killed by SIGKILL while it draws, and its chart
    workers end with it."""
    from stratsim.runner.evaluators import end_with_parent

    parents_end.close()
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # not the command's own handler
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    end_with_parent(parent)
    os.register_at_fork(after_in_child=connection.close)
    try:
        _draw_when_asked(connection)
    except (EOFError, OSError):
        pass   # the command is gone: there is no one to answer


def _draw_when_asked(connection: Any) -> None:
    loading_failed: Exception | None = None
    try:
        from stratsim.report import write_report   # as the command would (a test may replace it)
        from stratsim.report.charts import chart_workers
        from stratsim.report.profiles import t_quantile_975
        from stratsim.report.style import load_renderers

        load_renderers()
        t_quantile_975(2)   # loads scipy.special (0.2–0.3 s) for the intervals of several replications
    except Exception as error:  # noqa: BLE001 - answered when a report is asked for
        loading_failed = error
    request = connection.recv()
    if request is None:
        return
    _, folder, shown_as = request
    try:
        if loading_failed is not None:
            raise loading_failed
        write_report(Path(folder), shown_as=Path(shown_as), workers=chart_workers())
    except OSError as error:
        connection.send(("oserror", error.errno, error.strerror or str(error), error.filename))
    except Exception as error:  # noqa: BLE001 - sent to the command, which reports it
        connection.send(("error", type(error).__name__, str(error)))
    else:
        connection.send(("ok",))
