"""Price arithmetic and the demand-shifting curve."""

from __future__ import annotations

import pytest

from stratsim.strategy.pricing import (
    FULL_DEFERRAL_GAP,
    best_window,
    deferral_share,
    price_response,
    product,
)


def test_price_response_is_the_elasticity_formula():
    assert price_response(8.0, 10.0, -1.0) == pytest.approx(1.25)
    assert price_response(11.0, 10.0, -0.4) == pytest.approx(1.1 ** -0.4)
    assert price_response(8.0, 10.0, 0.0) == 1.0
    assert price_response(10.0, 10.0, -3.0) == 1.0
    assert price_response(5.0, 0.0, -1.0) == 1.0     # a free service has no reference to compare with


def test_the_deferred_share_grows_linearly_with_the_gap_up_to_every_flexible_customer():
    assert deferral_share(0.4, 0.0) == 0.0 and deferral_share(0.4, -0.1) == 0.0
    assert deferral_share(0.4, FULL_DEFERRAL_GAP / 2) == pytest.approx(0.2)
    assert deferral_share(0.4, FULL_DEFERRAL_GAP) == pytest.approx(0.4)
    assert deferral_share(0.4, 0.9) == pytest.approx(0.4)
    assert deferral_share(0.0, 0.5) == 0.0


def test_the_best_window_is_the_earliest_cheapest_run_of_hours_ahead():
    assert best_window([1.0, 1.0, 0.8, 0.7, 0.7, 1.0, 0.7]) == (3, 2, pytest.approx(0.3))
    assert best_window([1.0, 0.5, 0.5]) == (1, 2, 0.5)
    assert best_window([1.0, 1.0, 1.2]) == (0, 0, 0.0)
    assert best_window([0.7, 1.0, 0.7]) == (0, 0, 0.0)


def test_products_of_sorted_factors_do_not_depend_on_the_order_listed():
    factors = [0.9, 1.1, 0.7, 1.3, 0.85]
    assert product(sorted(factors)) == product(sorted(reversed(factors)))
    assert product([]) == 1.0
