"""The statistics that judge ``benchmarks/bench_parallel.py``'s targets, on hand-checked cases."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_parallel import blocked_ratio, main_combine, paired_ratio, verdict  # noqa: E402


def test_paired_ratio_is_the_geometric_mean_of_the_rounds_ratios_with_a_t_interval():
    # ratios 1.1 and 1.21: logs 0.09531 and 0.19062, mean 0.142966 -> 1.1 * 1.1 ** 0.5
    estimate, low, high = paired_ratio([1.1, 2.42], [1.0, 2.0])
    assert estimate == pytest.approx(1.1 ** 1.5)
    half = 12.7062 * math.log(1.1) / math.sqrt(2) / math.sqrt(2)   # t(0.975, 1) × sd / √n
    assert (low, high) == pytest.approx((math.exp(1.5 * math.log(1.1) - half),
                                         math.exp(1.5 * math.log(1.1) + half)), rel=1e-4)


def test_a_round_that_ran_slower_throughout_does_not_move_the_paired_ratio():
    assert paired_ratio([1.2, 2.4, 3.6], [1.0, 2.0, 3.0]) == pytest.approx((1.2, 1.2, 1.2))


def test_one_round_has_no_interval_and_none_is_an_error():
    estimate, low, high = paired_ratio([1.2], [1.0])
    assert estimate == pytest.approx(1.2) and math.isnan(low) and math.isnan(high)
    assert verdict(estimate, low, high, 1.15, at_most=True) == "FAIL on the estimate; no interval from a single round"
    with pytest.raises(ValueError, match="no rounds"):
        paired_ratio([], [])


def test_runs_are_blocks_the_interval_comes_from_the_spread_of_their_own_estimates():
    # run ratios 1.1 (both rounds) and 1.21: the rounds inside each run agree exactly, so only
    # the two runs' estimates spread: the same interval as two rounds of 1.1 and 1.21
    runs = [([1.1, 2.2], [1.0, 2.0]), ([1.21], [1.0])]
    assert blocked_ratio(runs) == pytest.approx(paired_ratio([1.1, 1.21], [1.0, 1.0]))


@pytest.mark.parametrize(("target", "at_most", "estimate", "low", "high", "expected"), [
    (1.15, True, 1.10, 1.05, 1.14, "PASS"),
    (1.15, True, 1.10, 1.05, 1.15, "PASS"),   # the target itself is met
    (1.15, True, 1.30, 1.20, 1.40, "FAIL"),
    (1.15, True, 1.20, 1.15, 1.25, "FAIL on the estimate; the interval includes the target"),
    (1.15, True, 1.10, 1.02, 1.20, "PASS on the estimate; the interval includes the target"),
    (1.15, True, 1.18, 1.10, 1.26, "FAIL on the estimate; the interval includes the target"),
    (0.90, False, 0.95, 0.92, 0.98, "PASS"),
    (0.90, False, 0.95, 0.90, 0.98, "PASS"),   # the target itself is met
    (0.90, False, 0.80, 0.75, 0.85, "FAIL"),
    (0.90, False, 0.91, 0.85, 0.97, "PASS on the estimate; the interval includes the target"),
    (0.90, False, 0.88, 0.84, 0.92, "FAIL on the estimate; the interval includes the target"),
])
def test_verdict_against_an_upper_or_a_lower_target(target, at_most, estimate, low, high, expected):
    assert verdict(estimate, low, high, target, at_most=at_most) == expected


def _saved_run(path: Path, jobs1: list[float], pool2: list[float], dask2: list[float], work: str = "compare") -> Path:
    rows = {"jobs1": jobs1, "pool2": pool2, "dask2": dask2}
    path.write_text(json.dumps({"kind": "batch", "work": work, "scale": 1.0,
                                "runs": {c: [{"seconds": s} for s in v] for c, v in rows.items()}}))
    return path


def test_combine_judges_the_targets_over_the_runs(tmp_path, capsys):
    # every round of both runs: speed-up exactly 2 (100 % of ideal), Dask exactly 1.10
    files = [_saved_run(tmp_path / "a.json", [2.0, 2.2], [1.0, 1.1], [1.1, 1.21]),
             _saved_run(tmp_path / "b.json", [3.0], [1.5], [1.65])]
    main_combine(files)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "2 runs (3 rounds) of the batch measurement, work compare, scale 1"
    assert printed[1] == ("  a.json: 100% of ideal (95 % interval 100%–100%), "
                          "Dask / pool 1.10 (95 % interval 1.10–1.10), paired by round")
    assert printed[2] == "  b.json: 100% of ideal (no interval), Dask / pool 1.10 (no interval), paired by round"
    assert printed[-2].endswith("over 2 runs: 100% of ideal (95 % interval 100%–100%) (target ≥ 90%): PASS")
    assert printed[-1].endswith("over 2 runs: 1.10 (95 % interval 1.10–1.10) (target ≤ 1.15): PASS")


def test_combine_refuses_runs_of_different_work(tmp_path):
    files = [_saved_run(tmp_path / "a.json", [2.0], [1.0], [1.1]),
             _saved_run(tmp_path / "b.json", [2.0], [1.0], [1.1], work="bare")]
    with pytest.raises(SystemExit, match="one kind of measurement"):
        main_combine(files)
