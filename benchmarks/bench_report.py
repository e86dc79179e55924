"""Drawing a report's charts in one process against several: wall seconds, same files.

Redraws the report of an existing results folder (a run's, a comparison's or a sweep's) with
``write_report(folder, workers=1)`` and with ``workers=N``, in interleaved rounds, and prints the
median of each and their ratio; it also checks that both give the same chart files, byte for
byte. The folder's charts and ``report.html`` are rewritten (with the same content).

Usage (from the repository root)::

    .venv/bin/stratsim compare scenarios/helpdesk-baseline.yaml scenarios/helpdesk-surge.yaml --out /tmp/cmp
    .venv/bin/python benchmarks/bench_report.py /tmp/cmp --repeat 3
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from pathlib import Path

from stratsim.report import write_report
from stratsim.report.charts import chart_workers


def chart_digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in the folder's ``charts/``."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((folder / "charts").iterdir())}


def timed_report(folder: Path, workers: int) -> tuple[float, dict[str, str]]:
    began = time.perf_counter()
    write_report(folder, workers=workers)
    return time.perf_counter() - began, chart_digests(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", type=Path, help="a results folder (run, compare or sweep)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--workers", type=int, default=max(2, chart_workers()),
                        help="processes of the parallel configuration (default: the CLI's, at least 2)")
    args = parser.parse_args()
    write_report(args.folder)   # untimed: imports, font cache, disk
    seconds: dict[int, list[float]] = {1: [], args.workers: []}
    digests: dict[int, dict[str, str]] = {}
    for round_index in range(args.repeat):
        for workers in (1, args.workers) if round_index % 2 == 0 else (args.workers, 1):
            elapsed, digests[workers] = timed_report(args.folder, workers)
            seconds[workers].append(elapsed)
            print(f"round {round_index + 1}: {workers} process(es) {elapsed:.2f} s", flush=True)
    serial, parallel = statistics.median(seconds[1]), statistics.median(seconds[args.workers])
    print(f"{args.folder}: {len(digests[1])} chart files; median of {args.repeat} rounds: "
          f"1 process {serial:.2f} s, {args.workers} processes {parallel:.2f} s, "
          f"speed-up {serial / parallel:.2f}×; same files: {'yes' if digests[1] == digests[args.workers] else 'NO'}")


if __name__ == "__main__":
    main()
