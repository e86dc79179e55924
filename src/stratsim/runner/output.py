"""Result folders: where a run's files go, and how they get there without half-written files.

Policy (DESIGN.md §4, contract):

* ``--out DIR`` writes directly into DIR, which may exist only if empty; a DIR holding an
  earlier stratsim result is refused unless ``force``; any other non-empty DIR is refused.
* without ``--out``, a run goes to ``results/<name>/<YYYYmmdd-HHMMSS>/`` (a ``-2``, ``-3``…
  suffix if that exists) and ``results/<name>/latest`` is a symbolic link to the newest run,
  so an earlier run is never overwritten.

Every file is first written into a hidden staging folder beside the target, which is renamed
into place only when the run has completed. An interrupted run leaves at most a
``.stratsim-partial-*`` folder, never a result folder that looks complete.
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

#: Files whose presence marks a folder as holding a stratsim result.
RESULT_MARKERS = ("summary.json", "manifest.json", "comparison.json")
DEFAULT_ROOT = Path("results")


@dataclass(frozen=True)
class OutputPlan:
    """Where a run will end up (``target``) and where it is written meanwhile (``staging``)."""

    target: Path
    staging: Path
    latest_link: Path | None


def holds_result(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in RESULT_MARKERS)


def _check_explicit(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not holds_result(out):
            raise OutputError(f"--out {out}: folder is not empty and holds no stratsim result; "
                              "choose an empty or new folder")
        if not force:
            raise OutputError(f"--out {out}: holds an earlier stratsim result; "
                              "pass --force to replace it, or choose another folder")


def _timestamped(root: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    candidate, n = root / stamp, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{stamp}-{n}"
    return candidate


def plan_output(name: str, out: Path | None = None, force: bool = False,
                root: Path = DEFAULT_ROOT, now: datetime | None = None) -> OutputPlan:
    """Check the output rules and create the staging folder; raises :class:`OutputError`."""
    if out is not None:
        _check_explicit(out, force)
        target, link = out, None
    else:
        target = _timestamped(root / name, now or datetime.now())
        link = root / name / "latest"
    parent = target.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".stratsim-partial-", dir=parent))
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a result folder is not
    except OSError as error:
        raise OutputError(f"cannot write results under {parent}: {error.strerror}") from None
    return OutputPlan(target, staging, link)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path: Path, document: Any) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, allow_nan=False)
        handle.write("\n")


def commit(plan: OutputPlan) -> Path:
    """Move the completed staging folder into place (replacing a forced target) and link it."""
    target = plan.target
    if target.is_dir():
        old = target.with_name(f".{target.name}.replaced-{os.getpid()}")
        target.rename(old)
        plan.staging.rename(target)
        shutil.rmtree(old)
    else:
        plan.staging.rename(target)
    if plan.latest_link is not None:
        temporary = plan.latest_link.with_name(f".latest-{os.getpid()}")
        if temporary.is_symlink():
            temporary.unlink()
        temporary.symlink_to(target.name)
        temporary.replace(plan.latest_link)
    return target


def abandon(plan: OutputPlan) -> None:
    """Delete the staging folder of a run that failed or was interrupted."""
    shutil.rmtree(plan.staging, ignore_errors=True)
