"""Result folders: where a run's files go, and how they get there without half-written files.

Policy (README, "What a run gives you"; a contract):

* ``--out DIR`` writes directly into DIR, which may exist only if empty; a DIR holding an
  earlier stratsim result is refused unless ``force``; any other non-empty DIR is refused.
* without ``--out``, a run goes to ``results/<name>/<YYYYmmdd-HHMMSS>/`` (a ``-2``, ``-3``…
  suffix if that exists) and ``results/<name>/latest`` is a symbolic link to the newest run,
  so an earlier run is never overwritten — not even by a run started in the same second: the
  folder is reserved by creating it (``mkdir`` fails if another run got there first).

Files are first written into a hidden ``.stratsim-partial-*`` folder inside the target, and
moved into the target one by one when the run has completed, ``manifest.json`` last: a folder
holds a complete result exactly when it holds a manifest. Moving in is claimed by creating
``.stratsim-commit.lock`` exclusively, so two runs finishing into one folder at the same moment
cannot interleave their files. A failed or interrupted run deletes its staging folder (and the
folders it created for the target, while they are empty).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from stratsim.errors import OutputError

SUMMARY_FILE = "summary.json"
REPLICATIONS_FILE = "replications.csv"
TIMESERIES_FILE = "timeseries.csv"
WEEK_FILE = "week.csv"
RULES_FILE = "rules.csv"
MANIFEST_FILE = "manifest.json"
COMPARISON_FILE = "comparison.json"
COMPARISON_CSV_FILE = "comparison.csv"
SWEEP_FILE = "sweep.csv"
SWEEP_PLAN_FILE = "sweep-plan.json"
WAITS_FILE = "waits.csv"
MODEL_FILE = "model.json"
SCENARIO_COPY_FILE = "scenario.yaml"
REPORT_FILE = "report.html"
FINANCE_FILE = "finance.csv"
#: A sweep saves each finished point here as ``NNNN.json`` while it runs (kept if interrupted).
POINTS_FOLDER = "points"
#: The folder of the report's charts (PNG and SVG).
CHARTS_FOLDER = "charts"
#: The folder where ``compare`` keeps each scenario's run files, one subfolder per scenario.
SCENARIOS_FOLDER = "scenarios"
CHART_SUFFIXES = (".png", ".svg")
#: Files whose presence marks a folder as holding a stratsim result.
RESULT_MARKERS = (SUMMARY_FILE, MANIFEST_FILE, COMPARISON_FILE)
#: Every file a stratsim run writes; ``--force`` deletes these (and the charts) and nothing else.
RESULT_FILES = (*RESULT_MARKERS, REPLICATIONS_FILE, TIMESERIES_FILE, WEEK_FILE, RULES_FILE, COMPARISON_CSV_FILE,
                WAITS_FILE, MODEL_FILE, SCENARIO_COPY_FILE, REPORT_FILE, SWEEP_FILE, SWEEP_PLAN_FILE,
                FINANCE_FILE)
#: The file moved last: its presence means the result is complete.
COMPLETION_MARKER = MANIFEST_FILE
STAGING_PREFIX = ".stratsim-partial-"
COMMIT_LOCK = ".stratsim-commit.lock"
DEFAULT_ROOT = Path("results")


@dataclass(frozen=True)
class OutputPlan:
    """Where a run will end up (``target``) and where it is written meanwhile (``staging``)."""

    target: Path
    staging: Path
    created: tuple[Path, ...]
    force: bool
    latest_link: Path | None


def holds_result(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in RESULT_MARKERS)


def _entries(folder: Path) -> list[Path]:
    """What a folder holds, leaving out staging folders and locks of other (or killed) runs."""
    return [p for p in folder.iterdir()
            if not p.name.startswith(STAGING_PREFIX) and p.name != COMMIT_LOCK]


def _missing_ancestors(folder: Path) -> tuple[Path, ...]:
    """``folder`` and its parents that do not exist yet, deepest first (what mkdir will make)."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    return tuple(missing)


