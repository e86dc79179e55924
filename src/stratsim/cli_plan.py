"""The planning verbs: ``stratsim forecast`` (demand from history) and ``stratsim staff``.

Thin like the rest of the command line: parse, call :mod:`stratsim.runner.forecasting` and
:mod:`stratsim.runner.staffing_study`, print. Heavy modules (numpy, scipy, statsmodels,
matplotlib) are imported inside the verbs, so ``stratsim --help`` stays fast. Every
user-provided string is printed as a rich ``Text``, never as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from stratsim.errors import StratsimError

_ID_HELP = "letters, digits, '_', '.' or '-', not starting with a digit"


def fail(error: StratsimError) -> NoReturn:
    """Print a user error the way every verb does (plain text, one line per problem), exit 2."""
    from stratsim.cli import fail as fail_like_every_verb

    fail_like_every_verb(error)


def interrupted() -> NoReturn:
    """Ctrl-C or SIGTERM: nothing half-written is left (the files are staged), exit 130."""
    import sys

    from stratsim.cli import EXIT_INTERRUPTED, err

    err.print("interrupted: nothing was written")
    sys.exit(EXIT_INTERRUPTED)


def _interruptible() -> None:
    import signal

    from stratsim.cli import raise_interrupt

    signal.signal(signal.SIGTERM, raise_interrupt)


@click.command()
@click.argument("history_file", type=click.Path(path_type=Path))
@click.option("--segment", "-g", "segment_id",
              help="Id of the segment written (default: the history file's name).")
@click.option("--service", help="Write `mix: {SERVICE: 1}`: all of the segment's demand is for it.")
@click.option("--time-column", help="Column of the times (default: the one named timestamp).")
@click.option("--count-column",
              help="Column of counts per interval (default: the one named count, if any; "
                   "without one, every row is one arrival).")
@click.option("--holdout", "holdout_weeks", type=click.IntRange(min=1),
              help="Weeks held out to measure accuracy (default 2, fewer on a short history).")
@click.option("--no-trend", is_flag=True, help="Fit no growth (growth_per_year 0).")
@click.option("--out", "-o", type=click.Path(path_type=Path),
              help="Write the fragment to FILE.yaml and FILE.png, FILE.csv, FILE.json beside it.")
@click.option("--force", is_flag=True, help="Replace existing output files.")
def forecast(history_file: Path, segment_id: str | None, service: str | None,
             time_column: str | None, count_column: str | None, holdout_weeks: int | None,
             no_trend: bool, out: Path | None, force: bool) -> None:
    """Fit a segment's rate, daily and weekly profiles and growth to a demand history (CSV of
    arrival timestamps, or counts per interval), report hold-out accuracy against the
    seasonal-naive forecast, and write the `segments:` fragment of a scenario."""
    import re

    from rich.text import Text

    from stratsim.cli import out as console
    from stratsim.scenario.models import ID_PATTERN

    segment_id = segment_id if segment_id is not None else history_file.stem
    for option, value in (("--segment", segment_id), ("--service", service)):
        if value is not None and not re.match(ID_PATTERN, value):
            hint = " (name it with --segment)" if option == "--segment" and segment_id == history_file.stem else ""
            fail(StratsimError(f"{option}: expected an id of {_ID_HELP}, got {value!r}{hint}"))
    _interruptible()
    try:
        from stratsim.report.plan_text import forecast_lines
        from stratsim.runner.forecasting import forecast_file, write_forecast
        from stratsim.runner.fragments import fragment_yaml

        fitted = forecast_file(history_file, time_column=time_column, count_column=count_column,
                               holdout_weeks=holdout_weeks, trend=not no_trend)
        written = None
        if out is not None:
            written = write_forecast(fitted, out, segment_id=segment_id, service=service,
                                     history_file=str(history_file), force=force)
    except StratsimError as error:
        fail(error)
    except KeyboardInterrupt:
        interrupted()
    for line in forecast_lines(fitted, str(history_file), segment_id):
        console.print(Text(line), soft_wrap=True)
    if written is None:
        from stratsim.analysis.forecast import segment_fragment

        console.print(Text(fragment_yaml(
            {"segments": [segment_fragment(fitted.segment, segment_id, service)]}, "").rstrip()))
    else:
        console.print(Text("wrote " + ", ".join(str(p) for p in written)), soft_wrap=True)


@click.command()
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option("--service", required=True, help="The service to staff.")
@click.option("--target", "target_text", required=True,
              help="SLA target PERCENT/WAIT: 80%/20min = 80 % of customers start service within "
                   "20 minutes.")
@click.option("--interval", "interval_text", default="1h", show_default=True,
              help="Staffing interval: whole hours dividing a day (1h, 2h, 4h, 8h, 24h…).")
@click.option("--shifts", "shift_text",
              help="Cover the requirement with whole shifts of this length (e.g. 8h), at the "
                   "fewest staff-hours.")
@click.option("--shift-starts",
              help="Allowed shift starts every day, e.g. 06:00,14:00,22:00 (default: every "
                   "interval).")
@click.option("--shrinkage", type=click.FloatRange(min=0, max=1, max_open=True), default=0.0,
              help="Share of paid time not on duty (breaks, absence, training): scheduled staff "
                   "= on duty / (1 − shrinkage).")
@click.option("--replications", "-r", type=click.IntRange(min=2),
              help="Replications per simulation (default: the scenario's).")
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Seed (default: the scenario's).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes; results are identical for any number.")
@click.option("--max-staff", type=click.IntRange(min=1),
              help="Most staff any interval may get (default: twice the Erlang peak plus 10).")
@click.option("--out", "-o", type=click.Path(path_type=Path),
              help="Write the roster to FILE.yaml and FILE.csv, FILE.json, FILE.png beside it.")
@click.option("--force", is_flag=True, help="Replace existing output files.")
def staff(scenario_file: Path, service: str, target_text: str, interval_text: str,
          shift_text: str | None, shift_starts: str | None, shrinkage: float,
          replications: int | None, seed: int | None, jobs: int, max_staff: int | None,
          out: Path | None, force: bool) -> None:
    """Staff SERVICE hour by hour of the week to an SLA target at the fewest staff-hours:
    Erlang C (Erlang-A with reneging) per interval, verified and repaired by simulating the
    whole week (backlogs, reneging, priorities, other segments), optionally as whole shifts;
    writes a `rosters:` fragment."""
    from rich.table import Table
    from rich.text import Text

    from stratsim.analysis.staffing import parse_interval, parse_shift_starts, parse_target
    from stratsim.cli import err, out as console

    def option_error(option: str, error: ValueError) -> None:
        fail(StratsimError(f"{option}: {error}"))

    try:
        target = parse_target(target_text)
    except ValueError as error:
        option_error("--target", error)
    try:
        interval_h = parse_interval(interval_text)
    except ValueError as error:
        option_error("--interval", error)
    shift_h = None
    if shift_starts is not None and shift_text is None:
        fail(StratsimError("--shift-starts: give the shift length with --shifts too"))
    if shift_text is not None:
        try:
            shift_h = _whole_hours(shift_text)
        except ValueError as error:
            option_error("--shifts", error)
    try:
        starts = parse_shift_starts(shift_starts, interval_h) if shift_h is not None else None
    except ValueError as error:
        option_error("--shift-starts", error)
    _interruptible()
    try:
        from stratsim.runner.evaluators import evaluator_for
        from stratsim.runner.staffing_study import plan_staffing, write_staffing
        from stratsim.scenario import load_scenario

        scenario = load_scenario(scenario_file)
        plan = plan_staffing(
            scenario, service, target, interval_h=interval_h, shift_h=shift_h,
            shift_starts=starts, shrinkage=shrinkage, replications=replications, seed=seed,
            max_staff=max_staff, evaluator=evaluator_for(jobs),
            progress=lambda line: err.print(Text(line), soft_wrap=True),
        )
        written = None
        if out is not None:
            written = write_staffing(plan, out, scenario_file=str(scenario_file), force=force)
    except StratsimError as error:
        fail(error)
    except KeyboardInterrupt:
        interrupted()
    from stratsim.report.plan_text import staffing_lines

    for line in staffing_lines(plan):
        console.print(Text(line), soft_wrap=True)
    console.print(Text(f"Roster of {service}, staff on duty:"))
    table = Table()
    for column in ("days", "from", "to", "staff"):
        table.add_column(column, justify="right" if column == "staff" else "left")
    for window in plan.roster():
        table.add_row(*(Text(str(window[key])) for key in ("days", "from", "to", "staff")))
    console.print(table)
    if written is None:
        from stratsim.runner.fragments import fragment_yaml

        console.print(Text(fragment_yaml({"rosters": {service: plan.roster()}}, "").rstrip()))
    else:
        console.print(Text("wrote " + ", ".join(str(p) for p in written)), soft_wrap=True)
    if not plan.reachable:
        raise SystemExit(1)


def _whole_hours(text: str) -> int:
    """A shift length: a whole number of hours from 1 to 24."""
    from stratsim.scenario.durations import parse_duration

    hours = parse_duration(text)
    if not hours.is_integer() or not 1 <= hours <= 24:
        raise ValueError(f"expected a whole number of hours from 1h to 24h, got {text!r}")
    return int(hours)
