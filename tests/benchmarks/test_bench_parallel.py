"""The statistics that judge ``benchmarks/bench_parallel.py``'s targets, on hand-checked cases."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_parallel import main_combine, paired_ratio, verdict  # noqa: E402


def test_paired_ratio_is_the_geometric_mean_of_the_rounds_ratios_with_a_t_interval():
    # ratios 1.1 and 1.21: logs 0.09531 and 0.19062, mean 0.142966 -> 1.1 * 1.1 ** 0.5
    estimate, low, high = paired_ratio([1.1, 2.42], [1.0, 2.0])
    assert estimate == pytest.approx(1.1 ** 1.5)
    half = 12.7062 * math.log(1.1) / math.sqrt(2) / math.sqrt(2)   # t(0.975, 1) × sd / √n
    assert (low, high) == pytest.approx((math.exp(1.5 * math.log(1.1) - half),
                                         math.exp(1.5 * math.log(1.1) + half)), rel=1e-4)


def test_a_round_that_ran_slower_throughout_does_not_move_the_paired_ratio():
    assert paired_ratio([1.2, 2.4, 3.6], [1.0, 2.0, 3.0]) == pytest.approx((1.2, 1.2, 1.2))


@pytest.mark.parametrize(("estimate", "low", "high", "expected"), [
    (1.10, 1.05, 1.14, "PASS"),
    (1.30, 1.20, 1.40, "FAIL"),
    (1.10, 1.02, 1.20, "PASS on the estimate; the interval includes the target"),
    (1.18, 1.10, 1.26, "FAIL on the estimate; the interval includes the target"),
])
def test_verdict_for_an_upper_target(estimate, low, high, expected):
    assert verdict(estimate, low, high, 1.15, at_most=True) == expected


@pytest.mark.parametrize(("estimate", "low", "high", "expected"), [
    (0.95, 0.92, 0.98, "PASS"),
    (0.80, 0.75, 0.85, "FAIL"),
    (0.91, 0.85, 0.97, "PASS on the estimate; the interval includes the target"),
])
def test_verdict_for_a_lower_target(estimate, low, high, expected):
    assert verdict(estimate, low, high, 0.90, at_most=False) == expected


def test_combine_judges_the_targets_on_every_round_of_the_files(tmp_path, capsys):
    def runs(jobs1: list[float], pool2: list[float], dask2: list[float]) -> str:
        rows = {"jobs1": jobs1, "pool2": pool2, "dask2": dask2}
        return json.dumps({"runs": {c: [{"seconds": s} for s in v] for c, v in rows.items()}})

    (tmp_path / "a.json").write_text(runs([2.0, 2.2], [1.0, 1.1], [1.1, 1.21]))
    (tmp_path / "b.json").write_text(runs([3.0], [1.5], [1.65]))
    main_combine([tmp_path / "a.json", tmp_path / "b.json"])
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "3 rounds from 2 files"
    # every round: speed-up exactly 2 (100 % of ideal), Dask exactly 1.10: a zero-width interval
    assert printed[1].endswith("100% of ideal (95 % interval 100%–100%) (target ≥ 90%): PASS")
    assert printed[2].endswith("1.10 (95 % interval 1.10–1.10) (target ≤ 1.15): PASS")
