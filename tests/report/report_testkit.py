"""Small result folders for the report's tests: real runs, and comparison and sweep folders.

Runs are real (``simulate`` and the runner's file writer), sized to take a fraction of a
second. Comparison folders follow the ``comparison.json`` shape of the compare command (the
baseline, the scenarios' summaries, the paired differences with a ``significant`` flag, the
verdict), with each scenario's run files in a subfolder; until ``stratsim compare`` is on
this branch they are assembled here from real runs of the scenarios. Sweep folders are
written by hand as ``sweep.csv`` (a row per point: parameters, each KPI's mean and 95 %
interval, the ``pareto`` flag) and ``sweep-plan.json``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

from stratsim.report import write_report
from stratsim.runner.results import manifest, write_run_files
from stratsim.runner.simulation import simulate
from stratsim.runner.statistics import iter_leaves, t_quantile
from stratsim.scenario import load_scenario

ROOT = Path(__file__).parents[2]
BASELINE = ROOT / "scenarios" / "helpdesk-baseline.yaml"
EARLY_SHIFT = ROOT / "scenarios" / "helpdesk-early-shift.yaml"


def chart_digests(folder: Path) -> dict[str, str]:
    """Each file of ``folder/charts`` by name: the SHA-256 of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((folder / "charts").iterdir())}


def report_without_stamp(folder: Path) -> str:
    """``folder/report.html`` without its time stamp and the folder's own name: what two
    drawings of the same results must share."""
    html = (folder / "report.html").read_text(encoding="utf-8")
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", html).replace(str(folder), "")


def make_run_folder(folder: Path, scenario_file: Path, replications: int, seed: int | None = None) -> tuple[Path, Any]:
    """Run ``scenario_file`` and write its result files into ``folder`` (created); the result too."""
    folder.mkdir(parents=True, exist_ok=True)
    result = simulate(load_scenario(scenario_file), replications=replications, seed=seed, timeseries_dir=folder)
    info = manifest(result, scenario_file=scenario_file, scenario_file_sha256="0" * 64, jobs=1,
                    backend="serial", started_at="2027-01-04T00:00:00+00:00", wall_time_s=1.0,
                    warnings=[])
    write_run_files(folder, result, info)
    return folder, result


def _paired(baseline: list[float | None], other: list[float | None]) -> dict[str, Any] | None:
    """Mean and Student-t 95 % interval of the paired differences; significant when it excludes 0."""
    pairs = [b - a for a, b in zip(baseline, other) if a is not None and b is not None]
    if len(pairs) < 2:
        return None
    mean = math.fsum(pairs) / len(pairs)
    spread = math.sqrt(math.fsum((p - mean) ** 2 for p in pairs) / (len(pairs) - 1))
    half = t_quantile(len(pairs)) * spread / math.sqrt(len(pairs))
    return {"mean": mean, "ci95": [mean - half, mean + half], "significant": bool(half < abs(mean))}


