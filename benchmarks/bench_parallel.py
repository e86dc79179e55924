"""Parallel speed-up and backends: a compare-sized batch on 1 job, a 2-worker pool and Dask.

The work is what ``stratsim compare`` of four scenarios × 20 replications hands to an
evaluator: the helpdesk baseline (``scenarios/helpdesk-baseline.yaml``) and three variants
of it (staff, price and patience changed, so the four models differ), run through the
library in one batch of 80 tasks (``runner.execution.execute``, the code path ``run`` and
``compare`` share), each replication writing its time series, waits and strategy-log parts
into its scenario's folder as ``compare`` has it do (a comparison always writes them: the
report and each scenario's run files are made from them). ``--work bare`` runs the same
replications without writing anything, the engine's part alone. ``--scale K`` multiplies
every scenario's measured window by K (K times the work per replication) to show how the
ratios move with task length.

Configurations, each **in its own fresh Python subprocess** (start-up of one cannot warm
another), timed with ``time.perf_counter`` from just before the evaluator is made to just
after it has shut down — worker or cluster start and shutdown included; interpreter start-up
and imports excluded, as in ``bench_mm3.py`` (stratsim's, scipy.stats' — which the statistics
import on first use — and distributed's, whose import time is reported on its own):

``jobs1``   the serial evaluator (``--jobs 1``): everything in the calling process;
``pool2``   the process pool with 2 workers (``--jobs 2``);
``dask2``   ``--backend dask --jobs 2``: a ``distributed.LocalCluster`` of 2 worker processes;
``overhead`` the pool with 2 workers running 80 tasks that carry the same compiled models and
           return a stored KPI record without simulating: what a task costs besides its work;
``dask2-fork`` for information: ``dask2`` with its workers forked straight from this
           (multi-threaded) process instead of from a forkserver — faster to start, but forking
           a process that runs threads can deadlock, so stratsim does not do it;
``twin1``  two ``jobs1`` processes at once, nothing shared: the machine's own two-way
           parallelism, the ceiling any 2-worker pool is measured against (on a shared or
           hyper-threaded machine two busy cores do not each run as fast as one alone).

``--whole`` times instead the whole command as users run it, in a fresh process each time:
``stratsim compare`` of the baseline and three of its example variants
(``scenarios/helpdesk-{baseline,peak-staff,premium-tier,price-cut}.yaml``), 20 replications,
``--no-report``, with ``--jobs 1``, ``--jobs 2`` and ``--backend dask --jobs 2``: interpreter
start, imports, capacity checks, time series and result files included; ``--whole --report``
lets it draw its report too, as the command does by default.

Both targets are judged on the rounds' paired ratios with a 95 % interval (:func:`paired_ratio`,
:func:`verdict`); ``--combine`` judges several runs saved with ``--json`` together, each run a
block (:func:`blocked_ratio`).

Rounds are interleaved (jobs1, pool2, dask2, overhead, then again) and each configuration's
median over ``--repeat`` rounds is reported, with the machine's load average before and after:
on a shared machine only ratios measured within one run mean anything, and two workers cannot
run twice as fast while other processes hold a core. The CPU time of ``jobs1`` and ``pool2``
(this process plus its joined workers) does not depend on that contention: what the pool
spends beyond the serial run is its whole overhead, start-up and pickling included. Every configuration's
records are checked equal to the serial ones (same numbers on every backend).

Usage (from the repository root, with ``pip install -e ".[dask]"``)::

    .venv/bin/python benchmarks/bench_parallel.py --repeat 5
    .venv/bin/python benchmarks/bench_parallel.py --repeat 5 --scale 12
    .venv/bin/python benchmarks/bench_parallel.py --repeat 5 --work bare
    .venv/bin/python benchmarks/bench_parallel.py --repeat 5 --whole
    .venv/bin/python benchmarks/bench_parallel.py --repeat 5 --whole --report
    .venv/bin/python benchmarks/bench_parallel.py --combine a.json b.json   # runs saved with --json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "helpdesk-baseline.yaml"
SCENARIOS = 4
REPLICATIONS = 20
CONFIGS = ("jobs1", "pool2", "dask2", "overhead", "dask2-fork", "twin1")
TARGET_EFFICIENCY = 0.90
TARGET_DASK_RATIO = 1.15


def scenarios(scale: float) -> list[Any]:
    """The baseline and three variants, each with its window scaled by ``scale``."""
    from stratsim.scenario import load_scenario

    base = load_scenario(BASELINE)
    window = (base.horizon - base.warmup) * scale
    base = base.model_copy(update={"horizon": base.warmup + window})
    staff = base.model_copy(update={"name": "more-staff", "services": [
        base.services[0].model_copy(update={"staff": 2}), base.services[1]]})
    price = base.model_copy(update={"name": "higher-price", "services": [
        base.services[0].model_copy(update={"price": 45.0}), base.services[1]]})
    patient = base.model_copy(update={"name": "fewer-lines", "services": [
        base.services[0].model_copy(update={"queue_capacity": 30}), base.services[1]]})
    return [base, staff, price, patient]


def cpu_seconds() -> float:
    """User + system CPU of this process and of its children that have ended (pool workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _stored_record(task: Any) -> Any:
    return _RECORD


_RECORD: Any = None


def worker(config: str, scale: float, work: str) -> dict[str, Any]:
    """Run one configuration here and return its timings and a digest of its records."""
    with tempfile.TemporaryDirectory(prefix="bench-parallel-") as folder:
        return run_config(config, scale, None if work == "bare" else Path(folder))


def run_config(config: str, scale: float, parts: Path | None) -> dict[str, Any]:
    """One configuration; with ``parts``, each scenario's replications write their time
    series parts into a folder of it, as ``compare`` has them write into its staging folder."""
    global _RECORD
    from stratsim.engine.compile import compile_scenario
    from stratsim.engine.replication import run_replication
    from stratsim.runner.backends import make_evaluator
    from stratsim.runner.batches import ModelRun, batch_tasks
    from stratsim.runner.execution import ExecutionOptions, execute

    import scipy.stats  # noqa: F401  (imported by the statistics on first use: an import, not work)

    chosen = scenarios(scale)
    options = ExecutionOptions(replications=REPLICATIONS)
    folders = None if parts is None else [parts / s.name for s in chosen]
    for made in folders or ():
        made.mkdir()
    import_s = 0.0
    if config.startswith("dask2"):
        before = time.perf_counter()
        import distributed  # noqa: F401
        import_s = time.perf_counter() - before
    if config == "overhead":
        models = [compile_scenario(s) for s in chosen]
        _RECORD = run_replication(models[0], 42, 0)
        tasks = batch_tasks([ModelRun(m) for m in models], 42, 0, REPLICATIONS)
        start = time.perf_counter()
        with make_evaluator(2, "pool") as evaluator:
            opened = time.perf_counter()
            evaluator.map(_stored_record, tasks)
            ran = time.perf_counter()
        end = time.perf_counter()
        return {"config": config, "seconds": end - start, "start_s": opened - start, "run_s": ran - opened,
                "close_s": end - ran, "tasks": len(tasks), "digest": None}
    jobs, backend = {"jobs1": (1, "pool"), "pool2": (2, "pool"), "dask2": (2, "dask"),
                     "dask2-fork": (2, "dask")}[config]
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    evaluator = make_evaluator(jobs, backend)
    if config == "dask2-fork":
        evaluator.start_method = "fork"
    with evaluator:
        opened = time.perf_counter()
        execution = execute(chosen, options, evaluator, folders)
        ran = time.perf_counter()
    end = time.perf_counter()
    records = [r.records for r in execution.results]
    digest = hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()
    customers = sum(rec["kpis"]["arrivals"] for result in records for rec in result)
    return {"config": config, "seconds": end - start, "start_s": opened - start, "run_s": ran - opened,
            "close_s": end - ran, "tasks": SCENARIOS * REPLICATIONS, "customers": customers, "digest": digest,
            "import_s": import_s, "cpu_s": cpu_seconds() - cpu_before}


def paired_ratio(numerators: list[float], denominators: list[float]) -> tuple[float, float, float]:
    """The geometric mean of per-round ratios with its 95 % t-interval (``nan`` bounds for a
    single round).

    Both configurations of a round ran one after the other under the same load, so their
    ratio cancels most of what the machine's load does to either; the spread of the rounds'
    ratios says how far the estimate can be trusted."""
    if not numerators:
        raise ValueError("no rounds to compare")
    return log_interval([math.log(n / d) for n, d in zip(numerators, denominators)])


def blocked_ratio(runs: list[tuple[list[float], list[float]]]) -> tuple[float, float, float]:
    """Several runs' rounds together, each run a block: the t-interval over the runs' own
    geometric means (``runs − 1`` degrees of freedom). Rounds of one run share that hour's
    load; rounds of different runs do not, so pooling all rounds as if independent would
    understate the spread between runs."""
    return log_interval([math.log(paired_ratio(n, d)[0]) for n, d in runs])


def log_interval(logs: list[float]) -> tuple[float, float, float]:
    """``exp`` of the mean of ``logs`` and of its 95 % t-interval's bounds."""
    from scipy import stats

    mean = statistics.fmean(logs)
    if len(logs) < 2:
        return math.exp(mean), math.nan, math.nan
    half = stats.t.ppf(0.975, len(logs) - 1) * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


def interval_text(low: float, high: float, form: str) -> str:
    """``95 % interval low–high``, each bound in ``form`` (``"{:.2f}"``), or ``no interval``
    when there is none (a single round, or a single run)."""
    if math.isnan(low) or math.isnan(high):
        return "no interval"
    return f"95 % interval {form.format(low)}–{form.format(high)}"


def verdict(estimate: float, low: float, high: float, target: float, *, at_most: bool) -> str:
    """PASS or FAIL when the interval is on one side of the target; else the estimate's side,
    saying the interval includes the target (more rounds or a quieter machine would tell), or
    that there is no interval (a single round or run)."""
    met = "PASS" if (estimate <= target if at_most else estimate >= target) else "FAIL"
    if math.isnan(low) or math.isnan(high):
        return f"{met} on the estimate; no interval from a single round"
    if (high <= target) if at_most else (low >= target):
        return "PASS"
    if (low > target) if at_most else (high < target):
        return "FAIL"
    return f"{met} on the estimate; the interval includes the target"


def run_one(config: str, scale: float, work: str) -> dict[str, Any]:
    if config == "twin1":
        return run_twins(scale, work)
    command = [sys.executable, __file__, "--worker", config, "--scale", str(scale), "--work", work]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{config} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_twins(scale: float, work: str) -> dict[str, Any]:
    """Two independent ``jobs1`` processes at once: the machine's own two-way parallelism.

    No pool, no pickling, nothing shared: if each takes longer than one ``jobs1`` run alone,
    the two cores (or whatever the hypervisor gives as two) do not deliver twice the work of
    one, and no pool can beat that ceiling. ``seconds`` is the slower twin's."""
    command = [sys.executable, __file__, "--worker", "jobs1", "--scale", str(scale), "--work", work]
    twins = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
             for _ in range(2)]
    results = []
    for twin in twins:
        stdout, stderr = twin.communicate()
        if twin.returncode != 0:
            raise SystemExit(f"twin1 failed:\n{stderr[-2000:]}")
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    slower = max(results, key=lambda r: r["seconds"])
    return {**slower, "config": "twin1", "cpu_s": sum(r["cpu_s"] for r in results) / 2}


