"""Choosing where replications run: ``--backend pool|dask [--scheduler ADDRESS]`` and ``--jobs``.

``pool`` (the default) needs nothing started: one job runs in this process, more run on a
local process pool. ``dask`` runs on a Dask distributed cluster (:mod:`.dask_backend`): the
one at ``scheduler``, or a local cluster of ``jobs`` worker processes. Every backend gives
the same numbers.
"""

from __future__ import annotations

from stratsim.errors import StratsimError
from stratsim.runner.evaluators import Evaluator, evaluator_for

BACKENDS = ("pool", "dask")


def make_evaluator(jobs: int = 1, backend: str = "pool", scheduler: str | None = None) -> Evaluator:
    """The evaluator for a backend name; a bad combination is a :class:`StratsimError`."""
    if backend not in BACKENDS:
        raise StratsimError(f"--backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
    if jobs < 1:
        raise StratsimError(f"--jobs: expected at least 1, got {jobs}")
    if backend == "pool":
        if scheduler:
            raise StratsimError("--scheduler needs --backend dask")
        return evaluator_for(jobs)
    from stratsim.runner.dask_backend import DaskEvaluator, import_distributed

    import_distributed()   # a missing extra is reported now, before anything runs
    return DaskEvaluator(jobs, scheduler)


def backend_description(evaluator: Evaluator) -> str:
    """How the work ran, for the manifest (``process-pool``, ``dask: local cluster of 2 …``)."""
    detail = getattr(evaluator, "description", None)
    return f"{evaluator.name}: {detail}" if detail else evaluator.name