def _check_explicit(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and _entries(out):
        if not holds_result(out):
            raise OutputError(f"--out {out}: folder is not empty and holds no stratsim result; "
                              "choose an empty or new folder")
        if not force:
            raise OutputError(f"--out {out}: holds an earlier stratsim result; "
                              "pass --force to replace it, or choose another folder")


def _reserve_timestamped(root: Path, now: datetime) -> Path:
    """Create and return a new ``root/<stamp>[-n]`` folder; creation is the reservation."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    root.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = root / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise OutputError(f"cannot find a free result folder name under {root}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def plan_output(name: str, out: Path | None = None, force: bool = False,
                root: Path = DEFAULT_ROOT, now: datetime | None = None) -> OutputPlan:
    """Check the output rules, reserve the target and create the staging folder inside it.

    Raises :class:`OutputError` (never anything else) when the folder cannot be used.
    """
    try:
        if out is not None:
            _check_explicit(out, force)
            created = _missing_ancestors(out.absolute())
            out.mkdir(parents=True, exist_ok=True)
            target, link = out, None
        else:
            target = _reserve_timestamped(root / name, now or datetime.now())
            created, link = (target,), root / name / "latest"
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; result files are not
    except OSError as error:
        raise OutputError(f"cannot write results to {out or root}: {error.strerror or error}") from None
    return OutputPlan(target, staging, created, force, link)


def plan_into_existing(target: Path) -> OutputPlan:
    """Stage into a folder that holds unfinished work to complete (``sweep --resume DIR``).

    Nothing is reserved or created but the staging folder, and nothing is deleted on failure
    but that: the unfinished work stays for the next attempt.
    """
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
        staging.chmod(0o777 & ~_umask())
    except OSError as error:
        raise OutputError(f"cannot write results to {target}: {error.strerror or error}") from None
    return OutputPlan(target, staging, (), False, None)


def write_json(path: Path, document: Any) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, allow_nan=False)
        handle.write("\n")


def remove_earlier_result(target: Path) -> None:
    """With ``--force``: delete the earlier result's files, its completion marker first.

    Only files stratsim writes are deleted (a sweep's point files included); anything else
    the user keeps there stays.
    """
    for name in dict.fromkeys((COMPLETION_MARKER, *RESULT_FILES)):
        (target / name).unlink(missing_ok=True)
    remove_charts(target / CHARTS_FOLDER)
    _remove_scenario_results(target / SCENARIOS_FOLDER)
    points = target / POINTS_FOLDER
    if points.is_dir():
        for path in points.glob("*.json"):
            path.unlink(missing_ok=True)
        _remove_if_empty(points)


def _remove_scenario_results(scenarios: Path) -> None:
    """Delete the per-scenario files of an earlier comparison (and the folders, once empty)."""
    if not scenarios.is_dir():
        return
    for folder in scenarios.iterdir():
        if folder.is_dir() and holds_result(folder):
            for name in RESULT_FILES:
                (folder / name).unlink(missing_ok=True)
            _remove_if_empty(folder)
    _remove_if_empty(scenarios)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass   # the user keeps something else there


def remove_charts(charts: Path) -> None:
    """Delete the chart images stratsim drew (PNG and SVG) and, once empty, their folder."""
    if not charts.is_dir():
        return
    for path in charts.iterdir():
        if path.suffix in CHART_SUFFIXES:
            path.unlink(missing_ok=True)
    _remove_if_empty(charts)


def commit(plan: OutputPlan) -> Path:
    """Move the staged files into the target, completion marker last.

    Raises :class:`OutputError` (after abandoning the run) if another run holds the commit
    lock or completed into the same folder meanwhile (without ``force``), or if the files
    cannot be moved.
    """
    target = plan.target
    lock = target / COMMIT_LOCK
    try:
        descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        abandon(plan)
        raise OutputError(f"{target}: another run is writing its result here (or was killed "
                          f"doing so: then delete {lock}); this run's result was not written") from None
    except OSError as error:
        abandon(plan)
        raise OutputError(f"cannot write results to {target}: {error.strerror or error}") from None
    try:
        os.write(descriptor, str(os.getpid()).encode())
        os.close(descriptor)
        _move_in(plan)
    finally:
        lock.unlink(missing_ok=True)
    return target


def _move_in(plan: OutputPlan) -> None:
    target = plan.target
    if not plan.force and holds_result(target):
        abandon(plan)
        raise OutputError(f"{target}: another run wrote a result here meanwhile; "
                          "this run's result was not written")
    try:
        if plan.force:
            remove_earlier_result(target)
        staged = sorted(plan.staging.iterdir(), key=lambda p: (p.name == COMPLETION_MARKER, p.name))
        for path in staged:
            if path.is_dir() and (target / path.name).is_dir():   # charts/ where the user keeps a file
                for inner in path.iterdir():
                    os.replace(inner, target / path.name / inner.name)
                path.rmdir()
            else:
                os.replace(path, target / path.name)
        plan.staging.rmdir()
    except OSError as error:
        abandon(plan)
        raise OutputError(f"cannot write results to {target}: {error.strerror or error}") from None


def link_latest(plan: OutputPlan) -> None:
    """Point ``results/<name>/latest`` at the committed run (no-op with ``--out``).

    Raises :class:`OutputError` if the link cannot be made; the result itself is complete.
    """
    if plan.latest_link is None:
        return
    link = plan.latest_link
    temporary = link.with_name(f".latest-{os.getpid()}")
    try:
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(plan.target.name)
        os.replace(temporary, link)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"cannot point {link} at the new result: {error.strerror or error}") from None


def abandon(plan: OutputPlan) -> None:
    """Delete the staging folder of a failed or interrupted run, and the folders it created."""
    shutil.rmtree(plan.staging, ignore_errors=True)   # ours alone: files and the charts folder
    for folder in plan.created:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (a result is there) or already gone: stop climbing