WHOLE_FILES = [ROOT / "scenarios" / f"helpdesk-{name}.yaml" for name in ("baseline", "peak-staff", "premium-tier",
                                                                           "price-cut")]
WHOLE = {"jobs1": ["--jobs", "1"], "pool2": ["--jobs", "2"], "dask2": ["--jobs", "2", "--backend", "dask"]}


def run_whole(config: str, folder: Path, report: bool = False) -> dict[str, Any]:
    """One ``stratsim compare`` as a user runs it (``--no-report`` unless ``report``); its wall
    time and its numbers' digest."""
    stratsim = Path(sys.executable).with_name("stratsim")
    command = [str(stratsim), "compare", *map(str, WHOLE_FILES), "--replications", str(REPLICATIONS),
               *([] if report else ["--no-report"]), "--force", "--out", str(folder / config), *WHOLE[config]]
    before = cpu_seconds()
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{config} failed:\n{done.stderr[-2000:]}")
    document = json.loads((folder / config / "comparison.json").read_text())
    digest = hashlib.sha256(json.dumps(document["scenarios"], sort_keys=True).encode()).hexdigest()
    return {"config": config, "seconds": seconds, "cpu_s": cpu_seconds() - before, "digest": digest}


def main_whole(repeat: int, json_path: Path | None = None, report: bool = False) -> None:
    load_before = os.getloadavg()
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in WHOLE}
    with tempfile.TemporaryDirectory(prefix="bench-parallel-") as folder:
        for round_ in range(repeat):
            for config in WHOLE:
                result = run_whole(config, Path(folder), report)
                runs[config].append(result)
                print(f"round {round_ + 1}: {config} {result['seconds']:.2f} s", file=sys.stderr)
    load_after = os.getloadavg()
    median = {c: statistics.median(r["seconds"] for r in runs[c]) for c in WHOLE}
    cpu = {c: statistics.median(r["cpu_s"] for r in runs[c]) for c in WHOLE}
    print(f"whole command: stratsim compare of {len(WHOLE_FILES)} scenarios × {REPLICATIONS} replications, "
          f"{'report drawn' if report else '--no-report'}; median of {repeat} interleaved rounds; "
          f"load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after; CPUs {os.cpu_count()}")
    print()
    print("| command | seconds (median) | CPU seconds |")
    print("|---|---:|---:|")
    for config, flags in WHOLE.items():
        print(f"| `{' '.join(flags)}` | {median[config]:.2f} | {cpu[config]:.2f} |")
    print()
    print("(CPU seconds: the command and the processes it waited for; Dask's workers are not counted: "
          "they end as children of a server process the command does not wait for)")
    speedup = median["jobs1"] / median["pool2"]
    print(f"ratios of the medians: speed-up of --jobs 2 {speedup:.2f}× = {speedup / 2:.0%} of ideal; "
          f"Dask / pool {median['dask2'] / median['pool2']:.2f}")
    for line in judge([{c: [r["seconds"] for r in runs[c]] for c in WHOLE}]):
        print(line)
    print(f"same comparison.json numbers on every backend: "
          f"{'yes' if len({r['digest'] for c in WHOLE for r in runs[c]}) == 1 else 'NO'}")
    if json_path is not None:
        save_runs(json_path, "whole", "compare and report" if report else "compare", 1.0, runs,
                  [load_before, load_after])


