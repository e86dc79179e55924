"""Reproducible M/M/3 performance benchmark: stratsim against Ciw and two plain SimPy models.

The same queue — Poisson arrivals at λ = 2.4 per hour, exponential service at μ = 1 per hour,
3 servers, FIFO, unlimited waiting room, one replication, no warm-up — is simulated for a
horizon of ``customers / λ`` hours by each tool, **each in its own fresh Python subprocess**,
so that start-up cost and peak memory belong to one tool and the order of the runs does not
matter. Each subprocess prints exactly one JSON line, which the parent parses.

Tools:

``stratsim``
    the scenario as YAML text through the public API (``load_scenario_text`` + ``simulate``);
``ciw``
    Ciw 3.x (``create_network`` / ``Simulation.simulate_until_max_time``);
``simpy-process``
    SimPy as a typical user writes it: one process per customer requesting a
    ``simpy.Resource(capacity=3)``, draws one at a time from ``random.expovariate``;
``simpy-callback``
    SimPy's event loop with plain callbacks (``env.timeout(d).callbacks.append(fn)``) and a
    deque as the queue: about the fastest reasonable pure-SimPy model, for orientation.

Measured per tool: wall time of the simulation (``time.perf_counter`` around building the
model, running it and reading its mean wait; interpreter start-up and imports excluded),
customers per second, the mean wait in minutes (checked against Erlang C) and the peak resident
memory of the whole subprocess (``getrusage(RUSAGE_SELF).ru_maxrss``).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_mm3.py                      # all tools, 1,000,000 customers
    .venv/bin/python benchmarks/bench_mm3.py --customers 200000 --repeat 3 --only ciw,stratsim
    .venv/bin/python benchmarks/bench_mm3.py --memory             # stratsim alone, 1 M vs 5 M
    .venv/bin/python benchmarks/bench_mm3.py --json results.json
    .venv/bin/python benchmarks/bench_mm3.py --cli --customers 500000 --repeat 3   # whole process

``--cli`` measures what a user waits for instead: the wall time of the whole process, from
launching it to its exit, for ``stratsim run FILE --replications 1`` with its default outputs
(time series, waits, report with charts) and for a Ciw script (interpreter, imports, run), plus
the time ``stratsim --help`` takes.

See ``benchmarks/README.md`` for how to read the output and the targets.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ARRIVAL_RATE = 2.4
"""λ, customers per hour."""
SERVICE_RATE = 1.0
"""μ, services per hour per server."""
SERVERS = 3
MINUTES_PER_HOUR = 60.0

DEFAULT_CUSTOMERS = 1_000_000
DEFAULT_SEED = 12345
MEMORY_FACTOR = 5
"""``--memory`` compares peak RSS at ``customers`` and at ``MEMORY_FACTOR × customers``."""

WAIT_TOLERANCE = 0.05
"""Relative deviation from Erlang C beyond which a mean wait is flagged in the table."""
TARGET_RATIO_TO_CIW = 3.0
TARGET_CLI_RATIO_TO_CIW = 4.0
"""``--cli``: the whole ``stratsim run`` process against Ciw's whole process."""
TARGET_HELP_SECONDS = 0.3
TARGET_MEMORY_GROWTH = 0.10

STRATSIM_SCENARIO = """\
stratsim: 1
name: bench-mm3
horizon: {horizon_h}h
services:
  - {{id: desk, staff: {servers}, service_time: {{dist: exponential, mean: {mean_service_h}h}}}}
segments:
  - {{id: all, rate: {rate}, mix: {{desk: 1}}}}
"""


# --------------------------------------------------------------------------------------------
# Worker side: one tool, one run, one JSON line.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a tool reports about its run: customers who arrived and their mean wait (minutes)."""

    customers: int
    wait_mean_min: float


Run = Callable[[], Outcome]
"""A prepared run: every import done, calling it builds the model, simulates and measures."""


