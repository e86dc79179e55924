"""Comparing scenarios on common random numbers: ``stratsim compare`` and ``stratsim.compare``.

Decisions (the README says the same):

* **One yardstick.** Every scenario runs with the same seed (``--seed``, else the baseline's)
  and the same number of replications (``--replications``, else the baseline's: the baseline
  defines the study, and a variant cannot silently make it longer). Replication ``r`` of every
  scenario draws from the same streams, so differences are paired replication by replication.
  All scenarios must measure the same window (horizon and warmup), or their KPIs would not be
  comparable. Every scenario is judged by the **baseline's perspective** (objectives,
  constraints, budget), with its own services' SLA targets (a tier's promise belongs to the
  service design); a variant whose perspective differs gets a warning.
* **Baseline**: ``--baseline NAME``, else the first file. Names must be distinct.
* **Statistics** (:mod:`stratsim.analysis.comparison`): paired differences, Student-t
  intervals, paired t-tests, Holm's correction in three families: the portfolio KPIs of all
  scenarios (what the verdict speaks about); the service, tier and segment breakdown (where a
  difference comes from); the scores. Differences exist where both scenarios have the KPI (a
  service only a variant has has no difference).
* **Files** (same folder rules as ``run``; without ``--out`` under
  ``results/<baseline>-compare/<time>/``): ``comparison.json`` (a contract, README "Compare
  strategies": each scenario's summary, differences mirroring it, ranking, verdict),
  ``comparison.csv`` (one row per scenario × scope × KPI), ``replications.csv`` (every
  scenario's per-replication KPIs, with a ``scenario`` column first), each scenario's run files
  under ``scenarios/<name>/`` (for the report) and ``manifest.json`` last.

The replications run through :func:`~stratsim.runner.execution.execute`, the same path as
``run``: a precision target grows every scenario's count together, an automatic warm-up is
shared, and any backend gives the same numbers.
"""

from __future__ import annotations

import csv
import difflib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


from stratsim import __version__
from stratsim.analysis.comparison import apply_holm, paired_difference
from stratsim.analysis.perspective import judge, rank, scores
from stratsim.analysis.verdict import verdict, verdict_parts
from stratsim.engine.metrics import KpiRecord
from stratsim.engine.model import Model
from stratsim.errors import Issue, ScenarioError, StratsimError
from stratsim.kpis import KEY_KPIS
from stratsim.runner.evaluators import Evaluator, evaluator_for
from stratsim.runner.output import (
    COMPARISON_CSV_FILE,
    COMPARISON_FILE,
    MANIFEST_FILE,
    REPLICATIONS_FILE,
    SCENARIOS_FOLDER,
    write_json,
)
from stratsim.runner.execution import Execution, ExecutionOptions, Stage, execute
from stratsim.runner.results import (
    REPLICATION_COLUMNS,
    execution_provenance,
    file_sha256,
    kpi_rows,
    write_run_data,
)
from stratsim.runner.simulation import SimulationResult, build_summary, result_warnings
from stratsim.runner.statistics import iter_leaves
from stratsim.scenario import Scenario, load_scenario
from stratsim.scenario.yamltree import LMap, parse_yaml
from stratsim.strategy.perspective import CompiledPerspective, compile_perspective, objective_scales

COMPARISON_COLUMNS = (
    "scenario", "scope", "id", "tier", "kpi", "mean", "ci95_low", "ci95_high", "std", "n",
    "difference", "difference_ci95_low", "difference_ci95_high", "difference_n",
    "p_value", "p_holm", "significant",
)


@dataclass(frozen=True)
class Contender:
    """A scenario to compare, the file it came from and that file's SHA-256 as read (``None``
    for a scenario object given in Python)."""

    scenario: Scenario
    source: Path | None = None
    source_sha256: str | None = None

    @property
    def name(self) -> str:
        return self.scenario.name


def load_contenders(files: Sequence[str | os.PathLike[str]]) -> list[Contender]:
    """Load every file; raise one :class:`ScenarioError` with every issue of every file."""
    contenders, issues = [], []
    for file in files:
        try:
            scenario = load_scenario(file)
        except ScenarioError as error:
            issues.extend(error.issues)
            continue
        try:
            digest: str | None = file_sha256(Path(file))
        except OSError:   # removed since it was read: the result still stands, unhashed
            digest = None
        contenders.append(Contender(scenario, Path(file), digest))
    if issues:
        raise ScenarioError(issues)
    return contenders


