"""The ``stratsim`` command line: parse, call the library, print. Nothing is computed here.

Every error a user can cause is a :class:`~stratsim.errors.StratsimError`; it is printed as
one line per problem on standard error and the command exits with status 2 — never a
traceback.  Everything is printed through the consoles of :mod:`stratsim.console`, so the
user's text (names, ids, paths, quoted values) is shown as written, never read as markup.
"""

from __future__ import annotations

import gc
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from stratsim import __version__
from stratsim.cli_options import backend_options, precision_options, study_options
from stratsim.console import PlainConsole, labelled
from stratsim.errors import OutputError, ScenarioError, StratsimError
from stratsim.runner.output import (
    CHARTS_FOLDER,
    MANIFEST_FILE,
    REPORT_FILE,
    OutputPlan,
    abandon,
    commit,
    link_latest,
    plan_output,
    remove_charts,
    write_json,
)

# Only click, rich's console and the light modules above load with the command line: the verbs
# import the scenario models, the engine, the runner and the charts when they run, so that
# ``stratsim --help`` answers at once.
if TYPE_CHECKING:   # annotations only
    from stratsim.engine.model import Model
    from stratsim.report.drawer import ReportDrawer
    from stratsim.runner.precision import PrecisionOutcome
    from stratsim.runner.warmup import WarmupChoice

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
out = PlainConsole()
err = PlainConsole(stderr=True)


def print_problems(error: StratsimError) -> int:
    """Print a user error, one line per problem; return the number of problems."""
    lines = [str(issue) for issue in error.issues] if isinstance(error, ScenarioError) else [str(error)]
    for line in lines:
        err.print(labelled("error", "red", line), soft_wrap=True)
    return len(lines)


def print_error(error: StratsimError) -> None:
    """Print a user error, one line per problem (and their number when there are several)."""
    count = print_problems(error)
    if count > 1:
        err.print(f"{count} errors", soft_wrap=True)


def print_warning(warning: str) -> None:
    """Print one warning line on standard error."""
    err.print(labelled("warning", "yellow", warning), soft_wrap=True)


def print_note(note: str) -> None:
    """Print a line on standard error that says where more is to be found, under the warnings."""
    from rich.text import Text

    err.print(Text(note, style="dim"), soft_wrap=True)


def fail(error: StratsimError) -> NoReturn:
    """Print a user error and exit with status 2."""
    print_error(error)
    sys.exit(EXIT_USER_ERROR)


def raise_interrupt(signum: int, frame: object) -> None:
    """Treat SIGTERM like Ctrl-C, so a terminated run cleans up after itself too."""
    raise KeyboardInterrupt


INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


