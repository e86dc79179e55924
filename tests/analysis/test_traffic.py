"""The traffic equations λ = γ + Pᵀλ, against hand-solved networks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stratsim.analysis.traffic import traffic_rates


def test_a_chain_adds_each_senders_share():
    # a (γ 2/h) → b at 0.5 → c at 0.4: λ_b = 1, λ_c = 0.4 + c's own 0.1
    own = np.array([[2.0], [0.0], [0.1]])
    routing = np.array([[0, 0.5, 0], [0, 0, 0.4], [0, 0, 0]])
    assert traffic_rates(own, routing)[:, 0] == pytest.approx([2.0, 1.0, 0.5])


def test_a_cycle_that_dies_out_is_a_geometric_series():
    # a ⇄ b at 0.5 each way, γ_a = 1: λ_a = 1 + 0.25 λ_a → 4/3, λ_b = λ_a / 2
    own = np.array([[1.0, 3.0], [0.0, 0.0]])
    routing = np.array([[0, 0.5], [0.5, 0]])
    rates = traffic_rates(own, routing)
    assert rates[:, 0] == pytest.approx([4 / 3, 2 / 3]) and rates[:, 1] == pytest.approx([4.0, 2.0])


def test_requests_that_never_die_out_flood_the_cycle_and_downstream_only():
    # a ⇄ b at share 1, b → c at 0.1; d is outside the flood and keeps its own demand
    own = np.array([[1.0], [0.0], [0.0], [2.0]])
    routing = np.zeros((4, 4))
    routing[0, 1] = routing[1, 0] = 1.0
    routing[1, 2] = 0.1
    rates = traffic_rates(own, routing)[:, 0]
    assert [math.isinf(r) for r in rates] == [True, True, True, False] and rates[3] == 2.0


def test_no_dependencies_return_the_own_demand():
    own = np.array([[1.5, 0.5]])
    assert (traffic_rates(own, np.zeros((1, 1))) == own).all()