def _top_level_issue(contender: Contender, key: str, message: str) -> Issue:
    """An issue at a top-level field of the contender's file (unlocated if inherited or in Python)."""
    if contender.source is None:
        return Issue(f"<scenario {contender.name}>", None, None, key, message)
    display = str(contender.source)
    try:
        tree, _ = parse_yaml(contender.source.read_text(encoding="utf-8"), display)
    except OSError:
        tree = None
    if isinstance(tree, LMap) and key in tree.entries:
        mark = tree.entries[key][0]
        return Issue(mark.file, mark.line, mark.column, key, message)
    return Issue(display, None, None, key, message + " (inherited through extends)")


def check_contenders(contenders: Sequence[Contender]) -> None:
    """At least two scenarios, distinct names, one measured window; else located errors."""
    if len(contenders) < 2:
        raise StratsimError("compare needs at least two scenarios (to simulate one, use run)")
    issues = []
    first_of: dict[str, Contender] = {}
    for contender in contenders:
        earlier = first_of.setdefault(contender.name, contender)
        if earlier is not contender:
            where = earlier.source or "an earlier scenario"
            issues.append(_top_level_issue(
                contender, "name", f'scenario name "{contender.name}" is also the name of {where}; '
                "the scenarios of a comparison need distinct names"))
    reference = contenders[0].scenario
    for contender in contenders[1:]:
        scenario = contender.scenario
        for key, mine, theirs in (("horizon", scenario.horizon, reference.horizon),
                                  ("warmup", scenario.warmup, reference.warmup)):
            if mine != theirs:
                issues.append(_top_level_issue(
                    contender, key, f"{key} {mine:g}h differs from {theirs:g}h in "
                    f"{contenders[0].source or contenders[0].name}: compared scenarios must "
                    "measure the same window"))
    if issues:
        raise ScenarioError(issues)


