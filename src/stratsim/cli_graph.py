"""``stratsim graph``: the service portfolio as text and as a picture, with impact analysis.

Thin like the rest of the command line: load the scenario, call
:func:`~stratsim.portfolio.overview.portfolio_overview`, print the lines of
:mod:`stratsim.report.portfolio_text`, and draw :func:`~stratsim.report.portfolio_charts.portfolio_figure`
when ``--out`` names a PNG file. matplotlib loads only when a picture is drawn.
"""

from __future__ import annotations

from pathlib import Path

import click

from stratsim.errors import OutputError, ResultsError, StratsimError

KPI_CHOICES = ("utilization", "wait_mean_min")


@click.command()
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option("--results", "results_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="A run's results folder: colour the services by what the run measured.")
@click.option("--colour", "--color", "kpi", type=click.Choice(KPI_CHOICES), default="utilization",
              show_default=True, help="What the colours show with --results.")
@click.option("--out", "-o", type=click.Path(path_type=Path), metavar="FILE.png",
              help="Draw the portfolio picture into FILE.png (an existing file is replaced).")
def graph(scenario_file: Path, results_dir: Path | None, kpi: str, out: Path | None) -> None:
    """Show the portfolio of SCENARIO: services, status, dependencies (share and mode), and
    what depends on each service; what retiring it or losing half its staff would touch (an
    offered-load estimate). With --out, draw it; with --results, colour it by a run's
    utilisation or wait."""
    from rich.text import Text

    from stratsim.cli import fail, out as console
    from stratsim.portfolio.overview import portfolio_overview
    from stratsim.report.portfolio_text import portfolio_lines
    from stratsim.scenario import load_scenario

    if out is not None and out.suffix.lower() != ".png":
        fail(OutputError(f"--out: expected a file name ending in .png, got {str(out)!r}"))
    try:
        scenario = load_scenario(scenario_file)
        values = _run_values(results_dir, kpi) if results_dir is not None else None
        overview = portfolio_overview(scenario, values, kpi)
    except StratsimError as error:
        fail(error)
    for line in portfolio_lines(overview):
        console.print(Text(line), soft_wrap=True)
    if out is not None:
        _draw(overview, out)
        console.print(Text(f"picture: {out}"), soft_wrap=True)
    else:
        console.print(Text("draw it with --out FILE.png"), soft_wrap=True)


def _run_values(folder: Path, kpi: str) -> dict[str, float]:
    """The per-service means of ``kpi`` in a run's ``summary.json``."""
    from stratsim.report.portfolio_charts import node_values
    from stratsim.report.results import RunResults, load_results

    results = load_results(folder)
    if not isinstance(results, RunResults):
        raise ResultsError(f"{folder}: --results needs a run's results folder (with summary.json); "
                           f"this one holds a {results.kind}")
    values = node_values(results.summary, kpi)
    if not values:
        raise ResultsError(f"{folder}: summary.json has no {kpi} per service")
    return values


def _draw(overview, out: Path) -> None:
    from stratsim.cli import fail
    from stratsim.report import style
    from stratsim.report.portfolio_charts import portfolio_figure

    with style.chart_style():
        figure = portfolio_figure(overview.graph, overview.values, overview.kpi)
        try:
            figure.savefig(out, format="png", metadata={"Software": None},
                           pil_kwargs={"compress_level": style.PNG_COMPRESSION})
        except OSError as error:
            fail(OutputError(f"cannot write {out}: {error.strerror or error}"))