def save_runs(path: Path, kind: str, work: str, scale: float, runs: dict[str, list[dict[str, Any]]],
              load: list[Any]) -> None:
    """A run's rounds for ``--combine``, with what was measured (``kind``, ``--work``, ``--scale``)."""
    path.write_text(json.dumps({"kind": kind, "work": work, "scale": scale, "runs": runs, "load": load}, indent=2))


Estimate = tuple[float, float, float]
"""An estimate with its 95 % interval's bounds (``nan`` when there is none)."""


def target_estimates(seconds: list[dict[str, list[float]]]) -> tuple[Estimate, Estimate]:
    """The two targets' measures, ``--jobs 2``'s share of ideal speed-up and Dask ÷ pool, on
    one run's rounds (paired by round) or on several runs (each a block, see :func:`blocked_ratio`)."""
    def ratio(numerator: str, denominator: str) -> Estimate:
        if len(seconds) == 1:
            return paired_ratio(seconds[0][numerator], seconds[0][denominator])
        return blocked_ratio([(run[numerator], run[denominator]) for run in seconds])

    speedup = ratio("jobs1", "pool2")
    return (speedup[0] / 2, speedup[1] / 2, speedup[2] / 2), ratio("dask2", "pool2")


def judge(seconds: list[dict[str, list[float]]]) -> list[str]:
    """The two targets' lines on one run's rounds, or on several runs (:func:`target_estimates`)."""
    how = "paired by round" if len(seconds) == 1 else f"over {len(seconds)} runs"
    efficiency, dask = target_estimates(seconds)
    return [f"speed-up of 2 workers over --jobs 1, {how}: {efficiency[0]:.0%} of ideal "
            f"({interval_text(*efficiency[1:], '{:.0%}')}) (target ≥ {TARGET_EFFICIENCY:.0%}): "
            f"{verdict(*efficiency, TARGET_EFFICIENCY, at_most=False)}",
            f"Dask LocalCluster / process pool, cluster start included, {how}: {dask[0]:.2f} "
            f"({interval_text(*dask[1:], '{:.2f}')}) (target ≤ {TARGET_DASK_RATIO:.2f}): "
            f"{verdict(*dask, TARGET_DASK_RATIO, at_most=True)}"]


