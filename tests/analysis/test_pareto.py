"""The Pareto front on small sets whose front is known by hand."""

from __future__ import annotations

import pytest

from stratsim.analysis.pareto import dominates, pareto_front


def test_known_front_both_higher_is_better():
    #        A       B       C       D (dominated by B)  E (dominated by A and B)
    points = [(1, 9), (5, 5), (9, 1), (4, 4), (1, 1)]
    assert pareto_front(points, ["higher", "higher"]) == [True, True, True, False, False]


def test_directions_flip_the_comparison():
    # profit (higher better) against wait (lower better)
    points = [(100, 10), (120, 12), (90, 11), (120, 10)]
    assert pareto_front(points, ["higher", "lower"]) == [False, False, False, True]


def test_ties_are_kept_and_undefined_points_are_never_on_the_front():
    assert pareto_front([(2, 2), (2, 2), (1, 1)], ["higher", "higher"]) == [True, True, False]
    assert pareto_front([(None, 5), (1, 1)], ["higher", "higher"]) == [False, True]


def test_dominates_needs_a_strict_improvement():
    assert dominates((2, 2), (2, 1)) and not dominates((2, 2), (2, 2)) and not dominates((3, 0), (2, 1))


def test_bad_direction_refused():
    with pytest.raises(ValueError):
        pareto_front([(1, 2)], ["higher", "up"])