def choose_baseline(contenders: Sequence[Contender], baseline: str | None) -> Contender:
    """The contender named ``baseline`` (the first one when ``None``)."""
    if baseline is None:
        return contenders[0]
    for contender in contenders:
        if contender.name == baseline:
            return contender
    names = [c.name for c in contenders]
    close = difflib.get_close_matches(baseline, names, n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    raise StratsimError(f'--baseline: "{baseline}" is not the name of any scenario compared{hint}; '
                        f"the names are: {', '.join(names)}")


def _set(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def _get(record: KpiRecord, path: tuple[str, ...]) -> Any:
    node: Any = record
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


_MISSING = object()


def paired_differences(records: Sequence[KpiRecord], baseline: Sequence[KpiRecord]) -> dict[str, Any]:
    """Differences mirroring a summary: ``kpis``, ``services`` (with ``tiers``), ``segments``.

    Only KPIs both scenarios report; each is ``{"mean", "ci95", "std", "n", "p_value"}``.
    """
    out: dict[str, Any] = {"kpis": {}, "services": {}, "segments": {}}
    for path, _ in iter_leaves(records[0]):
        if path[0] not in out or _get(baseline[0], path) is _MISSING:  # a strategy's firing counts are no KPI
            continue
        mine = [_get(r, path) for r in records]
        theirs = [_get(r, path) for r in baseline]
        _set(out, path, paired_difference(mine, theirs))
    return out


def _leaves(differences: dict[str, Any]) -> list[dict[str, Any]]:
    """The difference entries of a mirrored tree (dicts holding ``p_value``), depth first."""
    found = []
    for value in differences.values():
        if isinstance(value, dict):
            found.extend([value] if "p_value" in value else _leaves(value))
    return found


def key_kpis(perspective: CompiledPerspective, available: Sequence[str]) -> list[str]:
    """The KPIs the table shows and the verdict speaks about: the standard key KPIs, then those
    the perspective weighs or constrains, in that order, where reported."""
    wanted = [*KEY_KPIS, *(o.kpi for o in perspective.objectives),
              *(n for c in perspective.constraints for n in sorted(c.expression.names))]
    return [k for k in dict.fromkeys(wanted) if k in available]


def yardstick(baseline: CompiledPerspective, own: CompiledPerspective) -> CompiledPerspective:
    """The baseline's objectives, constraints and budget, with the scenario's own SLA targets."""
    return CompiledPerspective(baseline.objectives, baseline.constraints, own.sla_targets,
                               baseline.budget_per_month, own.window_h)


def build_document(contenders: Sequence[Contender], baseline: str, seed: int,
                   records: dict[str, list[KpiRecord]]) -> tuple[dict[str, Any], list[str]]:
    """The ``comparison.json`` document, and warnings for the user. Pure: no I/O."""
    perspectives = {c.name: compile_perspective(c.scenario) for c in contenders}
    reference = perspectives[baseline]
    scales = objective_scales(reference, records[baseline])
    warnings = [f"{c.name}: its own perspective differs from the baseline's; every scenario is "
                f"judged by the perspective of {baseline}"
                for c in contenders if c.name != baseline
                and c.scenario.strategy.perspective != _scenario(contenders, baseline).strategy.perspective]
    summaries, series = {}, {}
    for contender in contenders:
        name = contender.name
        summary = build_summary(contender.scenario, seed, records[name])
        summary.pop("perspective", None)   # judged alone; here it is judged by the yardstick
        judged = yardstick(reference, perspectives[name])
        if judged.judges_anything:
            summary["perspective"] = judge(judged, records[name], scales, baseline)
        summaries[name] = summary
        series[name] = scores(records[name], scales)
        warnings += [f"{name}: {warning}" for warning in result_warnings(summary)]
    differences = {c.name: paired_differences(records[c.name], records[baseline])
                   for c in contenders if c.name != baseline}
    portfolio = [d for diff in differences.values() for d in _leaves(diff["kpis"])]
    breakdown = [d for diff in differences.values() for scope in ("services", "segments")
                 for d in _leaves(diff[scope])]
    apply_holm(portfolio)
    apply_holm(breakdown)
    if scales:
        for name in differences:
            differences[name]["score"] = paired_difference(series[name], series[baseline])
        apply_holm([differences[name]["score"] for name in differences])
    first = summaries[baseline]
    document: dict[str, Any] = {
        "stratsim_version": __version__,
        "baseline": baseline,
        "replications": first["replications"],
        "seed": seed,
        "horizon_hours": first["horizon_hours"],
        "warmup_hours": first["warmup_hours"],
        "key_kpis": key_kpis(reference, list(first["kpis"])),
        "multiple_comparisons": {
            "method": "holm", "alpha": 0.05,
            "families": {"portfolio": len(portfolio), "breakdown": len(breakdown),
                         "score": len(differences) if scales else 0}},
        "scenarios": summaries,
        "differences": differences,
    }
    if scales:
        feasible = {name: summaries[name]["perspective"]["feasible"] for name in summaries}
        document["ranking"], document["ranking_detail"] = rank(feasible, series)
    document["verdict"] = verdict(document, document["key_kpis"])
    document["verdict_parts"] = verdict_parts(document, document["key_kpis"])
    return document, warnings


def _scenario(contenders: Sequence[Contender], name: str) -> Scenario:
    return next(c.scenario for c in contenders if c.name == name)


def _stat_rows(summary: dict[str, Any]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """``(scope, id, tier, kpi, stats)`` for every KPI of a summary-shaped tree."""
    rows = []
    for kpi, stats in summary.get("kpis", {}).items():
        rows.append(("portfolio", "", "", kpi, stats))
    for service, kpis in summary.get("services", {}).items():
        for kpi, stats in kpis.items():
            if kpi == "tiers":
                for tier, tier_kpis in stats.items():
                    rows.extend(("tier", service, tier, k, s) for k, s in tier_kpis.items())
            else:
                rows.append(("service", service, "", kpi, stats))
    for segment, kpis in summary.get("segments", {}).items():
        rows.extend(("segment", segment, "", kpi, stats) for kpi, stats in kpis.items())
    return rows


def comparison_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per scenario × scope × KPI (and the score, scope ``perspective``)."""
    rows = []
    for name, summary in document["scenarios"].items():
        differences = document["differences"].get(name, {})
        entries = _stat_rows(summary)
        if "score" in summary.get("perspective", {}):
            entries.append(("perspective", "", "", "score", summary["perspective"]["score"]))
        for scope, entity, tier, kpi, stats in entries:
            difference = _difference_at(differences, scope, entity, tier, kpi) or {}
            interval, diff_interval = stats["ci95"] or (None, None), difference.get("ci95") or (None, None)
            rows.append({
                "scenario": name, "scope": scope, "id": entity, "tier": tier, "kpi": kpi,
                "mean": stats["mean"], "ci95_low": interval[0], "ci95_high": interval[1],
                "std": stats["std"], "n": stats["n"],
                "difference": difference.get("mean"), "difference_ci95_low": diff_interval[0],
                "difference_ci95_high": diff_interval[1], "difference_n": difference.get("n"),
                "p_value": difference.get("p_value"), "p_holm": difference.get("p_holm"),
                "significant": difference.get("significant"),
            })
    return rows


def _difference_at(differences: dict[str, Any], scope: str, entity: str, tier: str, kpi: str) -> dict[str, Any] | None:
    if not differences:
        return None
    if scope == "portfolio":
        return differences["kpis"].get(kpi)
    if scope == "perspective":
        return differences.get("score")
    if scope == "segment":
        return differences["segments"].get(entity, {}).get(kpi)
    service = differences["services"].get(entity, {})
    return service.get("tiers", {}).get(tier, {}).get(kpi) if scope == "tier" else service.get(kpi)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@dataclass(frozen=True)
class Comparison:
    """The result of a comparison: ``document`` is ``comparison.json``; ``records`` holds every
    scenario's per-replication KPI records, by name."""

    document: dict[str, Any]
    records: dict[str, list[KpiRecord]]
    contenders: tuple[Contender, ...]
    warnings: tuple[str, ...] = field(default=())
    models: tuple[Model, ...] = field(default=())
    series: tuple[Path, ...] = field(default=())
    execution: Execution | None = None

    @property
    def baseline(self) -> str:
        return self.document["baseline"]

    @property
    def verdict(self) -> str:
        return self.document["verdict"]

    @property
    def ranking(self) -> list[str] | None:
        return self.document.get("ranking")

    def rows(self) -> list[dict[str, Any]]:
        """The rows of ``comparison.csv``: one per scenario × scope × KPI."""
        return comparison_rows(self.document)

    def to_dataframe(self) -> Any:
        """The rows of ``comparison.csv`` as a pandas DataFrame (``pip install stratsim[pandas]``)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Comparison.to_dataframe() needs pandas: "
                              'pip install "stratsim[pandas]"') from None
        return pandas.DataFrame(self.rows(), columns=list(COMPARISON_COLUMNS))

    def table(self, width: int = 120) -> str:
        """The key KPIs of every scenario and their differences, as plain text: side by side
        when that fits ``width`` characters, else one table per variant against the baseline."""
        from stratsim.report.tables import render_text

        return render_text(self.document, width)

    def __str__(self) -> str:
        return f"{self.table()}\n{self.verdict}"


def compare_contenders(contenders: Sequence[Contender], *, baseline: str | None = None,
                       replications: int | None = None, seed: int | None = None,
                       evaluator: Evaluator | None = None,
                       on_done: Callable[[], None] | None = None,
                       series_root: Path | None = None,
                       options: ExecutionOptions | None = None,
                       stage: Stage | None = None) -> Comparison:
    """Check, simulate on common random numbers and compare ``contenders``.

    Every scenario runs with the baseline's seed and replications (unless given), through
    :func:`~stratsim.runner.execution.execute`: so ``options`` may ask for a precision target
    (the count grows for all together) or an automatic warm-up (one for all). With
    ``series_root`` (a staging folder), each scenario's replications stream their time series,
    waits and strategy log into ``series_root/scenarios/<name>/``, where
    :func:`write_comparison_files` completes that scenario's run files for the report.
    """
    check_contenders(contenders)
    chosen = choose_baseline(contenders, baseline)
    options = options or ExecutionOptions()
    seed = chosen.scenario.seed if seed is None else seed
    count = chosen.scenario.replications if replications is None else replications
    if count < 1:
        raise StratsimError(f"replications must be at least 1, got {count}")
    folders = None
    if series_root is not None:
        folders = [series_root / SCENARIOS_FOLDER / c.name for c in contenders]
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
    execution = execute([c.scenario for c in contenders], replace(options, replications=count, seed=seed),
                        evaluator or evaluator_for(1), folders, stage, on_done)
    ran = [replace(c, scenario=result.scenario) for c, result in zip(contenders, execution.results)]
    records = {c.name: result.records for c, result in zip(ran, execution.results)}
    document, warnings = build_document(ran, chosen.name, seed, records)
    return Comparison(document, records, tuple(ran), tuple(execution.warnings + warnings),
                      tuple(r.model for r in execution.results), tuple(folders or ()), execution)


def compare(scenarios: Sequence[Scenario | str | os.PathLike[str]], *, baseline: str | None = None,
            replications: int | None = None, seed: int | None = None, jobs: int = 1,
            evaluator: Evaluator | None = None,
            on_done: Callable[[], None] | None = None) -> Comparison:
    """Compare scenarios (objects or file paths) on common random numbers (Python API).

    ``baseline`` is a scenario name (default: the first); ``replications`` and ``seed`` default
    to the baseline's. Results are identical for any ``jobs``. Raises
    :class:`~stratsim.errors.StratsimError` (a :class:`~stratsim.errors.ScenarioError` with
    located issues for bad files, duplicate names or different windows).
    """
    files = [s for s in scenarios if not isinstance(s, Scenario)]
    loaded = iter(load_contenders(files))
    contenders = [Contender(s) if isinstance(s, Scenario) else next(loaded) for s in scenarios]
    return compare_contenders(contenders, baseline=baseline, replications=replications, seed=seed,
                              evaluator=evaluator or evaluator_for(jobs), on_done=on_done)


def write_comparison_csv(path: Path, document: dict[str, Any]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COMPARISON_COLUMNS)
        writer.writeheader()
        for row in comparison_rows(document):
            writer.writerow({k: _csv_value(v) for k, v in row.items()})


def write_replications(path: Path, records: dict[str, list[KpiRecord]]) -> None:
    """Every scenario's per-replication KPIs: ``scenario`` then the columns of a run's file."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("scenario", *REPLICATION_COLUMNS))
        for name, batch in records.items():
            for replication, record in enumerate(batch):
                for scope, entity, tier, kpi, value in kpi_rows(record):
                    writer.writerow((name, replication, scope, entity, tier, kpi, _csv_value(value)))


def comparison_manifest(comparison: Comparison, *, jobs: int, backend: str, started_at: str,
                        wall_time_s: float, warnings: Sequence[str]) -> dict[str, Any]:
    """Provenance of a comparison: every scenario's file and hashes, and how it was run."""
    from stratsim.runner.simulation import scenario_sha256

    document = comparison.document
    return {
        "stratsim_version": __version__,
        "baseline": document["baseline"],
        "scenarios": [{"name": c.name,
                       "scenario_file": str(c.source) if c.source else None,
                       "scenario_file_sha256": c.source_sha256,
                       "scenario_sha256": scenario_sha256(c.scenario)}
                      for c in comparison.contenders],
        "seed": document["seed"],
        "replications": document["replications"],
        **execution_provenance(jobs=jobs, backend=backend, started_at=started_at,
                               wall_time_s=wall_time_s, warnings=warnings),
    }


def write_comparison_files(folder: Path, comparison: Comparison, manifest: dict[str, Any]) -> None:
    """Write a comparison's files into ``folder``, ``manifest.json`` last."""
    write_json(folder / COMPARISON_FILE, comparison.document)
    write_comparison_csv(folder / COMPARISON_CSV_FILE, comparison.document)
    write_replications(folder / REPLICATIONS_FILE, comparison.records)
    for contender, model, series in zip(comparison.contenders, comparison.models, comparison.series):
        name = contender.name
        records = comparison.records[name]
        result = SimulationResult(contender.scenario, model, comparison.document["seed"], len(records),
                                  records, comparison.document["scenarios"][name])
        write_run_data(series, result)
    write_json(folder / MANIFEST_FILE, manifest)

