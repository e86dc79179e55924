"""The engine of two source trees on the same scenario: CPU seconds of one replication, A/B.

Each run is a fresh interpreter that imports stratsim from the given ``src`` folder, compiles
the scenario and times ``run_replication`` alone (no time series, no files), in CPU seconds of
that process. Runs alternate between the two trees, in an order that swaps every round, so a
drift in the machine's speed falls on both alike; the medians and their ratio are printed.

Usage (from the repository root), e.g. this checkout against an earlier commit::

    git worktree add /tmp/before <commit>
    .venv/bin/python benchmarks/bench_engine_ab.py /tmp/before/src src --repeat 5

Without ``--scenario`` the scenario is the M/M/3 queue of ``bench_mm3.py`` at 500,000 customers
(no dependencies, no lifecycle, no strategy: what every scenario pays for).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MM3 = """\
stratsim: 1
name: bench-mm3
horizon: 208333.333h
services:
  - {id: desk, staff: 3, service_time: {dist: exponential, mean: 1.0h}}
segments:
  - {id: all, rate: 2.4, mix: {desk: 1}}
"""

CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from stratsim.engine.compile import compile_scenario
from stratsim.engine.replication import run_replication
from stratsim.scenario import load_scenario
model = compile_scenario(load_scenario(sys.argv[2]))
began = time.process_time()
run_replication(model, 12345, 0, None)
print(time.process_time() - began)
"""


def cpu_seconds(source: Path, scenario: Path) -> float:
    """One replication's CPU seconds with stratsim imported from ``source``."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(source), str(scenario)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("a", type=Path, help="the first source tree's src folder")
    parser.add_argument("b", type=Path, help="the second source tree's src folder")
    parser.add_argument("--scenario", type=Path, help="a scenario file (default: the M/M/3 queue)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scenario = args.scenario
        if scenario is None:
            scenario = Path(folder) / "mm3.yaml"
            scenario.write_text(MM3, encoding="utf-8")
        seconds: dict[str, list[float]] = {"a": [], "b": []}
        for index in range(args.repeat):
            for name in ("a", "b") if index % 2 == 0 else ("b", "a"):
                seconds[name].append(cpu_seconds(getattr(args, name), scenario))
            print(f"round {index + 1}: a {seconds['a'][-1]:.2f} s, b {seconds['b'][-1]:.2f} s", flush=True)
    a, b = statistics.median(seconds["a"]), statistics.median(seconds["b"])
    print(f"median CPU seconds of one replication: a ({args.a}) {a:.2f}, b ({args.b}) {b:.2f}; "
          f"b / a = {b / a:.3f}")


if __name__ == "__main__":
    main()