def commit_uninterrupted(plan: OutputPlan) -> Path:
    """Move the result into place with Ctrl-C and SIGTERM held back until it is complete.

    An interrupt during the moves would leave half a result; held back (only noted while the
    files move), it is honoured once the result is whole, and reported as such.
    """
    received: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, frame: received.append(signum))
                for signum in INTERRUPTS}
    try:
        target = commit(plan)
        try:
            link_latest(plan)
        except OutputError as error:
            print_warning(str(error))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        err.print(f"interrupted: the result was complete and is in {target}/", soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    return target


@contextmanager
def staging(plan: OutputPlan, interrupted: Callable[[], str] = lambda: "interrupted: no result was written",
            ) -> Iterator[None]:
    """Work that writes a result into ``plan``'s staging folder: whatever stops it abandons the
    staging folder, so nothing half-written is left. Ctrl-C or SIGTERM prints ``interrupted()``
    and exits with 130; an I/O error (disk full, folder removed under us) or any other user
    error exits with 2."""
    try:
        yield
    except KeyboardInterrupt:
        abandon(plan)
        err.print(interrupted(), soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as error:
        abandon(plan)
        fail(OutputError(f"cannot write results to {plan.target}: {error.strerror or error}"))
    except StratsimError as error:
        abandon(plan)
        fail(error)
    except BaseException:
        abandon(plan)
        raise


def commit_or_fail(plan: OutputPlan) -> Path:
    """Move a complete staged result into place (see :func:`commit_uninterrupted`); exit 2 if
    another run got there first or the files cannot be moved."""
    try:
        return commit_uninterrupted(plan)
    except OutputError as error:
        fail(error)


def fmt(value: float | None, digits: int = 3) -> str:
    """A number for a table: whole numbers and large values without decimals, else ``digits``
    significant digits."""
    if value is None:
        return "–"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def fmt_stat(stat: dict) -> str:
    """``mean ± half-width of the 95 % CI`` (just the mean when there is no interval)."""
    if stat["mean"] is None:
        return "–"
    if stat["ci95"] is None:
        return fmt(stat["mean"])
    low, high = stat["ci95"]
    return f"{fmt(stat['mean'])} ± {fmt((high - low) / 2, 2)}"


def print_capacity(model: Model, brief: bool = False) -> list[str]:
    """Print the capacity table and its warnings (``brief``: one short line each, see
    :meth:`~stratsim.analysis.capacity.LoadCheck.warnings`); return the warnings in full."""
    from rich.table import Table

    from stratsim.analysis.capacity import (
        LoadCheck,
        capacity_checks,
        hour_label,
        volume_warnings,
        window_warnings,
    )

    checks: list[LoadCheck] = capacity_checks(model)
    table = Table(title="Capacity: offered load (Erlangs = λ·E[S]) against staff", title_justify="left")
    table.add_column("service", no_wrap=True, overflow="fold")   # ids whole, never cut off
    for column in ("mean\nload", "mean\nstaff", "tightest\nhour", "load\nthere", "staff\nthere",
                   "hours\nload ≥ staff"):  # two-line headers: the table fits 80 columns
        table.add_column(column, justify="right")
    for c in checks:
        table.add_row(c.service, f"{c.mean_load:.2f}", f"{c.mean_staff:.2f}", hour_label(c.peak_hour),
                      f"{c.peak_load:.2f}", f"{c.staff_at_peak:g}", str(c.overloaded_hours))
    out.print(table)
    full = [w for c in checks for w in c.warnings()]
    for warning in [w for c in checks for w in c.warnings(brief=True)] if brief else full:
        print_warning(warning)
    if brief and full:
        print_note(CAPACITY_NOTE)
    others = window_warnings(model) + volume_warnings(model)
    for warning in others:
        print_warning(warning)
    return full + others


#: Under the brief capacity warnings of ``run`` and ``compare``: where each is given in full.
CAPACITY_NOTE = ("capacity warnings are estimates from the offered load, hour by hour; stratsim validate "
                 "FILE and manifest.json give each in full, with how it was estimated")


def print_summary(summary: dict, hidden: frozenset[str] = frozenset()) -> None:
    """KPIs as rows, the portfolio and each service as columns, without the ``hidden`` KPIs
    (those the scenario makes zero by construction; every KPI is in summary.json)."""
    from rich.table import Table

    columns = {"portfolio": summary["kpis"], **summary["services"]}
    table = Table(title=f"{summary['scenario']}: mean ± 95% CI half-width over "
                        f"{summary['replications']} replications", title_justify="left")
    table.add_column("KPI")
    for name in columns:
        table.add_column(name, justify="right", overflow="fold")
    kpis = list(dict.fromkeys(k for level in columns.values() for k in level
                              if k != "tiers" and k not in hidden))  # fmt: skip
    for kpi in kpis:
        table.add_row(kpi, *(fmt_stat(level[kpi]) if kpi in level else "" for level in columns.values()))
    out.print(table)


class StratsimGroup(click.Group):
    """The verbs, with Ctrl-C anywhere outside a result's staging (say while the scenario is
    read) ending the command with status 130, as it does inside, not click's "Aborted!" and 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            err.print("interrupted", soft_wrap=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(cls=StratsimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stratsim")
def main() -> None:
    """stratsim: test a service strategy before you live it."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario files: exit 0 when all are valid, 2 with every located error otherwise."""
    from stratsim.engine.compile import compile_scenario
    from stratsim.scenario import load_scenario

    errors, failed = 0, 0
    for file in files:
        try:
            model = compile_scenario(load_scenario(file))
        except StratsimError as error:
            errors += print_problems(error)
            failed += 1
            continue
        out.print(f"{file}: valid", soft_wrap=True)
        print_capacity(model)
    if len(files) > 1 and failed:
        err.print(f"{errors} error{'s' if errors > 1 else ''} in {failed} of {len(files)} files",
                  soft_wrap=True)
    elif errors > 1:
        err.print(f"{errors} errors", soft_wrap=True)
    sys.exit(EXIT_USER_ERROR if failed else 0)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    from stratsim.scenario import scenario_json_schema

    click.echo(json.dumps(scenario_json_schema(), indent=2))


@main.command()
@click.argument("scenario_file", type=click.Path(path_type=Path))
@study_options("the file's", "results/<name>/<time>/")
@precision_options
@backend_options
@click.option("--replication", "single", type=click.IntRange(min=0), metavar="K",
              help="Debug: run replication K alone (its streams as in a full run), print its KPIs, write nothing.")
def run(scenario_file: Path, replications: int | None, seed: int | None, jobs: int,
        out_dir: Path | None, force: bool, no_report: bool, precision: float | None,
        max_replications: int, warmup: str | None, backend: str, scheduler: str | None,
        single: int | None) -> None:
    """Simulate SCENARIO_FILE and write its result files, charts and report.html."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from stratsim.analysis.structural import structurally_zero_kpis
    from stratsim.engine.compile import compile_scenario
    from stratsim.report.drawer import report_drawer
    from stratsim.runner.backends import backend_description, make_evaluator
    from stratsim.runner.execution import ExecutionOptions, check_options, execute
    from stratsim.runner.results import file_sha256, manifest, write_run_files
    from stratsim.scenario import load_scenario

    if single is not None:
        run_single(scenario_file, single, seed, replications=replications, out_dir=out_dir, force=force,
                   precision=precision, warmup=warmup, jobs=jobs, backend=backend, scheduler=scheduler)
        return
    options = ExecutionOptions(replications, seed, warmup == "auto", precision, max_replications)
    try:
        scenario = load_scenario(scenario_file)
        scenario_digest = file_sha256(scenario_file)
        model = compile_scenario(scenario)
        check_options(options, scenario)
        evaluator = make_evaluator(jobs, backend, scheduler)
        plan = plan_output(scenario.name, out_dir, force)
    except StratsimError as error:
        fail(error)
    signal.signal(signal.SIGTERM, raise_interrupt)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    start = time.perf_counter()
    with staging(plan), report_drawer(not no_report) as drawer:   # the drawer loads while we run
        warnings = print_capacity(model, brief=True)
        with evaluator:   # workers start before the progress bar's thread does
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=True) as progress:
                task = progress.add_task("replications", total=None)

                def stage(label: str, total: int) -> None:
                    progress.update(task, description=label, total=total, completed=0)

                execution = execute([scenario], options, evaluator, [plan.staging], stage,
                                    lambda: progress.advance(task))
        result = execution.results[0]
        for warning in execution.warnings + result.warnings:
            print_warning(warning)
        info = manifest(result, scenario_file=scenario_file, scenario_file_sha256=scenario_digest,
                        jobs=jobs, backend=backend_description(evaluator), started_at=started_at,
                        wall_time_s=time.perf_counter() - start,
                        warnings=warnings + execution.warnings + result.warnings)
        info.update(execution.manifest_extras())
        write_run_files(plan.staging, result, info)
        if not no_report:
            draw_report(plan.staging, plan.target, drawer)
    target = commit_or_fail(plan)
    print_summary(result.summary, structurally_zero_kpis(model))
    print_perspective(result.summary)
    if execution.warmup is not None:
        print_warmup(execution.warmup)
    if execution.precision is not None:
        print_precision(execution.precision)
    out.print(f"results in {target}/", soft_wrap=True)
    if (target / REPORT_FILE).exists():
        out.print(f"report: {target / REPORT_FILE}", soft_wrap=True)


def run_single(scenario_file: Path, replication: int, seed: int | None, **refused: object) -> None:
    """``run --replication K``: one replication, printed; options that need a full run refused."""
    from rich.table import Table
    from rich.text import Text

    from stratsim.runner.execution import single_replication
    from stratsim.scenario import load_scenario

    defaults = {"jobs": 1, "backend": "pool"}
    given = [name for name, value in refused.items()
             if value not in (None, False) and defaults.get(name, None) != value]
    if given:
        names = ", ".join("--" + name.replace("_", "-").replace("out-dir", "out") for name in given)
        fail(StratsimError(f"--replication runs one replication in this process and writes nothing; "
                           f"it cannot be combined with {names}"))
    try:
        scenario = load_scenario(scenario_file)
        record = single_replication(scenario, replication, seed)
    except StratsimError as error:
        fail(error)
    used_seed = scenario.seed if seed is None else seed
    columns = {"portfolio": record["kpis"], **record["services"]}
    table = Table(title=Text(f"{scenario.name}: replication {replication} (seed {used_seed}); "
                             "no CI from one replication"), title_justify="left")
    table.add_column("KPI")
    for name in columns:
        table.add_column(Text(name), justify="right")
    kpis = list(dict.fromkeys(k for level in columns.values() for k in level if k != "tiers"))
    for kpi in kpis:
        table.add_row(kpi, *(fmt(level.get(kpi)) if kpi in level else "" for level in columns.values()))
    out.print(table)


def print_warmup(choice: WarmupChoice) -> None:
    """The warm-up MSER-5 chose, and per service and series the truncation that led to it."""
    from rich.table import Table
    from rich.text import Text

    out.print(Text(f"warm-up (--warmup auto, MSER-5): {choice.warmup_h:g}h, horizon {choice.horizon_h:g}h "
                   f"(measured window {choice.window_h:g}h kept); pilot of {choice.pilot_replications} "
                   f"replications over {choice.pilot_horizon_h:g}h, batches of 5 × {choice.bin_h:g}h bins"))
    several = len({s.scenario for s in choice.series}) > 1
    table = Table(title="MSER-5 evidence per service and series", title_justify="left")
    for column in ("scenario", "service", "series", "truncation", "MSER at d*", "MSER at 0", "note"):
        if column != "scenario" or several:
            table.add_column(column, justify="left" if column in ("scenario", "service", "series", "note") else "right")
    deciding = {id(s) for s in choice.deciding}
    for s in choice.series:
        note = "chosen" if id(s) in deciding else ""
        if s.result.at_boundary:
            note = (note + "; " if note else "") + "minimum at half the horizon"
        cells = [Text(s.service), s.series, f"{s.truncation_h:g}h", f"{s.result.minimum:.3g}",
                 f"{s.result.statistic[0]:.3g}", note]
        table.add_row(*([Text(s.scenario)] if several else []), *cells)
    out.print(table)


def print_precision(outcome: PrecisionOutcome) -> None:
    """Whether the target was met, after how many replications, and the key KPIs' half-widths."""
    from rich.table import Table
    from rich.text import Text

    verdict = ("met" if outcome.met else "NOT met: --max-replications reached first")
    out.print(Text(f"precision target ±{outcome.target * 100:g}% (relative 95% CI half-width): {verdict} "
                   f"after {outcome.replications} replications (batches: "
                   f"{', '.join(str(n) for n in outcome.counts)})"))
    limiting = {(p.model, p.kpi) for p in outcome.limiting}
    several = len({p.model for p in outcome.final}) > 1
    table = Table(title="key KPIs (portfolio)", title_justify="left")
    for column in ("scenario", "KPI", "mean", "half-width", "relative", "note"):
        if column != "scenario" or several:
            table.add_column(column, justify="left" if column in ("scenario", "KPI", "note") else "right")
    for p in outcome.final:
        note = p.skipped or ("limited the count" if (p.model, p.kpi) in limiting else "")
        relative = "–" if p.relative is None else f"{p.relative:.2%}"
        table.add_row(*([Text(p.model)] if several else []), p.kpi, fmt(p.mean), fmt(p.half_width, 2),
                      relative, note)
    out.print(table)


@main.command()
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option("--param", "params", multiple=True, metavar="PATH=VALUES",
              help="A parameter to vary, e.g. services.helpdesk.staff=4..8 or services.helpdesk.price=30,35,40; "
                   "repeat for more (adds to the file's sweep: block).")
@click.option("--samples", type=click.IntRange(min=1), help="A Latin hypercube of N points instead of the full grid.")
@click.option("--pareto", metavar="KPI,KPI", help="Mark the Pareto front of these portfolio KPIs in sweep.csv.")
@click.option("--resume", "resume_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Finish the interrupted sweep in DIR (runs only its missing points).")
@study_options("the file's", "results/<name>/<time>/")
@backend_options
def sweep(scenario_file: Path, params: tuple[str, ...], samples: int | None, pareto: str | None,
          resume_dir: Path | None, replications: int | None, seed: int | None, jobs: int,
          out_dir: Path | None, force: bool, no_report: bool, backend: str, scheduler: str | None) -> None:
    """Run SCENARIO_FILE at every point of a parameter grid or Latin hypercube; write sweep.csv,
    the charts and report.html."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from stratsim.report.drawer import report_drawer
    from stratsim.runner import sweep as sweeping
    from stratsim.runner.backends import backend_description, make_evaluator
    from stratsim.runner.results import file_sha256
    from stratsim.scenario import load_scenario

    try:
        if resume_dir is not None and (out_dir is not None or force):
            raise StratsimError("--resume DIR finishes the sweep in DIR: it takes no --out or --force")
        scenario = load_scenario(scenario_file)
        scenario_digest = file_sha256(scenario_file)
        origins = sweeping.file_origins(scenario_file)
        evaluator = make_evaluator(jobs, backend, scheduler)
        if resume_dir is None:
            design = sweeping.merge_design(scenario.sweep, params, samples, pareto, origins)
            wanted = sweeping.make_plan(scenario, design, scenario.seed if seed is None else seed,
                                        scenario.replications if replications is None else replications)
            plan, points = sweeping.start_folder(scenario, design, wanted, out_dir, force)
        else:
            asked = sweeping.requested_options(scenario, params, samples, pareto, seed, replications, origins)
            plan, wanted, points = sweeping.resume_folder(resume_dir, scenario, asked)
    except StratsimError as error:
        fail(error)
    signal.signal(signal.SIGTERM, raise_interrupt)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    start = time.perf_counter()
    total = len(wanted["points"])
    before = len(sweeping.finished_points(plan.target, total))
    out.print(Text(f"sweep of {scenario.name}: {total} points × {wanted['replications']} replications "
                   f"({'Latin hypercube' if wanted['samples'] else 'full grid'}), seed {wanted['seed']}"
                   + (f"; {before} points already done" if before else "")))
    def interrupted() -> str:
        kept = len(sweeping.finished_points(plan.target, total))
        return (f"interrupted: {kept} of {total} points are kept in {plan.target}/; finish with: "
                f"stratsim sweep {scenario_file} --resume {plan.target}")

    with staging(plan, interrupted), report_drawer(not no_report) as drawer:
        with evaluator:
            with Progress(TextColumn("points"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=True) as progress:
                left = sweeping.runs_left(plan.target, total, scenario)   # the base too, when scored
                task = progress.add_task("sweep", total=left * wanted["replications"])
                sweeping.run_points(points, wanted["points"], wanted["seed"], wanted["replications"],
                                    evaluator, plan.target, lambda: progress.advance(task), base=scenario)
        result = sweeping.write_sweep_csv(plan.staging, wanted, plan.target)
        write_json(plan.staging / MANIFEST_FILE, sweeping.sweep_manifest(
            wanted, scenario_file=scenario_file, scenario_file_sha256=scenario_digest,
            points_run=total - before, resumed=resume_dir is not None, jobs=jobs,
            backend=backend_description(evaluator), started_at=started_at,
            wall_time_s=time.perf_counter() - start))
        if not no_report:
            draw_report(plan.staging, plan.target, drawer)
    target = commit_or_fail(plan)
    out.print(Text(str(result)), soft_wrap=True)
    out.print(f"results in {target}/", soft_wrap=True)
    if (target / REPORT_FILE).exists():
        out.print(f"report: {target / REPORT_FILE}", soft_wrap=True)


def draw_report(folder: Path, shown_as: Path, drawer: ReportDrawer | None = None) -> None:
    """Draw the charts and report.html into a finished result's staging folder: in ``drawer``
    (started with the simulation, see :mod:`stratsim.report.drawer`) when there is one, else
    in this process.

    A report that cannot be drawn (a bug in a chart) costs the report, never the result: it is
    reported as a warning, with the command that retries it, and the run's files are kept.
    """
    from stratsim.report.drawer import DrawerLost, ReportFailed

    try:
        if drawer is not None:
            try:
                drawer.draw(folder, shown_as)
                return
            except DrawerLost:
                pass   # killed or out of memory: draw here, as without a drawer
        from stratsim.report import write_report   # matplotlib loads only when a report is drawn
        from stratsim.report.charts import chart_workers

        write_report(folder, shown_as=shown_as, workers=chart_workers())
    except (OSError, KeyboardInterrupt):
        raise
    except Exception as error:  # noqa: BLE001 - any bug in a chart must not lose the run
        kind, message = (error.kind, error.message) if isinstance(error, ReportFailed) else (
            type(error).__name__, str(error))
        (folder / REPORT_FILE).unlink(missing_ok=True)
        remove_charts(folder / CHARTS_FOLDER)
        print_warning(f"the report could not be drawn ({kind}: {message}); the "
                      f"results are complete: retry with stratsim report {shown_as}")


@main.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
@click.option("--kpi", "kpis", multiple=True,
              help="Sweep results: chart this KPI's response (repeatable; default: the Pareto KPIs, "
                   "else profit and SLA attainment).")
def report(results_dir: Path, kpis: tuple[str, ...]) -> None:
    """(Re)draw the charts and report.html of a run, compare or sweep results folder."""
    from stratsim.report import write_report   # matplotlib loads only when a report is drawn
    from stratsim.report.charts import chart_workers

    try:
        made = write_report(results_dir, list(kpis) or None, workers=chart_workers())
    except StratsimError as error:
        fail(error)
    except OSError as error:
        fail(OutputError(f"cannot write the report into {results_dir}: {error.strerror or error}"))
    out.print(f"{len(made.charts)} charts in {results_dir / CHARTS_FOLDER}/ (PNG and SVG)", soft_wrap=True)
    out.print(f"report: {made.path}", soft_wrap=True)


from stratsim.cli_compare import compare, print_perspective  # noqa: E402  (its own module)

main.add_command(compare)

from stratsim.cli_plan import forecast, staff  # noqa: E402  (planning verbs, own module)

main.add_command(forecast)
main.add_command(staff)

from stratsim.cli_graph import graph  # noqa: E402  (the portfolio graph, own module)

main.add_command(graph)


def entry() -> None:
    """The ``stratsim`` console script: :func:`main`, then an exit that skips the interpreter's
    last garbage collections.

    As a command's process shuts down, Python collects over every object it still holds (the
    engine, SciPy, pydantic, rich, and Dask's when used): 0.07–0.15 s after a comparison's
    results are written, timed to the process's exit. Frozen first (``gc.freeze``), they are
    left to the operating system, which reclaims the memory anyway (0.02 s): the files were
    closed by the ``with`` blocks that wrote them, and the ``atexit`` handlers (temporary
    folders, logging, multiprocessing's children) still run. Only the console script does
    this; a Python caller, or a test, invoking :func:`main` keeps its collector as it was."""
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    entry()