@dataclass
class Tally:
    """Running totals kept by the hand-written SimPy models (constant memory)."""

    arrivals: int = 0
    started: int = 0
    wait_sum_h: float = 0.0

    def start(self, wait_h: float) -> None:
        """Count a customer starting service after waiting ``wait_h`` hours."""
        self.started += 1
        self.wait_sum_h += wait_h

    def outcome(self) -> Outcome:
        """Arrivals and the mean wait (minutes) of the customers who started service."""
        return Outcome(self.arrivals, self.wait_sum_h / self.started * MINUTES_PER_HOUR)


def horizon_for(customers: int) -> float:
    """The horizon (hours, rounded to 1/1000 h) that brings ``customers`` arrivals on average."""
    return round(customers / ARRIVAL_RATE, 3)


def prepare_stratsim(horizon_h: float, seed: int, time_scale: float = 1.0) -> tuple[Run, str]:
    """stratsim through its public library API, the scenario given as YAML text; with
    ``time_scale`` k, the same queue on a clock k times faster (rates × k, times ÷ k)."""
    import stratsim
    from stratsim.runner.simulation import simulate
    from stratsim.scenario import load_scenario_text

    text = STRATSIM_SCENARIO.format(
        horizon_h=round(horizon_h / time_scale, 3), servers=SERVERS,
        mean_service_h=1.0 / (SERVICE_RATE * time_scale), rate=ARRIVAL_RATE * time_scale,
    )

    def run() -> Outcome:
        result = simulate(load_scenario_text(text), replications=1, seed=seed)
        kpis = result.records[0]["kpis"]
        return Outcome(int(kpis["arrivals"]), float(kpis["wait_mean_min"]))

    return run, stratsim.__version__


def prepare_ciw(horizon_h: float, seed: int) -> tuple[Run, str]:
    """Ciw 3.x: a one-node network; the mean wait over its service records."""
    import ciw

    def run() -> Outcome:
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(ARRIVAL_RATE)],
            service_distributions=[ciw.dists.Exponential(SERVICE_RATE)],
            number_of_servers=[SERVERS],
        )
        ciw.seed(seed)
        simulation = ciw.Simulation(network)
        simulation.simulate_until_max_time(horizon_h)
        records = simulation.get_all_records()
        wait_h = sum(record.waiting_time for record in records) / len(records)
        arrivals = simulation.nodes[0].number_of_individuals
        return Outcome(arrivals, wait_h * MINUTES_PER_HOUR)

    return run, ciw.__version__


def prepare_simpy_process(horizon_h: float, seed: int) -> tuple[Run, str]:
    """SimPy the textbook way: a process per customer, a ``Resource``, ``random.expovariate``."""
    import random

    import simpy

    def run() -> Outcome:
        expovariate = random.Random(seed).expovariate
        env = simpy.Environment()
        desk = simpy.Resource(env, capacity=SERVERS)
        tally = Tally()

        def customer() -> Any:
            arrived = env.now
            with desk.request() as request:
                yield request
                tally.start(env.now - arrived)
                yield env.timeout(expovariate(SERVICE_RATE))

        def source() -> Any:
            while True:
                yield env.timeout(expovariate(ARRIVAL_RATE))
                tally.arrivals += 1
                env.process(customer())

        env.process(source())
        env.run(until=horizon_h)
        return tally.outcome()

    return run, simpy.__version__


def prepare_simpy_callback(horizon_h: float, seed: int) -> tuple[Run, str]:
    """SimPy's event loop with plain callbacks and a deque: no process per customer."""
    import random
    from collections import deque

    import simpy

    def run() -> Outcome:
        expovariate = random.Random(seed).expovariate
        env = simpy.Environment()
        timeout = env.timeout
        queue: deque[float] = deque()
        tally = Tally()
        free = SERVERS

        def start(arrived: float) -> None:
            tally.start(env.now - arrived)
            timeout(expovariate(SERVICE_RATE)).callbacks.append(depart)

        def depart(_event: simpy.Event) -> None:
            nonlocal free
            if queue:
                start(queue.popleft())
            else:
                free += 1

        def arrive(_event: simpy.Event) -> None:
            nonlocal free
            tally.arrivals += 1
            if free:
                free -= 1
                start(env.now)
            else:
                queue.append(env.now)
            timeout(expovariate(ARRIVAL_RATE)).callbacks.append(arrive)

        timeout(expovariate(ARRIVAL_RATE)).callbacks.append(arrive)
        env.run(until=horizon_h)
        return tally.outcome()

    return run, simpy.__version__


