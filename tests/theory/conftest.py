"""Theory-validation tests: the method is in :mod:`theory_testkit` (read its docstring).

This conftest only measures: each test's **CPU** time (``time.process_time`` of the worker
running it) is attached to its report as the ``cpu_s`` user property, and a short table
with the total is printed at the end of the run. Wall times (``--durations``) are inflated
when other jobs share the machine; the folder's budget (4 CPU minutes, see the testkit) is a
CPU budget, so this is the number to watch. Works with and without ``pytest -n``.
"""

from __future__ import annotations

import time

import pytest

_CPU_SECONDS: dict[str, float] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    start = time.process_time()
    yield
    if item.get_closest_marker("theory") is not None:
        item.user_properties.append(("cpu_s", time.process_time() - start))


def pytest_runtest_logreport(report):
    if report.when == "call":
        for name, value in report.user_properties:
            if name == "cpu_s":
                _CPU_SECONDS[report.nodeid] = value


def pytest_terminal_summary(terminalreporter):
    if not _CPU_SECONDS:
        return
    terminalreporter.section("theory tests: CPU seconds")
    for nodeid, seconds in sorted(_CPU_SECONDS.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{seconds:8.2f}s  {nodeid}")
    terminalreporter.write_line(f"{sum(_CPU_SECONDS.values()):8.2f}s  total")
