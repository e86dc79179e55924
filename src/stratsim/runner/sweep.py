"""Sweeps: one scenario run at many parameter values, with common random numbers.

``stratsim sweep SCENARIO --param services.helpdesk.staff=4..8 --param services.helpdesk.price=30,35,40``
runs every point of the full grid (here 5 × 3 = 15), or with ``--samples N`` a Latin
hypercube of N points, and writes ``sweep.csv``: one row per point with the parameter
values, every portfolio KPI's mean and 95 % interval, and with ``--pareto A,B`` whether the
point is on the Pareto front of those two KPIs.

Decisions, and why:

* **Values** (:mod:`.sweep_design`): ``4..8`` is the integers 4 to 8 inclusive; ``30,35,40`` (or a YAML list in the
  file) a list, each item read as YAML (``20min`` stays a duration, ``0.5`` a number);
  ``5.0..7.5`` (a bound with a decimal point) a continuous range, which only a Latin
  hypercube can sample — the grid refuses it rather than invent a step.
* **Latin hypercube** (``scipy.stats.qmc.LatinHypercube``): N points, each dimension cut
  into N equal strata with exactly one point in each. A continuous range maps a stratum
  linearly onto ``[lo, hi)``; a list or integer range maps ``[0, 1)`` onto its values in
  equal shares. The sampler's seed derives from the scenario seed (a stream of its own, never
  one of the replications'), so the same scenario and seed give the same points.
* **Common random numbers**: every point runs replications ``0 .. R-1`` with the same seed,
  so the points differ by their parameters, not by luck, and their differences are paired.
* **Each point is validated like a file** (:mod:`stratsim.scenario.overrides`) before
  anything runs: a path that names nothing or a value the scenario refuses is an error
  naming the ``--param`` (or the ``sweep:`` entry's file, line and column) — all of them at once.
* **Kept as it goes**: each finished point is saved as ``points/NNNN.json`` (its values and
  its whole summary) in the result folder, next to ``sweep-plan.json`` (the points, seed and
  replications) written first. An interrupted sweep leaves them; ``--resume DIR`` runs only
  the missing points. ``sweep.csv`` is always built from those files, so a resumed sweep's is
  byte-identical to an uninterrupted one's. With ``--resume`` the saved plan rules: options
  that would change it are refused.
* **All points' replications go to the evaluator in one batch** (point by point), and a point
  is saved as soon as its last replication is in: the workers never wait for a point to end.
* ``--precision`` and ``--warmup auto`` are not offered: a point's replication count and
  warm-up are fixed in the plan so that an interrupted sweep can be resumed exactly.
* **Score against the base scenario**: where the perspective has objectives, the base scenario
  (the file as written) runs too, on the same streams, saved as ``points/base.json``, and every
  point's ``score`` (with its 95 % interval) is normalised by that run, as a comparison's
  scenarios are by the baseline; the ``feasible`` column (constraints and SLA targets) is
  judged on each point alone. See :func:`extra_point_columns`.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stratsim import __version__
from stratsim.analysis.pareto import pareto_front
from stratsim.analysis.perspective import scores
from stratsim.engine.compile import compile_scenario
from stratsim.engine.metrics import KpiRecord
from stratsim.errors import OutputError, StratsimError
from stratsim.runner.batches import ModelRun, batch_tasks
from stratsim.runner.directions import BETTER
from stratsim.runner.evaluators import Evaluator, SerialEvaluator
from stratsim.runner.output import (
    MANIFEST_FILE,
    POINTS_FOLDER,
    SWEEP_FILE,
    SWEEP_PLAN_FILE,
    OutputPlan,
    plan_into_existing,
    plan_output,
    remove_earlier_result,
    write_json,
)
from stratsim.runner.replications import run_task
from stratsim.runner.simulation import build_summary, scenario_sha256
from stratsim.runner.sweep_design import (  # noqa: F401  (re-exported: the sweep's whole vocabulary)
    SAMPLING_KEY,
    Origin,
    SweepDesign,
    SweepParam,
    file_origins,
    latin_hypercube,
    merge_design,
    parse_option,
    parse_param,
    plain,
    point_scenarios,
    spec_text,
)
from stratsim.runner.statistics import summarize
from stratsim.scenario import Scenario
from stratsim.strategy.perspective import ObjectiveScale, compile_perspective, objective_scales

PLAN_FORMAT = 1
#: The name of the base scenario's saved run, the common reference of the points' scores.
REFERENCE_POINT = "base"


# ----------------------------------------------------------------------------------------
# The plan and the point files


def make_plan(base: Scenario, design: SweepDesign, seed: int, replications: int) -> dict[str, Any]:
    """The document ``sweep-plan.json`` holds: what the sweep runs, fixed before it starts."""
    return {
        "format": PLAN_FORMAT,
        "stratsim_version": __version__,
        "scenario": base.name,
        "scenario_sha256": scenario_sha256(base.model_copy(update={"sweep": None})),
        "seed": seed,
        "replications": replications,
        "params": [{"path": p.path, "values": p.spec} for p in design.params],
        "samples": design.samples,
        "pareto": list(design.pareto) if design.pareto is not None else None,
        "points": design.points(seed),
    }


def point_file(folder: Path, index: int | str) -> Path:
    """``points/0007.json`` for point 7, ``points/base.json`` for the score's reference."""
    name = index if isinstance(index, str) else f"{index:04d}"
    return folder / POINTS_FOLDER / f"{name}.json"


