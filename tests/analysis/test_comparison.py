"""Paired differences, their t-test, and Holm's correction, on hand-checked numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stratsim.analysis.comparison import (
    apply_holm,
    holm,
    p_value,
    paired_difference,
    paired_values,
    unpaired_difference,
)


def test_holm_on_hand_checked_p_values() -> None:
    # Sorted: 0.005·4 = 0.02; 0.01·3 = 0.03; 0.03·2 = 0.06; 0.04·1 = 0.04 → max(0.06, 0.04) = 0.06.
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    family = [{"p_value": p} for p in (0.01, 0.04, 0.03, 0.005)]
    apply_holm(family)
    assert [d["significant"] for d in family] == [True, False, False, True]
    # Unadjusted, three of the four would pass 0.05: Holm is what keeps 0.04 and 0.03 out.


def test_holm_caps_at_one_keeps_order_and_skips_missing_tests() -> None:
    assert holm([0.5, 0.6]) == [1.0, 1.0]
    assert holm([None, 0.02, None, 0.01]) == pytest.approx([None, 0.02, None, 0.02])  # m = 2
    assert holm([]) == []
    assert holm([0.01, 0.01]) == pytest.approx([0.02, 0.02])


def test_paired_t_test_matches_its_formula() -> None:
    differences = [1.0, 2.0, 3.0, 4.0]   # mean 2.5, s = √(5/3), t = 2.5 / (s/2) = 3.873, 3 dof
    t = 2.5 / (math.sqrt(5 / 3) / 2)
    from scipy import stats

    assert p_value(differences) == pytest.approx(2 * stats.t.sf(t, 3))
    assert p_value(differences) == pytest.approx(0.030466, abs=1e-6)
    scenario, baseline = [11.0, 22.0, 33.0, 44.0], [10.0, 20.0, 30.0, 40.0]
    difference = paired_difference(scenario, baseline)
    assert difference["mean"] == 2.5 and difference["n"] == 4
    half = stats.t.ppf(0.975, 3) * math.sqrt(5 / 3) / 2
    assert difference["ci95"] == pytest.approx([2.5 - half, 2.5 + half])
    assert difference["p_value"] == pytest.approx(stats.ttest_rel(scenario, baseline).pvalue)


def test_exactly_zero_difference_is_not_significant_with_a_zero_width_interval() -> None:
    difference = paired_difference([5.0, 7.0, 9.0], [5.0, 7.0, 9.0])
    assert difference["mean"] == 0 and difference["ci95"] == [0.0, 0.0] and difference["p_value"] == 1.0
    family = [difference, {"p_value": 0.001}]
    apply_holm(family)
    assert difference["significant"] is False and family[1]["significant"] is True


def test_constant_non_zero_difference_is_significant() -> None:
    difference = paired_difference([6.0, 8.0, 10.0], [5.0, 7.0, 9.0])
    assert difference["mean"] == 1.0 and difference["ci95"] == [1.0, 1.0] and difference["p_value"] == 0.0
    apply_holm([difference])
    assert difference["significant"] is True


def test_undefined_values_are_paired_out_and_n_says_so() -> None:
    scenario, baseline = [1.0, None, 3.0, 4.0, 6.0], [0.5, 2.0, None, 3.0, 5.0]
    assert paired_values(scenario, baseline) == [0.5, 1.0, 1.0]
    difference = paired_difference(scenario, baseline)
    assert difference["n"] == 3 and difference["mean"] == pytest.approx(2.5 / 3)


def test_fewer_than_two_pairs_is_never_significant() -> None:
    difference = paired_difference([1.0, None], [0.0, 1.0])
    assert difference["n"] == 1 and difference["ci95"] is None and difference["p_value"] is None
    apply_holm([difference])
    assert difference["significant"] is False and difference["p_holm"] is None


def test_pairing_narrows_the_interval_when_the_noise_is_shared() -> None:
    rng = np.random.default_rng(1)
    shared = rng.normal(100, 10, size=20)       # the randomness both scenarios share
    baseline = list(shared + rng.normal(0, 1, size=20))
    scenario = list(shared - 3 + rng.normal(0, 1, size=20))
    paired, unpaired = paired_difference(scenario, baseline), unpaired_difference(scenario, baseline)
    assert paired["mean"] == pytest.approx(unpaired["mean"])
    width = lambda d: d["ci95"][1] - d["ci95"][0]  # noqa: E731
    assert width(paired) < width(unpaired) / 5
    assert paired["ci95"][1] < 0 < unpaired["ci95"][1]   # only the paired one sees the −3