def main_combine(files: list[Path]) -> None:
    """Judge the targets on several ``--json`` files' runs together, each run a block; files
    of different kinds of measurement (``--whole`` or not, ``--work``, ``--scale``) are refused."""
    documents = [json.loads(file.read_text()) for file in files]
    kinds = {(d.get("kind"), d.get("work"), d.get("scale")) for d in documents}
    if len(kinds) != 1 or None in next(iter(kinds)):
        raise SystemExit(f"--combine needs files of one kind of measurement (kind, --work, --scale); "
                         f"got {sorted(map(str, kinds))}")
    seconds = [{c: [r["seconds"] for r in d["runs"][c]] for c in ("jobs1", "pool2", "dask2")} for d in documents]
    kind, work, scale = next(iter(kinds))
    print(f"{len(files)} runs ({sum(len(s['pool2']) for s in seconds)} rounds) of the {kind} measurement, "
          f"work {work}, scale {scale:g}")
    for file, run in zip(files, seconds):
        efficiency, dask = target_estimates([run])
        print(f"  {file.name}: {efficiency[0]:.0%} of ideal ({interval_text(*efficiency[1:], '{:.0%}')}), "
              f"Dask / pool {dask[0]:.2f} ({interval_text(*dask[1:], '{:.2f}')}), paired by round")
    for line in judge(seconds):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--worker", choices=CONFIGS)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--whole", action="store_true", help="time the whole stratsim compare command")
    parser.add_argument("--report", action="store_true",
                        help="with --whole: the command draws its report, as by default (else --no-report)")
    parser.add_argument("--work", choices=("compare", "bare"), default="compare",
                        help="compare: replications write their time series parts, as in a comparison "
                             "(default); bare: they write nothing")
    parser.add_argument("--combine", type=Path, nargs="+", metavar="JSON",
                        help="judge the targets on the runs of earlier --json files together")
    args = parser.parse_args()
    if args.report and not args.whole:
        parser.error("--report goes with --whole (the batch measurement draws no report)")
    if args.combine:
        main_combine(args.combine)
        return
    if args.worker:
        print(json.dumps(worker(args.worker, args.scale, args.work)))
        return
    if args.whole:
        main_whole(args.repeat, args.json, args.report)
        return
    load_before = os.getloadavg()
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in CONFIGS}
    for round_ in range(args.repeat):
        for config in CONFIGS:
            result = run_one(config, args.scale, args.work)
            runs[config].append(result)
            print(f"round {round_ + 1}: {config} {result['seconds']:.2f} s", file=sys.stderr)
    load_after = os.getloadavg()
    digests = {r["digest"] for c in ("jobs1", "pool2", "dask2", "dask2-fork", "twin1") for r in runs[c]}
    median = {c: statistics.median(r["seconds"] for r in runs[c]) for c in CONFIGS}
    part = {c: {k: statistics.median(r[k] for r in runs[c]) for k in ("start_s", "run_s", "close_s")}
            for c in CONFIGS}
    speedup = median["jobs1"] / median["pool2"]
    efficiency = speedup / 2
    dask_ratio = median["dask2"] / median["pool2"]
    overhead_ms = part["overhead"]["run_s"] / runs["overhead"][0]["tasks"] * 2 * 1000
    task_ms = part["jobs1"]["run_s"] / (SCENARIOS * REPLICATIONS) * 1000
    writing = "time series parts written, as compare does" if args.work == "compare" else "nothing written"
    print(f"work: {SCENARIOS} scenarios × {REPLICATIONS} replications of the helpdesk baseline "
          f"(window × {args.scale:g}), {runs['jobs1'][0]['customers']:,} customers, {writing}; "
          f"median of {args.repeat} interleaved rounds; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after; CPUs {os.cpu_count()}")
    print()
    print("| configuration | seconds (median) | start | run | shut down |")
    print("|---|---:|---:|---:|---:|")
    names = {"jobs1": "`--jobs 1` (serial)", "pool2": "`--jobs 2` (process pool)",
             "dask2": "`--backend dask --jobs 2` (LocalCluster)", "overhead": "pool, 80 empty tasks",
             "dask2-fork": "Dask, workers forked (not used)",
             "twin1": "two `--jobs 1` processes at once (slower one)"}
    for config in CONFIGS:
        p = part[config]
        print(f"| {names[config]} | {median[config]:.2f} | {p['start_s']:.2f} | {p['run_s']:.2f} | {p['close_s']:.2f} |")
    print()
    print(f"one replication: {task_ms:.1f} ms of work; per-task overhead on the pool: {overhead_ms:.2f} ms "
          f"({overhead_ms / task_ms:.1%} of a replication)")
    print(f"ratios of the medians: speed-up of 2 workers over --jobs 1 {speedup:.2f}× = {efficiency:.0%} of "
          f"ideal; Dask LocalCluster / process pool {dask_ratio:.2f}")
    for line in judge([{c: [r["seconds"] for r in runs[c]] for c in CONFIGS}]):
        print(line)
    cpu = {c: statistics.median(r["cpu_s"] for r in runs[c]) for c in ("jobs1", "pool2", "twin1")}
    print(f"CPU seconds (this process and its ended workers): --jobs 1 {cpu['jobs1']:.2f}, "
          f"--jobs 2 {cpu['pool2']:.2f}, each of two --jobs 1 at once {cpu['twin1']:.2f}: the pool spends "
          f"{cpu['pool2'] / cpu['jobs1'] - 1:+.1%} CPU on the same work, two independent processes "
          f"{cpu['twin1'] / cpu['jobs1'] - 1:+.1%} each (cores slowing each other down, not the pool)")
    ceiling = median["jobs1"] / median["twin1"]
    print(f"the machine's own two-way parallelism: two independent --jobs 1 processes at once each take "
          f"{median['twin1']:.2f} s against {median['jobs1']:.2f} s alone, so two cores deliver "
          f"{ceiling:.0%} of twice one core's work now (the ceiling for any 2-worker pool); "
          f"the pool reaches {efficiency / ceiling:.0%} of that ceiling")
    print(f"for information, Dask with forked workers / process pool: {median['dask2-fork'] / median['pool2']:.2f}")
    print(f"same numbers on every backend: {'yes' if len(digests) == 1 else 'NO'}; "
          f"import distributed (not in the times above): "
          f"{statistics.median(r['import_s'] for r in runs['dask2']):.2f} s")
    if args.json:
        save_runs(args.json, "batch", args.work, args.scale, runs, [load_before, load_after])


if __name__ == "__main__":
    main()
