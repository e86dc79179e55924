"""Shared fixtures: small scenario files written into a temporary folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

#: A small two-service, two-segment scenario exercising rosters, tiers, patience and balking,
#: sized to run its replications in well under a second.
SMALL_SCENARIO = """\
stratsim: 1
name: small
horizon: 8d
warmup: 1d
replications: 3
seed: 5
services:
  - id: desk
    staff: 2
    queue_capacity: 10
    service_time: {dist: lognormal, mean: 20min, cv: 0.8}
    price: 40
    costs: {staff_hour: 30, per_request: 2, fixed_per_day: 100}
    sla: {wait: 15min}
    tiers: [{id: gold, priority: 0, price_factor: 1.5}, {id: std, priority: 1}]
  - id: backup
    staff: 1
    service_time: {dist: gamma, mean: 30min, cv: 0.5}
    price: 60
segments:
  - id: staff
    rate: 5
    daily_profile: business-hours
    mix: {desk: 0.8, backup: 0.2}
    tiers: {gold: 0.2, std: 0.8}
    patience: {dist: exponential, mean: 30min}
    balk_at: 8
  - id: branches
    rate: 1
    mix: {desk: 1}
strategy:
  pattern:
    rosters:
      desk:
        - {days: mon-fri, from: "08:00", to: "18:00", staff: 4}
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start a Dask cluster run last, whatever paths were asked for: distributed
    leaves its IO-loop threads running in the process, and a report drawer forks only from a
    single-threaded process (the drawer's tests would find none to fork)."""
    items.sort(key=lambda item: item.get_closest_marker("dask_cluster") is not None)   # stable


def gone(pid: int, wait_s: float = 10.0) -> bool:
    """Whether process ``pid`` ends within ``wait_s`` (a zombie has ended: its parent, or init
    for an orphan, has only not collected it yet)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small_scenario(tmp_path: Path) -> Path:
    return write(tmp_path, "small.yaml", SMALL_SCENARIO)


def _interrupts_at_default() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def start_in_own_group():
    """Start a command in its own process group, as a terminal would: Ctrl-C at its default
    action even when these tests run where SIGINT is ignored (a shell's background job passes
    that on to every child, and Python then never turns Ctrl-C into KeyboardInterrupt). Every
    group still alive when the test ends is killed, so a failing test leaves no run behind."""
    import os
    import signal
    import subprocess

    started: list[subprocess.Popen] = []

    def start(command: list[str], cwd: Path) -> subprocess.Popen:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True, preexec_fn=_interrupts_at_default)
        started.append(process)
        return process

    yield start
    for process in started:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