def point_document(index: int | str, values: dict[str, Any], scenario: Scenario, seed: int,
                   records: list[KpiRecord], objectives: Sequence[str] = ()) -> dict[str, Any]:
    """What a finished point saves: its values and its whole summary (as a run's), and the
    per-replication values of the ``objectives`` KPIs, which its score is computed from once
    the reference is known (:func:`point_scores`)."""
    summary = build_summary(scenario, seed, records)
    document: dict[str, Any] = {"point": index, "values": values, "summary": summary}
    if objectives:
        document["objective_values"] = {kpi: [r["kpis"].get(kpi) for r in records] for kpi in objectives}
    return json.loads(json.dumps(document))


# ----------------------------------------------------------------------------------------
# The score's common reference: the base scenario


def objective_kpis(base: Scenario | None) -> tuple[str, ...]:
    """The KPIs the base scenario's perspective scores on (none: the sweep writes no score)."""
    if base is None:
        return ()
    return tuple(o.kpi for o in compile_perspective(base).objectives)


def reference_document(base: Scenario, seed: int, records: list[KpiRecord]) -> dict[str, Any]:
    """The base scenario's run, saved as ``points/base.json``: its summary, its objective
    values and the normalisation (:class:`ObjectiveScale`) every point is scored with."""
    perspective = compile_perspective(base)
    document = point_document(REFERENCE_POINT, {}, base, seed, records, objective_kpis(base))
    document["scales"] = [asdict(s) for s in objective_scales(perspective, list(records))]
    return json.loads(json.dumps(document))


def reference_scales(reference: dict[str, Any] | None) -> tuple[ObjectiveScale, ...]:
    """The normalisation saved in the reference document (none without one)."""
    if not reference:
        return ()
    return tuple(ObjectiveScale(**{**s, "bounds": tuple(s["bounds"]) if s["bounds"] is not None else None})
                 for s in reference.get("scales", ()))


def point_scores(document: dict[str, Any], scales: tuple[ObjectiveScale, ...]) -> dict[str, Any] | None:
    """A point's score (mean, 95 % interval, …) judged against the reference's ``scales``:
    per replication ``Σ weight × value`` as in a comparison, from its saved objective values."""
    values = document.get("objective_values")
    if not scales or values is None:
        return None
    count = len(next(iter(values.values()), []))
    records = [{"kpis": {kpi: column[r] for kpi, column in values.items()}} for r in range(count)]
    return summarize(scores(records, scales))


