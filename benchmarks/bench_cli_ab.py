"""A whole ``stratsim`` command from two source trees, A/B: wall seconds, paired by round.

What a user waits for, start to exit: each run is a fresh interpreter that imports stratsim
from the given ``src`` folder and runs the command (its default outputs on, into a temporary
folder). Runs alternate between the two trees, in an order that swaps every round, so a drift
in the machine's speed falls on both alike; one untimed round first fills the bytecode caches.
Printed: each tree's median, the median of the paired differences (B − A, one per round) with
a distribution-free 95 % interval (sign-test order statistics: no assumption on the noise,
which on a shared machine is anything but normal), and the ratio of the medians.

Usage (from the repository root), e.g. this checkout against an earlier commit::

    git worktree add /tmp/before <commit>
    .venv/bin/python benchmarks/bench_cli_ab.py /tmp/before/src src --repeat 12 -- \\
        run scenarios/helpdesk-baseline.yaml
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_mm3 import user_environment   # bytecode caches on, as on a user's machine

#: What the ``stratsim`` console script calls (``entry``; ``main`` in trees older than it).
CHILD = ("import sys; sys.path.insert(0, sys.argv.pop(1)); import stratsim.cli as cli; "
         "getattr(cli, 'entry', cli.main)()")


def wall_seconds(source: Path, command: list[str], out: Path) -> float:
    """One whole command with stratsim imported from ``source``, to its exit."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(source), *command, "--out", str(out), "--force"],
                          capture_output=True, text=True, env=user_environment())
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{source}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return seconds


def median_interval(differences: list[float], confidence: float = 0.95) -> tuple[float, float] | None:
    """A distribution-free interval for the median of ``differences``: the order statistics
    k and n − k + 1 of the sign test (None when there are too few rounds for ``confidence``)."""
    from scipy.stats import binom

    n = len(differences)
    k = 0   # the largest k with P(Bin(n, ½) ≤ k − 1) ≤ (1 − confidence) / 2
    while k < n and binom.cdf(k, n, 0.5) <= (1 - confidence) / 2:
        k += 1
    if k < 1:
        return None
    ordered = sorted(differences)
    return ordered[k - 1], ordered[n - k]   # the k-th smallest and the k-th largest


def _split(arguments: list[str]) -> tuple[list[str], list[str], list[str]]:
    """This script's arguments, the ``--`` (if given) and the command's arguments."""
    if "--" not in arguments:
        return arguments, [], []
    at = arguments.index("--")
    return arguments[:at], ["--"], arguments[at + 1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("a", type=Path, help="the first source tree's src folder")
    parser.add_argument("b", type=Path, help="the second source tree's src folder")
    parser.add_argument("--repeat", type=int, default=12, help="timed rounds (each runs A and B once)")
    parser.usage = "%(prog)s A B [--repeat N] -- COMMAND [ARGUMENTS]"
    ours, separator, command = [list(part) for part in _split(sys.argv[1:])]
    args = parser.parse_args(ours)
    if not separator or not command:
        parser.error("give the command after --, e.g. -- run scenarios/helpdesk-baseline.yaml")
    trees = {"A": args.a.resolve(), "B": args.b.resolve()}
    times: dict[str, list[float]] = {"A": [], "B": []}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-cli-ab-") as folder:
        for name, source in trees.items():
            wall_seconds(source, command, Path(folder) / name)   # untimed: bytecode caches
        for round_ in range(args.repeat):
            for name in ("A", "B") if round_ % 2 == 0 else ("B", "A"):
                times[name].append(wall_seconds(trees[name], command, Path(folder) / name))
            print(f"round {round_ + 1}: A {times['A'][-1]:.2f} s, B {times['B'][-1]:.2f} s", file=sys.stderr)
    differences = [b - a for a, b in zip(times["A"], times["B"])]
    interval = median_interval(differences)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"stratsim {' '.join(command)}: whole process, {args.repeat} alternating rounds; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; CPUs {os.cpu_count()}")
    for name, source in trees.items():
        print(f"  {name} {source}: median {median[name]:.2f} s (min {min(times[name]):.2f}, "
              f"max {max(times[name]):.2f})")
    shown = (f"[{interval[0]:+.2f}, {interval[1]:+.2f}] s" if interval is not None
             else "(too few rounds for a 95 % interval)")
    print(f"  B − A, paired by round: median {statistics.median(differences):+.2f} s, 95 % interval {shown}; "
          f"B / A medians {median['B'] / median['A']:.3f}")


if __name__ == "__main__":
    main()