TOOLS: dict[str, Callable[[float, int], tuple[Run, str]]] = {
    "stratsim": prepare_stratsim,
    "ciw": prepare_ciw,
    "simpy-process": prepare_simpy_process,
    "simpy-callback": prepare_simpy_callback,
}
"""Tool name → preparer; the order is the order of the table."""
REFERENCE_TOOL = "ciw"

MEMORY_TIME_SCALE = 10.0
"""``--memory`` runs the queue on a clock this many times faster (λ 24/h, μ 10/h: the same
utilisation and the same customers, waits ÷ 10), so that 5 M customers fit within stratsim's
limit of 100 years for a horizon (2.08 M hours at λ = 2.4/h would not)."""
WORKER_TOOLS: dict[str, Callable[[float, int], tuple[Run, str]]] = {
    **TOOLS,
    "stratsim-fast-clock": lambda horizon_h, seed: prepare_stratsim(horizon_h, seed, MEMORY_TIME_SCALE),
}
"""Every tool a worker process can run: the compared ones and the one ``--memory`` uses."""


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def worker(tool: str, customers: int, seed: int) -> dict[str, Any]:
    """Run ``tool`` once in this process and return its measurement (one JSON-able dict)."""
    horizon_h = horizon_for(customers)
    run, version = WORKER_TOOLS[tool](horizon_h, seed)
    imported_rss = peak_rss_mb()
    began = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - began
    return {
        "tool": tool,
        "version": version,
        "seed": seed,
        "horizon_h": horizon_h,
        "customers": outcome.customers,
        "seconds": seconds,
        "rate": outcome.customers / seconds,
        "wait_mean_min": outcome.wait_mean_min,
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_before_run_mb": imported_rss,
    }


# --------------------------------------------------------------------------------------------
# Parent side: subprocesses, aggregation, tables.
# --------------------------------------------------------------------------------------------


