"""Command-line options shared by ``run``, ``compare`` and ``sweep``: where and how long to run.

Kept apart from the verbs so every verb spells them the same way: ``--backend``,
``--scheduler``, ``--precision``, ``--max-replications``, ``--warmup auto``. Parsing only
(click types and decorators); nothing heavy is imported here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from stratsim.limits import MAX_REPLICATIONS

BACKEND_CHOICES = ("pool", "dask")   # runner.backends.BACKENDS, without importing the runner
DEFAULT_MAX_REPLICATIONS = 200        # runner.precision.DEFAULT_MAX_REPLICATIONS


class RelativePrecision(click.ParamType):
    """``5%`` or ``0.05``: a relative CI half-width in (0, 1)."""

    name = "PERCENT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            self.fail(f"expected a relative half-width such as 5% or 0.05, got {text!r}", param, ctx)
        if not 0 < number < 1:
            self.fail(f"expected a relative half-width between 0% and 100% (exclusive), got {text!r}", param, ctx)
        return number


def backend_options(function: Callable) -> Callable:
    """``--backend pool|dask`` and ``--scheduler ADDRESS``."""
    function = click.option(
        "--scheduler", metavar="ADDRESS",
        help="With --backend dask: the scheduler of a running cluster (tcp://host:8786); "
             "without it a local cluster of --jobs worker processes is started.")(function)
    return click.option(
        "--backend", type=click.Choice(BACKEND_CHOICES), default="pool", show_default=True,
        help="Where replications run: pool (this machine, --jobs processes) or dask "
             '(needs pip install -e ".[dask]"). Results are identical.')(function)


def precision_options(function: Callable) -> Callable:
    """``--precision 5%``, ``--max-replications N`` and ``--warmup auto``."""
    function = click.option(
        "--warmup", "warmup", type=click.Choice(["auto"]),
        help="auto: choose the warm-up by MSER-5 on a pilot run's time series (window length kept).")(function)
    function = click.option(
        "--max-replications", type=click.IntRange(min=2), default=DEFAULT_MAX_REPLICATIONS, show_default=True,
        help="With --precision: stop adding replications here, met or not.")(function)
    return click.option(
        "--precision", type=RelativePrecision(),
        help="Add replications in batches until the key KPIs' 95% CI half-widths are within "
             "this share of their means (e.g. 5%).")(function)


def study_options(defaults: str, out_folder: str) -> Callable[[Callable], Callable]:
    """``--replications``, ``--seed``, ``--jobs``, ``--out``, ``--force`` and ``--no-report``,
    spelled and bounded alike on every verb that writes a result folder.

    ``defaults`` says where unset replications and seed come from ("the file's", "the
    baseline's"); ``out_folder`` names the default results folder in ``--out``'s help.
    """
    options = [
        click.option("--replications", "-r", type=click.IntRange(min=1, max=MAX_REPLICATIONS),
                     help=f"Replications (default: {defaults})."),
        click.option("--seed", "-s", type=click.IntRange(min=0), help=f"Master seed (default: {defaults})."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Worker processes; results are identical for any number."),
        click.option("--out", "-o", "out_dir", type=click.Path(path_type=Path),
                     help=f"Write into this folder (new or empty) instead of {out_folder}."),
        click.option("--force", is_flag=True, help="With --out: replace an earlier stratsim result there."),
        click.option("--no-report", is_flag=True, help="Skip the charts and report.html."),
    ]

    def decorate(function: Callable) -> Callable:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate
