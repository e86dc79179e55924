"""Showback and budget arithmetic (pure functions), on hand-checked cases."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratsim.economics.budget import budget_variance, month_budget
from stratsim.economics.finance import budget_months, showback_record
from stratsim.economics.showback import allocate_showback


def _parts_of(result, source):
    return [v for (_, s), v in result.allocated.items() if s == source] + [result.unallocated[source]]


def test_allocation_is_in_proportion_to_requests_and_passes_along_internal_services():
    """identity (cost 900) serves app 200 requests and shop 100; storage (cost 400) serves
    identity 300 and app 100: storage passes 3/4 to identity, whose 900 + 300 goes 2/3 to app
    and 1/3 to shop; app also carries 1/4 of storage directly."""
    result = allocate_showback(
        {"identity": 900.0, "storage": 400.0, "app": 50.0},
        frozenset({"identity", "storage"}),
        {("app", "identity"): 200, ("shop", "identity"): 100, ("identity", "storage"): 300,
         ("app", "storage"): 100},
    )
    assert result.allocated[("app", "identity")] == pytest.approx(600.0)
    assert result.allocated[("shop", "identity")] == pytest.approx(300.0)
    assert result.allocated[("app", "storage")] == pytest.approx(100.0 + 300.0 * 2 / 3)
    assert result.allocated[("shop", "storage")] == pytest.approx(300.0 / 3)
    assert result.allocated_to("app") + result.allocated_to("shop") == pytest.approx(1300.0)
    assert result.unallocated == {"identity": 0.0, "storage": 0.0}


def test_a_service_sending_no_requests_is_allocated_nothing():
    record = showback_record(
        {"app": _kpis(100.0, 40.0), "quiet": _kpis(50.0, 10.0), "identity": _kpis(0.0, 90.0)},
        frozenset({"identity"}), {("app", "identity"): 30, ("quiet", "identity"): 0},
    )
    assert record["showback"]["quiet"]["allocated_cost"] == 0.0
    assert record["showback"]["quiet"]["allocated_from:identity"] == 0.0
    assert record["showback"]["quiet"]["margin"] == 40.0
    assert record["showback"]["app"]["allocated_cost"] == 90.0
    assert record["showback"]["app"]["margin"] == 100.0 - 40.0 - 90.0
    assert record["showback_totals"] == {"internal_cost": 90.0, "allocated_cost": 90.0,
                                         "unallocated_cost": 0.0}


def test_cost_of_an_unused_internal_service_stays_unallocated():
    result = allocate_showback({"idle": 70.0}, frozenset({"idle"}), {})
    assert result.allocated == {}
    assert result.unallocated == {"idle": 70.0}


def test_cost_circulating_among_internal_services_only_is_unallocated():
    """x and y only send to each other: nothing reaches a customer-facing service."""
    result = allocate_showback({"x": 10.0, "y": 5.0}, frozenset({"x", "y"}),
                               {("x", "y"): 1, ("y", "x"): 1})
    assert result.allocated == {}
    assert math.fsum(result.unallocated.values()) == 15.0


@settings(max_examples=200, deadline=None)
@given(
    costs=st.lists(st.floats(0.0, 1e7, allow_nan=False), min_size=3, max_size=3),
    counts=st.lists(st.integers(0, 10_000), min_size=6, max_size=6),
)
def test_allocation_sums_exactly_to_each_internal_cost(costs, counts):
    """For every internal service, its allocations and unallocated part sum (fsum) to its cost
    exactly, whatever the request counts (including cycles between internal services)."""
    internal = frozenset({"i1", "i2", "i3"})
    requests = dict(zip([("a", "i1"), ("b", "i1"), ("i1", "i2"), ("a", "i2"), ("i2", "i3"),
                         ("i3", "i1")], counts))
    result = allocate_showback(dict(zip(sorted(internal), costs)), internal, requests)
    for source, cost in zip(sorted(internal), costs):
        assert math.fsum(_parts_of(result, source)) == cost


def test_budget_variance_on_a_hand_checked_case():
    """Budget 30 000 per 30-day month; a 10-day last month has a budget of 10 000. Actual
    32 000 in a full month: variance −2 000 (over budget); 9 000 in the short one: +1 000."""
    assert month_budget(30_000.0, 720.0) == 30_000.0
    assert month_budget(30_000.0, 240.0) == 10_000.0
    assert budget_variance(30_000.0, 720.0, 32_000.0) == -2_000.0
    assert budget_variance(30_000.0, 240.0, 9_000.0) == 1_000.0
    months = budget_months(30_000.0, {"1": {"hours": 720.0, "cost": 32_000.0},
                                      "2": {"hours": 240.0, "cost": 9_000.0}})
    assert months == {"1": {"hours": 720.0, "cost": 32_000.0, "budget": 30_000.0, "variance": -2_000.0},
                      "2": {"hours": 240.0, "cost": 9_000.0, "budget": 10_000.0, "variance": 1_000.0}}
    assert budget_months(None, {"1": {"hours": 720.0, "cost": 5.0}}) == {"1": {"hours": 720.0, "cost": 5.0}}


def _kpis(revenue: float, cost: float) -> dict[str, float]:
    return {"revenue": revenue, "cost": cost, "cost_staff": cost, "cost_requests": 0.0,
            "cost_fixed": 0.0, "cost_launch": 0.0}


def test_an_internal_services_launch_cost_is_allocated_with_the_rest_of_its_cost():
    """identity was launched in the window: its cost (staff 90 + launch 1000) is what showback
    allocates, so allocated + unallocated = the internal services' cost; leaving the launch out
    allocated 90 and left 1000 of the portfolio's cost on nobody."""
    identity = {**_kpis(0.0, 1090.0), "cost_staff": 90.0, "cost_launch": 1000.0}
    record = showback_record({"app": _kpis(2000.0, 400.0), "shop": _kpis(500.0, 100.0), "identity": identity},
                             frozenset({"identity"}), {("app", "identity"): 30, ("shop", "identity"): 10})
    totals = record["showback_totals"]
    assert totals["internal_cost"] == identity["cost"]
    assert totals["allocated_cost"] + totals["unallocated_cost"] == 1090.0
    assert record["showback"]["app"]["allocated_cost"] == pytest.approx(1090.0 * 30 / 40, rel=1e-15)
    assert record["showback"]["shop"]["margin"] == pytest.approx(500.0 - 100.0 - 1090.0 * 10 / 40, rel=1e-15)
