"""Cost accounting and the satisfaction score."""

import pytest

from stratsim.economics.accounting import service_cost
from stratsim.economics.satisfaction import BEST, FLOOR_SERVED, score_served


def test_service_cost_adds_staff_requests_and_fixed_days():
    assert service_cost(30.0, 2.0, 100.0, staffed_hours=10.0, served=5, window_h=48.0) == 300 + 10 + 200


def test_satisfaction_is_best_within_tolerance_then_falls_to_the_floor():
    assert score_served(0.0, 0.5) == BEST and score_served(0.5, 0.5) == BEST
    assert score_served(1.0, 0.5) == pytest.approx(BEST - 1.5)
    assert score_served(100.0, 0.5) == FLOOR_SERVED
    scores = [score_served(w / 10, 0.5) for w in range(40)]
    assert scores == sorted(scores, reverse=True)
