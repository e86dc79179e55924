"""The ``stratsim compare`` verb, and the perspective lines ``stratsim run`` prints.

Thin like the rest of the command line: parse, call :mod:`stratsim.runner.compare`, print the
tables of :mod:`stratsim.report.tables`. Heavy modules are imported inside the functions, so
``stratsim --help`` stays fast. Every user-provided string is printed as a rich ``Text``, never
as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from stratsim.cli_options import backend_options, precision_options, study_options


def print_perspective(summary: dict[str, Any]) -> None:
    """Print a run's score and feasibility with the evidence (nothing without a perspective)."""
    perspective = summary.get("perspective")
    if not perspective:
        return
    from stratsim.cli import out
    from stratsim.report.tables import perspective_lines

    for line in perspective_lines(perspective):
        out.print(line, soft_wrap=True)


def shared_warnings(checked: list[tuple[str, str]], compared: list[str] | None = None) -> list[str]:
    """One line per distinct warning, naming every scenario it holds for (``every scenario``
    when it holds for all of several ``compared``), in order of first appearance: a
    comparison's variants share most services, and so most warnings (the manifest keeps one
    per scenario)."""
    scenarios: dict[str, list[str]] = {}
    for name, warning in checked:
        scenarios.setdefault(warning, []).append(name)
    every = compared is not None and len(compared) > 1
    return [f"{'every scenario' if every and names == compared else ', '.join(names)}: {warning}"
            for warning, names in scenarios.items()]


@click.command()
@click.argument("scenario_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--baseline", "-b", help="Name of the baseline scenario (default: the first file's).")
@study_options("the baseline's, for every scenario", "results/<baseline>-compare/<time>/")
@precision_options
@backend_options
def compare(scenario_files: tuple[Path, ...], baseline: str | None, replications: int | None,
            seed: int | None, jobs: int, out_dir: Path | None, force: bool, no_report: bool,
            precision: float | None, max_replications: int, warmup: str | None, backend: str,
            scheduler: str | None) -> None:
    """Compare scenarios on common random numbers: differences against the baseline with 95 %
    intervals, significance after Holm's correction, feasibility, ranking and a verdict; writes
    comparison.json, comparison.csv, replications.csv, each scenario's run files, the charts,
    report.html and manifest.json."""
    import signal
    import time
    from datetime import datetime, timezone

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from stratsim.analysis.capacity import capacity_checks, volume_warnings, window_warnings
    from stratsim.cli import (
        CAPACITY_NOTE, commit_or_fail, draw_report, err, fail, out, print_note, print_precision, print_warmup,
        print_warning, raise_interrupt, staging,
    )
    from stratsim.runner.backends import backend_description, make_evaluator
    from stratsim.runner.execution import ExecutionOptions, check_options
    from stratsim.engine.compile import compile_scenario
    from stratsim.errors import StratsimError
    from stratsim.report.drawer import report_drawer
    from stratsim.report.tables import comparison_renderables
    from stratsim.runner.compare import (
        check_contenders,
        choose_baseline,
        compare_contenders,
        comparison_manifest,
        load_contenders,
        write_comparison_files,
    )
    from stratsim.runner.output import REPORT_FILE, plan_output

    try:
        contenders = load_contenders(scenario_files)
        check_contenders(contenders)
        chosen = choose_baseline(contenders, baseline)
        models = [compile_scenario(c.scenario) for c in contenders]
        options = ExecutionOptions(replications, seed, warmup == "auto", precision, max_replications)
        check_options(options, chosen.scenario)
        evaluator = make_evaluator(jobs, backend, scheduler)
        plan = plan_output(f"{chosen.name}-compare", out_dir, force)
    except StratsimError as error:
        fail(error)
    signal.signal(signal.SIGTERM, raise_interrupt)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    start = time.perf_counter()
    checks = {model.name: capacity_checks(model) for model in models}
    others = {model.name: window_warnings(model) + volume_warnings(model) for model in models}
    warnings = [f"{name}: {warning}" for name in checks
                for warning in [w for c in checks[name] for w in c.warnings()] + others[name]]
    brief = [(name, warning) for name in checks for c in checks[name] for warning in c.warnings(brief=True)]
    with staging(plan), report_drawer(not no_report) as drawer:   # the drawer loads while we run
        for line in shared_warnings(brief, list(checks)):
            print_warning(line)
        if brief:
            print_note(CAPACITY_NOTE)
        for line in shared_warnings([(name, w) for name in others for w in others[name]], list(checks)):
            print_warning(line)
        with evaluator:   # workers start before the progress bar's thread does
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=True) as progress:
                task = progress.add_task("replications", total=None)

                def stage(label: str, total: int) -> None:
                    progress.update(task, description=label, total=total, completed=0)

                comparison = compare_contenders(contenders, baseline=chosen.name,
                                                replications=replications, seed=seed,
                                                evaluator=evaluator, on_done=lambda: progress.advance(task),
                                                series_root=plan.staging, options=options, stage=stage)
        warnings += list(comparison.warnings)
        info = comparison_manifest(comparison, jobs=jobs, backend=backend_description(evaluator),
                                   started_at=started_at, wall_time_s=time.perf_counter() - start,
                                   warnings=warnings)
        info.update(comparison.execution.manifest_extras())
        write_comparison_files(plan.staging, comparison, info)
        if not no_report:
            draw_report(plan.staging, plan.target, drawer)
    target = commit_or_fail(plan)
    for warning in comparison.warnings:
        print_warning(warning)
    for renderable in comparison_renderables(comparison.document, out.width):
        out.print(renderable)
    out.print()
    out.print(Text(comparison.verdict), soft_wrap=False)
    if comparison.execution.warmup is not None:
        print_warmup(comparison.execution.warmup)
    if comparison.execution.precision is not None:
        print_precision(comparison.execution.precision)
    out.print(Text(f"results in {target}/"), soft_wrap=True)
    if (target / REPORT_FILE).exists():
        out.print(Text(f"report: {target / REPORT_FILE}"), soft_wrap=True)