def save_point(folder: Path, document: dict[str, Any]) -> None:
    """Write a point file atomically (a temporary name, then renamed into place)."""
    path = point_file(folder, document["point"])
    path.parent.mkdir(exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_json(temporary, document)
    os.replace(temporary, path)


def finished_points(folder: Path, count: int) -> dict[int, dict[str, Any]]:
    """The point files already in ``folder`` (a damaged one is run again)."""
    found = {}
    for index in range(count):
        document = _read_point(point_file(folder, index))
        if document is not None:
            found[index] = document
    return found


def saved_reference(folder: Path) -> dict[str, Any] | None:
    """The base scenario's saved run (``points/base.json``), if there is a whole one."""
    document = _read_point(point_file(folder, REFERENCE_POINT))
    return document if document is not None and "scales" in document else None


def _read_point(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def runs_left(folder: Path, count: int, base: Scenario | None) -> int:
    """How many scenarios a sweep still has to run: its missing points, and the base scenario
    when the perspective scores and its reference run is not saved yet."""
    missing = count - len(finished_points(folder, count))
    return missing + (1 if objective_kpis(base) and saved_reference(folder) is None else 0)


# ----------------------------------------------------------------------------------------
# Running


def run_points(
    scenarios: Sequence[Scenario],
    points: Sequence[dict[str, Any]],
    seed: int,
    replications: int,
    evaluator: Evaluator | None = None,
    folder: Path | None = None,
    on_done: Callable[[], None] | None = None,
    base: Scenario | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Run the points not yet saved in ``folder`` (all of them without one): every point's
    document, and the reference document of ``base`` (``None`` when nothing is scored).

    When ``base``'s perspective has objectives, the base scenario runs too, on the same
    streams, as the common reference of every point's score (:func:`reference_document`),
    unless ``folder`` holds it already. With ``folder``, each point (and the reference) is
    saved the moment its last replication is in.
    """
    objectives = objective_kpis(base)
    done: dict[int | str, dict[str, Any]] = {}
    if folder is not None:
        done.update(finished_points(folder, len(points)))
        reference = saved_reference(folder) if objectives else None
        if reference is not None:
            done[REFERENCE_POINT] = reference
    keys: list[int | str] = [REFERENCE_POINT] if objectives and REFERENCE_POINT not in done else []
    keys += [i for i in range(len(points)) if i not in done]
    scenario_of = {REFERENCE_POINT: base, **dict(enumerate(scenarios))}
    runs = [ModelRun(compile_scenario(scenario_of[key])) for key in keys]   # type: ignore[arg-type]
    tasks = batch_tasks(runs, seed, 0, replications)
    pending: dict[int | str, list[KpiRecord | None]] = {key: [None] * replications for key in keys}
    left = {key: replications for key in keys}
    documents = dict(done)

    def collect(task_index: int, record: KpiRecord) -> None:
        key = keys[task_index // replications]
        pending[key][task_index % replications] = record
        left[key] -= 1
        if left[key] == 0:
            records: list[KpiRecord] = pending.pop(key)   # type: ignore[assignment]
            if key == REFERENCE_POINT:
                document = reference_document(base, seed, records)   # type: ignore[arg-type]
            else:
                document = point_document(key, points[key], scenarios[key], seed, records,   # type: ignore[index]
                                          objectives)
            if folder is not None:
                save_point(folder, document)
            documents[key] = document

    if tasks:
        (evaluator or SerialEvaluator()).map(run_task, tasks, on_done, collect)
    return [documents[i] for i in range(len(points))], documents.get(REFERENCE_POINT)


# ----------------------------------------------------------------------------------------
# sweep.csv


def sweep_manifest(plan: dict[str, Any], *, scenario_file: Path, scenario_file_sha256: str,
                   points_run: int, resumed: bool, jobs: int, backend: str, started_at: str,
                   wall_time_s: float) -> dict[str, Any]:
    """Provenance of a sweep (``manifest.json``), moved into the folder last."""
    import sys

    return {
        "stratsim_version": __version__, "scenario": plan["scenario"],
        "scenario_file": str(scenario_file), "scenario_file_sha256": scenario_file_sha256,
        "scenario_sha256": plan["scenario_sha256"], "seed": plan["seed"],
        "replications": plan["replications"], "points": len(plan["points"]), "points_run": points_run,
        "resumed": resumed, "jobs": jobs, "backend": backend, "command": sys.argv,
        "started_at": started_at, "wall_time_s": round(wall_time_s, 3),
    }


def extra_point_columns(document: dict[str, Any], scales: tuple[ObjectiveScale, ...] = ()) -> dict[str, Any]:
    """Per-point columns written after ``pareto`` in ``sweep.csv``: ``score``,
    ``score_ci95_low``, ``score_ci95_high`` and ``feasible``.

    The **score** (where the perspective has objectives) is the perspective's score judged
    against the **base scenario** — the swept file as written, run on the same random streams
    — whose run gives the normalisation ``scales`` of every point, as the baseline does in a
    comparison: a point judged alone would be its own reference and score its unbounded KPIs
    exactly 1. So a point equal to the base scores what the base scores, and a point 10 % of
    the base's revenue more profitable scores 0.1 × the profit weight more.
    A point's **feasibility** — every constraint of the perspective and every SLA target met
    on the 95 % interval of its margin (``true``), one shown violated (``false``) or undecided
    (empty) — is absolute, so it is judged on the point alone.
    """
    columns: dict[str, Any] = {}
    if scales:
        judged = point_scores(document, scales) or {}
        interval = judged.get("ci95") or [None, None]
        columns.update({"score": judged.get("mean"), "score_ci95_low": interval[0],
                        "score_ci95_high": interval[1]})
    perspective = document.get("perspective") or document.get("summary", {}).get("perspective")
    if perspective and (perspective.get("constraints") or perspective.get("sla_targets")):
        columns["feasible"] = perspective.get("feasible")
    return columns


@dataclass
class SweepResult:
    """A sweep's points: their parameter values and summaries, as a table."""

    params: list[str]
    documents: list[dict[str, Any]]
    pareto: tuple[str, ...] | None = None
    folder: Path | None = None
    reference: dict[str, Any] | None = None
    """The base scenario's run that scores are judged against (``None``: no objectives)."""

    @property
    def scales(self) -> tuple[ObjectiveScale, ...]:
        return reference_scales(self.reference)

    @property
    def reference_score(self) -> dict[str, Any] | None:
        """The base scenario's own score (what a point equal to it scores)."""
        return point_scores(self.reference, self.scales) if self.reference else None

    @property
    def kpis(self) -> list[str]:
        """The portfolio KPIs, in the order the summaries give them."""
        return list(dict.fromkeys(k for d in self.documents for k in d["summary"]["kpis"]))

    def on_front(self) -> list[bool] | None:
        if self.pareto is None:
            return None
        directions = [BETTER[k] for k in self.pareto]
        values = [[d["summary"]["kpis"].get(k, {}).get("mean") for k in self.pareto] for d in self.documents]
        return pareto_front(values, directions)

    @property
    def columns(self) -> list[str]:
        columns = ["point", *self.params]
        for kpi in self.kpis:
            columns += [f"{kpi}_mean", f"{kpi}_ci95_low", f"{kpi}_ci95_high"]
        if self.pareto is not None:
            columns.append("pareto")
        if self.documents:
            columns += list(extra_point_columns(self.documents[0], self.scales))
        return columns

    def rows(self) -> list[list[Any]]:
        front = self.on_front()
        out = []
        for i, document in enumerate(self.documents):
            kpis = document["summary"]["kpis"]
            row: list[Any] = [document["point"], *(document["values"][p] for p in self.params)]
            for kpi in self.kpis:
                stat = kpis.get(kpi) or {}
                ci = stat.get("ci95") or [None, None]
                row += [stat.get("mean"), ci[0], ci[1]]
            if front is not None:
                row.append(front[i])
            row += list(extra_point_columns(document, self.scales).values())
            out.append(row)
        return out

    def to_csv(self, path: Path | None = None) -> str:
        """The ``sweep.csv`` text (written to ``path`` if given): empty cells for undefined values."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows():
            writer.writerow(["" if v is None else _csv_value(v) for v in row])
        text = buffer.getvalue()
        if path is not None:
            path.write_text(text, encoding="utf-8")
        return text

    def to_dataframe(self) -> Any:
        """The table as a pandas DataFrame (``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError:
            raise StratsimError('to_dataframe needs pandas: pip install -e ".[pandas]"') from None
        return pd.DataFrame(self.rows(), columns=self.columns)

    def __str__(self) -> str:
        key = [k for k in ("wait_mean_min", "sla_attainment", "satisfaction", "profit") if k in self.kpis]
        header = ["point", *self.params, *key] + (["pareto"] if self.pareto else [])
        front = self.on_front()
        body = []
        for i, d in enumerate(self.documents):
            means = [d["summary"]["kpis"].get(k, {}).get("mean") for k in key]
            values = (f"{v:.4g}" if isinstance(v, float) else plain(v) for v in (d["values"][p] for p in self.params))
            row = [str(d["point"]), *values, *(_short(m) for m in means)]
            body.append(row + (["*" if front and front[i] else ""] if self.pareto else []))
        widths = [max(len(str(c)) for c in column) for column in zip(header, *body)]
        lines = ["  ".join(str(c).rjust(w) for c, w in zip(row, widths)) for row in [header, *body]]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<SweepResult: {len(self.documents)} points over {', '.join(self.params)}>\n{self}"


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _short(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def result_of(plan: dict[str, Any], documents: list[dict[str, Any]], folder: Path | None = None,
              reference: dict[str, Any] | None = None) -> SweepResult:
    pareto = tuple(plan["pareto"]) if plan.get("pareto") else None
    return SweepResult([p["path"] for p in plan["params"]], documents, pareto, folder, reference)


def write_sweep_csv(folder: Path, plan: dict[str, Any], points_folder: Path) -> SweepResult:
    """Write ``sweep.csv`` into ``folder`` from the saved point files of ``points_folder``."""
    documents = finished_points(points_folder, len(plan["points"]))
    missing = [i for i in range(len(plan["points"])) if i not in documents]
    if missing:
        raise StratsimError(f"{points_folder}: points {missing[:5]} are missing; the sweep is not complete")
    result = result_of(plan, [documents[i] for i in range(len(plan["points"]))], points_folder,
                       saved_reference(points_folder))
    result.to_csv(folder / SWEEP_FILE)
    return result


def read_plan(folder: Path) -> dict[str, Any]:
    """The plan of an unfinished sweep in ``folder``; a folder without one is an error."""
    path = folder / SWEEP_PLAN_FILE
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StratsimError(f"--resume {folder}: no {SWEEP_PLAN_FILE} there; it holds no sweep to finish") from None
    except (OSError, ValueError) as error:
        raise StratsimError(f"--resume {folder}: cannot read {SWEEP_PLAN_FILE}: {error}") from None
    if plan.get("format") != PLAN_FORMAT:
        raise StratsimError(f"--resume {folder}: {SWEEP_PLAN_FILE} has an unknown format")
    return plan


def requested_options(scenario: Scenario, params: Sequence[str], samples: int | None, pareto: str | None,
                      seed: int | None, replications: int | None,
                      file_origin: Callable[[str], Origin]) -> dict[str, Any]:
    """The plan entries a ``--resume`` command line asks for (only those it gives)."""
    asked: dict[str, Any] = {}
    if params:
        design = merge_design(scenario.sweep, params, samples, pareto, file_origin)
        asked["params"] = [{"path": p.path, "values": p.spec} for p in design.params]
    if samples is not None:
        asked["samples"] = samples
    if pareto is not None:
        asked["pareto"] = [k.strip() for k in pareto.split(",") if k.strip()]
    if seed is not None:
        asked["seed"] = seed
    if replications is not None:
        asked["replications"] = replications
    return asked


def check_resume(saved: dict[str, Any], scenario: Scenario, asked: dict[str, Any], folder: Path) -> None:
    """Refuse to resume a sweep with a changed scenario or options that differ from its plan."""
    if saved["scenario_sha256"] != scenario_sha256(scenario.model_copy(update={"sweep": None})):
        raise StratsimError(f"--resume {folder}: the scenario has changed since this sweep started "
                            f"(its SHA-256 differs); run a new sweep instead")
    for key, value in asked.items():
        if saved.get(key) != value:
            raise StratsimError(f"--resume {folder}: {key} differs from the sweep's plan "
                                f"({json.dumps(saved.get(key))}); resume with the same options or none")


def design_of(plan: dict[str, Any]) -> SweepDesign:
    """The design a saved plan was made from (its parameters located as ``--resume``)."""
    params = tuple(parse_param(p["path"], p["values"], Origin(f"--resume: {p['path']}")) for p in plan["params"])
    return SweepDesign(params, plan["samples"], tuple(plan["pareto"]) if plan["pareto"] else None)


def start_folder(scenario: Scenario, design: SweepDesign, plan: dict[str, Any], out: Path | None,
                 force: bool) -> tuple[OutputPlan, list[Scenario]]:
    """Validate every point, then reserve the output folder of a new sweep (``run``'s rules)
    and write its plan there; the point scenarios.

    A folder holding an unfinished sweep is refused unless ``force``. With ``force`` the
    earlier result is deleted now, not when this sweep completes: a sweep writes its points
    into the folder as it goes.
    """
    scenarios = point_scenarios(scenario, design, plan["points"])
    if out is not None and (out / SWEEP_PLAN_FILE).exists() and not (out / MANIFEST_FILE).exists():
        if not force:
            raise OutputError(f"--out {out}: holds an unfinished sweep; finish it with --resume {out}, "
                              "or pass --force to replace it")
        remove_earlier_result(out)
    output = plan_output(scenario.name, out, force)
    try:
        if force:
            remove_earlier_result(output.target)
        write_json(output.target / SWEEP_PLAN_FILE, plan)
    except OSError as error:
        raise OutputError(f"cannot write the sweep plan into {output.target}: {error.strerror or error}") from None
    return output, scenarios


def resume_folder(folder: Path, scenario: Scenario,
                  asked: dict[str, Any]) -> tuple[OutputPlan, dict[str, Any], list[Scenario]]:
    """For ``--resume DIR``: the saved plan, checked against today's scenario and the options
    given (:func:`requested_options`), its point scenarios validated again, and a staging
    folder inside DIR."""
    saved = read_plan(folder)
    if (folder / MANIFEST_FILE).exists():
        raise StratsimError(f"--resume {folder}: this sweep is already complete")
    check_resume(saved, scenario, asked, folder)
    scenarios = point_scenarios(scenario, design_of(saved), saved["points"])
    return plan_into_existing(folder), saved, scenarios


def sweep(
    scenario: Scenario | str | Path,
    params: dict[str, Any] | Sequence[str] | None = None,
    *,
    samples: int | None = None,
    pareto: str | Sequence[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    backend: str = "pool",
    scheduler: str | None = None,
    evaluator: Evaluator | None = None,
) -> SweepResult:
    """Run a sweep in memory (for notebooks): ``print(result)``, ``result.to_dataframe()``.

    ``params`` maps paths to values (``{"services.helpdesk.staff": "4..8"}``, or a list of
    values) or is a list of ``"PATH=VALUES"`` texts; the scenario's ``sweep:`` block supplies
    what is not given. Raises :class:`~stratsim.errors.ScenarioError` for a bad path or value.
    """
    from stratsim.runner.backends import make_evaluator
    from stratsim.scenario import load_scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    options = ([f"{p}={spec_text(v)}" for p, v in params.items()] if isinstance(params, dict)
               else list(params or ()))
    pareto_text = ",".join(pareto) if pareto is not None and not isinstance(pareto, str) else pareto
    design = merge_design(scenario.sweep, options, samples, pareto_text,
                          lambda path: Origin("sweep.params", field=path))
    seed = scenario.seed if seed is None else seed
    replications = scenario.replications if replications is None else replications
    plan = make_plan(scenario, design, seed, replications)
    scenarios = point_scenarios(scenario, design, plan["points"])
    evaluator = evaluator or make_evaluator(jobs, backend, scheduler)
    with evaluator:
        documents, reference = run_points(scenarios, plan["points"], seed, replications, evaluator, base=scenario)
    return result_of(plan, documents, reference=reference)
