"""Cost by category: staff, per request and fixed cost add up to the cost, at service and portfolio."""

from __future__ import annotations

import math

import pytest

from stratsim.runner.simulation import simulate
from stratsim.scenario import load_scenario_text

from tests.conftest import SMALL_SCENARIO


def test_cost_by_category_follows_the_accounting_and_adds_up():
    result = simulate(load_scenario_text(SMALL_SCENARIO, "small.yaml"), replications=2, seed=3)
    window_days = 7.0
    for record in result.records:
        desk = record["services"]["desk"]
        assert desk["cost_staff"] == pytest.approx(30 * desk["staffed_hours"], rel=1e-12)
        assert desk["cost_requests"] == 2 * desk["completed"]
        assert desk["cost_fixed"] == pytest.approx(100 * window_days, rel=1e-12)
        for level in (desk, record["services"]["backup"], record["kpis"]):
            assert level["cost"] == pytest.approx(
                level["cost_staff"] + level["cost_requests"] + level["cost_fixed"], rel=1e-12)
        portfolio = record["kpis"]
        for part in ("cost_staff", "cost_requests", "cost_fixed"):
            assert portfolio[part] == math.fsum(s[part] for s in record["services"].values())
        assert "cost_staff" not in desk["tiers"]["gold"] and "cost_staff" not in record["segments"]["staff"]
