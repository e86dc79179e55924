"""Cost accounting and the satisfaction score."""

import pytest

from stratsim.economics.accounting import service_cost
from stratsim.economics.satisfaction import BEST, FLOOR_SERVED, score_served


def test_service_cost_adds_staff_requests_and_fixed_days():
    assert service_cost(30.0, 2.0, 100.0, staffed_hours=10.0, completed=5, window_h=48.0) == 300 + 10 + 200


def test_satisfaction_is_best_within_tolerance_then_falls_to_the_floor():
    assert score_served(0.0, 0.5) == BEST and score_served(0.5, 0.5) == BEST
    assert score_served(1.0, 0.5) == pytest.approx(BEST - 1.5)
    assert score_served(100.0, 0.5) == FLOOR_SERVED
    scores = [score_served(w / 10, 0.5) for w in range(40)]
    assert scores == sorted(scores, reverse=True)


def test_cost_allocation_direct_per_request_then_by_service_time():
    from stratsim.economics.accounting import allocate_cost

    # cost 100 = 2 × 10 requests (direct) + 80 shared; work 1 h and 3 h
    assert allocate_cost(100.0, 2.0, [4, 6], [1.0, 3.0]) == pytest.approx([8 + 20, 12 + 60])
    assert allocate_cost(50.0, 1.0, [0, 0], [0.0, 0.0]) == [0.0, 0.0]   # nobody served: unallocated