@dataclass
class ToolResult:
    """The repeated runs of one tool at one size; ``error`` if a subprocess failed."""

    tool: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Every run succeeded (and there was at least one)."""
        return self.error is None and bool(self.runs)

    @property
    def rate(self) -> float:
        """Median customers per second over the repeats."""
        return statistics.median(run["rate"] for run in self.runs)

    @property
    def seconds(self) -> float:
        """Median wall time over the repeats."""
        return statistics.median(run["seconds"] for run in self.runs)

    @property
    def customers(self) -> int:
        """Arrivals counted by the tool (the same in every repeat)."""
        return self.runs[0]["customers"]

    @property
    def wait_mean_min(self) -> float:
        """Mean wait: the same seed in every repeat, so the same number."""
        return self.runs[0]["wait_mean_min"]

    @property
    def peak_rss_mb(self) -> float:
        """Largest peak RSS over the repeats."""
        return max(run["peak_rss_mb"] for run in self.runs)

    @property
    def imported_rss_mb(self) -> float:
        """Peak RSS once the tool was imported, just before the timed run (largest repeat)."""
        return max(run["peak_rss_before_run_mb"] for run in self.runs)

    def as_json(self) -> dict[str, Any]:
        """The runs, plus the reported medians and peak when the tool ran."""
        if not self.ok:
            return asdict(self)
        return {**asdict(self), "rate": self.rate, "seconds": self.seconds,
                "peak_rss_mb": self.peak_rss_mb}


def run_subprocess(tool: str, customers: int, seed: int) -> dict[str, Any]:
    """Run ``tool`` in a fresh interpreter; its last stdout line is the JSON measurement.

    Raises :class:`RuntimeError` with the child's stderr tail if it fails.
    """
    command = [
        sys.executable, str(Path(__file__).resolve()),
        "--worker", tool, "--customers", str(customers), "--seed", str(seed),
    ]
    child = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        tail = "\n".join(child.stderr.strip().splitlines()[-6:])
        raise RuntimeError(f"{tool} exited with status {child.returncode}:\n{tail}")
    return json.loads(lines[-1])


def measure(tool: str, customers: int, seed: int, repeat: int) -> ToolResult:
    """``repeat`` subprocess runs of ``tool``; progress to stderr, failures kept, not raised."""
    result = ToolResult(tool)
    for index in range(repeat):
        print(f"  {tool} ({customers:,} customers, run {index + 1}/{repeat}) ...",
              end="", file=sys.stderr, flush=True)
        try:
            run = run_subprocess(tool, customers, seed)
        except RuntimeError as error:
            print(" FAILED", file=sys.stderr)
            result.error = str(error)
            return result
        print(f" {run['seconds']:.1f} s", file=sys.stderr)
        result.runs.append(run)
    return result


def erlang_c_wait_min() -> tuple[float, str]:
    """Mean M/M/c wait (minutes) from ``stratsim.analysis.queueing``, else computed here."""
    try:
        from stratsim.analysis.queueing import mmc_mean_wait

        return mmc_mean_wait(ARRIVAL_RATE, SERVICE_RATE, SERVERS) * MINUTES_PER_HOUR, \
            "stratsim.analysis.queueing.mmc_mean_wait"
    except ImportError:
        a = ARRIVAL_RATE / SERVICE_RATE
        rho = a / SERVERS
        top = a**SERVERS / math.factorial(SERVERS) / (1 - rho)
        c = top / (sum(a**k / math.factorial(k) for k in range(SERVERS)) + top)
        return c / (SERVERS * SERVICE_RATE - ARRIVAL_RATE) * MINUTES_PER_HOUR, "inline formula"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths))
        )

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def comparison_table(results: list[ToolResult], reference_wait: float) -> str:
    """The peer table: rates, ratio to Ciw, mean wait against Erlang C, peak RSS."""
    reference = next((r for r in results if r.tool == REFERENCE_TOOL and r.ok), None)
    headers = ["tool", "version", "customers", "seconds", "customers/s", "ratio to Ciw",
               "mean wait min", "vs Erlang C", "peak RSS MB"]
    rows = []
    for result in results:
        if not result.ok:
            rows.append([result.tool, "FAILED", *["-"] * (len(headers) - 2)])
            continue
        deviation = result.wait_mean_min / reference_wait - 1
        flag = "" if abs(deviation) <= WAIT_TOLERANCE else " !"
        rows.append([
            result.tool,
            result.runs[0]["version"],
            f"{result.customers:,}",
            f"{result.seconds:.2f}",
            f"{result.rate:,.0f}",
            f"{result.rate / reference.rate:.2f}x" if reference else "-",
            f"{result.wait_mean_min:.2f}",
            f"{deviation:+.1%}{flag}",
            f"{result.peak_rss_mb:.0f}",
        ])
    return format_table(headers, rows)


def memory_table(small: ToolResult, large: ToolResult) -> str:
    """stratsim at two run lengths: rates, peak RSS, and the verdict on memory growth."""
    headers = ["run", "customers", "seconds", "customers/s", "mean wait min", "peak RSS MB",
               "after imports MB", "added by run MB"]
    rows = [
        [label, f"{r.customers:,}", f"{r.seconds:.2f}", f"{r.rate:,.0f}",
         f"{r.wait_mean_min:.2f}", f"{r.peak_rss_mb:.1f}", f"{r.imported_rss_mb:.1f}",
         f"{r.peak_rss_mb - r.imported_rss_mb:+.1f}"]
        for label, r in (("short", small), (f"{MEMORY_FACTOR}x longer", large))
    ]
    growth = large.peak_rss_mb / small.peak_rss_mb - 1
    verdict = "PASS" if growth <= TARGET_MEMORY_GROWTH else "FAIL"
    return (
        format_table(headers, rows)
        + f"\n\npeak RSS ratio {large.peak_rss_mb / small.peak_rss_mb:.3f} ({growth:+.1%}); "
        f"target within {TARGET_MEMORY_GROWTH:+.0%}: {verdict}"
    )


def verdict_on_speed(results: list[ToolResult]) -> str:
    """The stratsim-to-Ciw rate ratio against its target, or why there is none."""
    rates = {r.tool: r.rate for r in results if r.ok}
    if "stratsim" not in rates or REFERENCE_TOOL not in rates:
        return "\n(stratsim / Ciw ratio needs both tools to have run)"
    ratio = rates["stratsim"] / rates[REFERENCE_TOOL]
    verdict = "PASS" if ratio >= TARGET_RATIO_TO_CIW else "FAIL"
    return (f"\nstratsim / Ciw customers/s: {ratio:.2f}x; "
            f"target >= {TARGET_RATIO_TO_CIW:.0f}x: {verdict}")


# --------------------------------------------------------------------------------------------
# --cli: whole processes, as users run them.
# --------------------------------------------------------------------------------------------


@dataclass
class ProcessRun:
    """One whole-process run: wall seconds from launch to exit, customers and mean wait."""

    seconds: float
    customers: int
    wait_mean_min: float


def stratsim_command() -> list[str]:
    """The installed ``stratsim`` script beside this interpreter (the venv's), else ``-m``."""
    script = Path(sys.executable).with_name("stratsim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "stratsim.cli"]


def user_environment() -> dict[str, str]:
    """The environment of a whole-process run: this one, with Python's bytecode cache on, as on
    a user's machine (a sandbox may set ``PYTHONDONTWRITEBYTECODE``; then every start of an
    editable install would compile its modules again, which no user pays twice)."""
    import os

    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``command`` to its exit; the wall seconds and the finished process."""
    began = time.perf_counter()
    child = subprocess.run(command, capture_output=True, text=True, check=False, env=user_environment())
    seconds = time.perf_counter() - began
    if child.returncode != 0:
        tail = "\n".join(child.stderr.strip().splitlines()[-6:])
        raise RuntimeError(f"{command[0]} exited with status {child.returncode}:\n{tail}")
    return seconds, child


#: Seconds of rest before each whole-process run of ``--cli`` (see :func:`measure_cli`).
PAUSE_S = 2.0

#: Customers of the untimed warm-up runs of ``--cli``, which fill the bytecode caches.
WARM_UP_CUSTOMERS = 2000


def run_stratsim_cli(customers: int, seed: int, folder: Path, *options: str) -> ProcessRun:
    """``stratsim run`` as a user types it: default outputs on (time series, wait histogram,
    strategy log, report with its charts), one replication; ``options`` such as
    ``--no-report`` added."""
    scenario = folder / "bench-mm3.yaml"
    scenario.write_text(STRATSIM_SCENARIO.format(
        horizon_h=horizon_for(customers), servers=SERVERS, mean_service_h=1.0 / SERVICE_RATE,
        rate=ARRIVAL_RATE), encoding="utf-8")
    out = folder / "out"
    seconds, _ = timed([*stratsim_command(), "run", str(scenario), "--replications", "1",
                        "--seed", str(seed), "--out", str(out), "--force", *options])
    kpis = json.loads((out / "summary.json").read_text(encoding="utf-8"))["kpis"]
    return ProcessRun(seconds, round(kpis["arrivals"]["mean"]), kpis["wait_mean_min"]["mean"])


def run_ciw_process(customers: int, seed: int) -> ProcessRun:
    """Ciw's whole process: a fresh interpreter importing Ciw and running the same queue."""
    seconds, child = timed([sys.executable, str(Path(__file__).resolve()),
                            "--worker", "ciw", "--customers", str(customers), "--seed", str(seed)])
    run = json.loads(child.stdout.strip().splitlines()[-1])
    return ProcessRun(seconds, run["customers"], run["wait_mean_min"])


def help_seconds() -> float:
    """Wall time of ``stratsim --help``, the first thing a new user types."""
    return timed([*stratsim_command(), "--help"])[0]


def measure_cli(customers: int, seed: int, repeat: int) -> dict[str, list]:
    """``repeat`` rounds, each running Ciw, stratsim, stratsim ``--no-report`` and ``--help``
    back to back, so that a change in the machine's load falls on every tool alike. The order
    rotates from round to round, so that no tool always runs first (on a cool, freshly boosted
    CPU) or always last; a short pause between runs lets the clock settle."""
    import tempfile

    runs: dict[str, list] = {"ciw": [], "stratsim": [], "stratsim --no-report": [], "help": []}
    with tempfile.TemporaryDirectory(prefix="bench-mm3-cli-") as folder:
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("ciw", lambda: run_ciw_process(customers, seed)),
            ("stratsim", lambda: run_stratsim_cli(customers, seed, Path(folder))),
            ("stratsim --no-report",
             lambda: run_stratsim_cli(customers, seed, Path(folder), "--no-report")),
            ("help", help_seconds),
        ]
        print("  warm-up (bytecode caches, disk): a short run of each ...", file=sys.stderr, flush=True)
        run_ciw_process(WARM_UP_CUSTOMERS, seed)
        run_stratsim_cli(WARM_UP_CUSTOMERS, seed, Path(folder))
        for index in range(repeat):
            shift = index % len(steps)
            print(f"  round {index + 1}/{repeat}:", end="", file=sys.stderr, flush=True)
            for name, step in steps[shift:] + steps[:shift]:
                time.sleep(PAUSE_S)
                runs[name].append(step())
                seconds = runs[name][-1] if name == "help" else runs[name][-1].seconds
                print(f" {name} {seconds:.2f} s", end=",", file=sys.stderr, flush=True)
            print(file=sys.stderr)
    return runs


def cli_table(runs: dict[str, list], reference_wait: float) -> str:
    """Medians of the whole-process rounds, the ratio to Ciw and the verdicts."""
    rows = []
    rates = {}
    for tool in ("ciw", "stratsim", "stratsim --no-report"):
        seconds = statistics.median(run.seconds for run in runs[tool])
        first = runs[tool][0]
        rates[tool] = first.customers / seconds
        rows.append([tool, f"{first.customers:,}", f"{seconds:.2f}", f"{rates[tool]:,.0f}",
                     f"{rates[tool] / rates['ciw']:.2f}x", f"{first.wait_mean_min:.2f}",
                     f"{first.wait_mean_min / reference_wait - 1:+.1%}"])
    table = format_table(["whole process", "customers", "seconds", "customers/s",
                          "ratio to Ciw", "mean wait min", "vs Erlang C"], rows)
    help_median = statistics.median(runs["help"])
    judged = rates["stratsim --no-report"] / rates["ciw"]
    verdicts = (
        f"\nstratsim run --no-report (time series on) / Ciw, whole process: {judged:.2f}x; "
        f"target >= {TARGET_CLI_RATIO_TO_CIW:.0f}x: {'PASS' if judged >= TARGET_CLI_RATIO_TO_CIW else 'FAIL'}"
        f"\nstratsim run, report too / Ciw, whole process: {rates['stratsim'] / rates['ciw']:.2f}x "
        "(shown, not judged: the charts' drawing, about a second whatever the run's length)"
    )
    return (
        table + "\n" + verdicts
        + f"\nstratsim --help: {help_median:.2f} s (median of {len(runs['help'])}); target <= "
        f"{TARGET_HELP_SECONDS} s: {'PASS' if help_median <= TARGET_HELP_SECONDS else 'FAIL'}"
    )


def environment() -> dict[str, Any]:
    """Where the numbers were taken (saved with ``--json``)."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options; ``--only`` becomes a list of tool names."""
    parser = argparse.ArgumentParser(
        description="M/M/3 benchmark: stratsim against Ciw and plain SimPy, each tool in a "
        "fresh subprocess.",
    )
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS,
                        help="expected arrivals; the horizon is customers / 2.4 hours "
                        f"(default {DEFAULT_CUSTOMERS:,})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed given to every tool (default {DEFAULT_SEED})")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per tool (same seed); the median rate is reported")
    parser.add_argument("--only", default=",".join(TOOLS),
                        help=f"comma-separated tools among {', '.join(TOOLS)}")
    parser.add_argument("--memory", action="store_true",
                        help=f"instead: stratsim alone at --customers and {MEMORY_FACTOR}x that, "
                        "comparing peak RSS")
    parser.add_argument("--cli", action="store_true",
                        help="instead: whole processes as users run them, `stratsim run` (default "
                        "outputs on) against a Ciw script, and `stratsim --help`")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the results here")
    parser.add_argument("--worker", choices=list(WORKER_TOOLS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(TOOLS))
    if unknown:
        parser.error(f"unknown tool(s) {', '.join(unknown)}; choose among {', '.join(TOOLS)}")
    if args.customers < 1 or args.repeat < 1:
        parser.error("--customers and --repeat must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: worker mode (hidden ``--worker``), the peer comparison, or ``--memory``.

    The parent imports nothing heavy before its subprocesses have run: Linux keeps
    ``ru_maxrss`` across ``fork`` + ``execve``, so a child's reported peak can never be below
    the parent's peak at spawn time. The Erlang C reference (which imports stratsim, ~100 MB)
    is therefore computed only after the measurements, and the parent's own peak is printed as
    the floor under every RSS figure.
    """
    args = parse_arguments(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.customers, args.seed)))
        return 0

    print(f"M/M/{SERVERS}: lambda={ARRIVAL_RATE}/h, mu={SERVICE_RATE}/h, "
          f"horizon {horizon_for(args.customers):,} h (~{args.customers:,} customers), "
          f"seed {args.seed}, repeat {args.repeat}; Python {platform.python_version()}")
    if args.cli:
        return main_cli(args)
    if args.memory:
        measured = [measure("stratsim-fast-clock", factor * args.customers, args.seed, args.repeat)
                    for factor in (1, MEMORY_FACTOR)]
    else:
        measured = [measure(tool, args.customers, args.seed, args.repeat)
                    for tool in TOOLS if tool in args.only]
    parent_rss = peak_rss_mb()
    reference_wait, source = erlang_c_wait_min()
    if args.memory:
        reference_wait /= MEMORY_TIME_SCALE
        source += f", on --memory's clock {MEMORY_TIME_SCALE:g}x faster"
    print(f"Erlang C mean wait: {reference_wait:.2f} min ({source}); parent peak RSS at spawn "
          f"{parent_rss:.0f} MB (floor of every child's ru_maxrss)\n")

    failed = [r for r in measured if not r.ok]
    if args.memory and not failed:
        print(memory_table(*measured))
    elif not args.memory:
        print(comparison_table(measured, reference_wait))
        print(verdict_on_speed(measured))
    for result in failed:
        print(f"\n{result.tool} failed: {result.error}", file=sys.stderr)

    if args.json:
        report = {
            "mode": "memory" if args.memory else "comparison",
            "customers": args.customers, "seed": args.seed, "repeat": args.repeat,
            "erlang_c_wait_min": reference_wait, "parent_peak_rss_mb": parent_rss,
            "environment": environment(), "results": [r.as_json() for r in measured],
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nresults saved to {args.json}")
    return 1 if failed else 0


def main_cli(args: argparse.Namespace) -> int:
    """``--cli``: rounds of whole processes, then the table (and ``--json``)."""
    try:
        runs = measure_cli(args.customers, args.seed, args.repeat)
    except RuntimeError as error:
        print(f"\nfailed: {error}", file=sys.stderr)
        return 1
    reference_wait, source = erlang_c_wait_min()
    print(f"Erlang C mean wait: {reference_wait:.2f} min ({source})\n")
    print(cli_table(runs, reference_wait))
    if args.json:
        report = {"mode": "cli", "customers": args.customers, "seed": args.seed,
                  "repeat": args.repeat, "environment": environment(),
                  "runs": {tool: [asdict(r) if isinstance(r, ProcessRun) else r for r in rs]
                           for tool, rs in runs.items()}}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nresults saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
