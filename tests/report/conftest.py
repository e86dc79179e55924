"""Result folders shared by the report's tests: one small real run, made once per test process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from report_testkit import make_run_folder

from tests.conftest import SMALL_SCENARIO, write


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """A run of the small two-service scenario (3 replications, 8 days): its results folder."""
    folder = tmp_path_factory.mktemp("small-run")
    scenario = write(folder, "small.yaml", SMALL_SCENARIO)
    run, _ = make_run_folder(folder / "run", scenario, replications=3)
    return run


@pytest.fixture
def run_copy(small_run, tmp_path) -> Path:
    """A copy of the small run that a test may change."""
    return Path(shutil.copytree(small_run, tmp_path / "run"))