def _set(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def make_compare_folder(folder: Path, scenario_files: list[Path], replications: int, seed: int = 42,
                        extra: dict[str, Any] | None = None) -> Path:
    """A comparison results folder of ``scenario_files`` (the first is the baseline)."""
    folder.mkdir(parents=True, exist_ok=True)
    runs = {}
    for path in scenario_files:
        name = load_scenario(path).name
        _, runs[name] = make_run_folder(folder / name, path, replications, seed)
    names = list(runs)
    baseline = names[0]
    differences: dict[str, Any] = {}
    for name in names[1:]:
        base_leaves = [dict(iter_leaves(r)) for r in runs[baseline].records]
        other_leaves = [dict(iter_leaves(r)) for r in runs[name].records]
        tree: dict[str, Any] = {"kpis": {}, "services": {}, "segments": {}}
        for path in base_leaves[0]:
            if path in other_leaves[0]:
                stat = _paired([b[path] for b in base_leaves], [o[path] for o in other_leaves])
                if stat is not None:
                    _set(tree, path, stat)
        differences[name] = tree
    significant = [kpi for kpi, stat in differences[names[1]]["kpis"].items() if stat["significant"]]
    comparison = {
        "baseline": baseline, "replications": replications, "seed": seed,
        "scenarios": {name: run.summary for name, run in runs.items()},
        "differences": differences,
        "verdict": f"{names[1]} differs significantly from {baseline} on {len(significant)} portfolio KPIs",
        **(extra or {}),
    }
    (folder / "comparison.json").write_text(json.dumps(comparison, indent=2), encoding="utf-8")
    with open(folder / "comparison.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["scenario", "kpi", "mean"])
        for name, run in runs.items():
            for kpi, stat in run.summary["kpis"].items():
                writer.writerow([name, kpi, stat["mean"]])
    (folder / "manifest.json").write_text(json.dumps({
        "stratsim_version": "0.1.0", "command": ["stratsim", "compare", *map(str, scenario_files)],
        "seed": seed, "replications": replications}), encoding="utf-8")
    return folder


def compare_results_folder(folder: Path, replications: int = 3) -> Path:
    """The comparison of the two example scenarios, made by ``stratsim compare`` with its
    report.html, that the browser test opens."""
    from click.testing import CliRunner

    from stratsim.cli import main

    result = CliRunner().invoke(main, ["compare", str(BASELINE), str(EARLY_SHIFT), "--out", str(folder),
                                       "-r", str(replications)])
    assert result.exit_code == 0, result.output
    return folder


def write_sweep_folder(folder: Path, params: list[str], points: list[list[Any]],
                       kpis: dict[str, list[tuple[float, float, float]]], pareto: list[str] | None = None,
                       front: list[bool] | None = None) -> Path:
    """A sweep folder: ``sweep.csv`` with the given points (parameter values per point) and KPI
    (mean, low, high) per point, ``sweep-plan.json`` and a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = ["point", *params]
    for kpi in kpis:
        columns += [f"{kpi}_mean", f"{kpi}_ci95_low", f"{kpi}_ci95_high"]
    if pareto:
        columns.append("pareto")
    with open(folder / "sweep.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for i, values in enumerate(points):
            row = [i, *values]
            for stats in kpis.values():
                row += list(stats[i])
            if pareto:
                row.append("True" if front and front[i] else "False")
            writer.writerow(row)
    plan = {"format": 1, "scenario": "helpdesk-baseline", "seed": 42, "replications": 5,
            "params": [{"path": p, "values": ""} for p in params], "samples": None, "pareto": pareto,
            "points": [dict(zip(params, values)) for values in points]}
    (folder / "sweep-plan.json").write_text(json.dumps(plan), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({
        "stratsim_version": "0.1.0", "scenario": "helpdesk-baseline", "seed": 42, "replications": 5,
        "points": len(points), "command": ["stratsim", "sweep", "scenarios/helpdesk-baseline.yaml"]}),
        encoding="utf-8")
    return folder


def laid_out(figure: Any) -> Any:
    """Draw ``figure`` (layout included) as it is saved; the renderer, to measure its text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    return renderer


def overlapping_texts(texts: list[Any], renderer: Any) -> list[tuple[str, str]]:
    """Pairs of non-empty texts whose drawn extents overlap (by their strings)."""
    import itertools

    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text()]
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]


def overlapping_slanted_texts(texts: list[Any], renderer: Any) -> list[tuple[str, str]]:
    """Pairs of non-empty texts drawn at one slant (``rotation_mode="anchor"``, as slanted tick
    labels are) whose rotated boxes overlap: their axis-aligned extents overlap even when the
    letters are far apart, so each box is measured upright and compared in the slanted frame."""
    import itertools
    import math

    shapes = []
    for text in (t for t in texts if t.get_text()):
        angle = math.radians(text.get_rotation())
        anchor = text.get_transform().transform(text.get_unitless_position())
        rotation = text.get_rotation()
        text.set_rotation(0)
        upright = text.get_window_extent(renderer)
        text.set_rotation(rotation)
        width, height = upright.width, upright.height
        left = {"left": 0.0, "center": -width / 2, "right": -width}[text.get_horizontalalignment()]
        low = {"bottom": 0.0, "baseline": 0.0, "center": -height / 2, "center_baseline": -height / 2,
               "top": -height}[text.get_verticalalignment()]
        shapes.append((text.get_text(), angle, anchor, (left, left + width), (low, low + height)))
    overlapping = []
    for (a, angle, anchor_a, across_a, up_a), (b, _, anchor_b, across_b, up_b) in itertools.combinations(shapes, 2):
        dx, dy = anchor_b - anchor_a
        along = dx * math.cos(angle) + dy * math.sin(angle)      # b's anchor in a's slanted frame
        normal = -dx * math.sin(angle) + dy * math.cos(angle)
        if (across_b[0] + along < across_a[1] and across_a[0] < across_b[1] + along
                and up_b[0] + normal < up_a[1] and up_a[0] < up_b[1] + normal):
            overlapping.append((a, b))
    return overlapping
