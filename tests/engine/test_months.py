"""The measured window's cost month by month, with services launched and retired during it."""

from __future__ import annotations

import math

import pytest
from strategy_testkit import run, scenario, segment, service

from stratsim.clock import HOURS_PER_DAY

DAY_H = float(HOURS_PER_DAY)
NO_STAFF_COST = {"staff_hour": 0.0, "per_request": 0.0}


def _portfolio(warmup_days: float = 0.0):
    """old (fixed 30/day) retires at day 45 into new (pipeline, launched at day 40: launch cost
    1000, fixed 10/day); nothing else costs, so each month's cost is known by hand."""
    return scenario(
        [service("old", retire=45 * DAY_H, fallback="new", costs={**NO_STAFF_COST, "fixed_per_day": 30.0}),
         service("new", status="pipeline", launch=40 * DAY_H,
                 costs={**NO_STAFF_COST, "fixed_per_day": 10.0, "launch": 1000.0})],
        [segment("g", {"old": 1.0}, rate=1.0)],
        {"plan": {"budget": {"per_month": 2000.0}}}, horizon=90 * DAY_H, warmup=warmup_days * DAY_H)


def test_a_month_pays_fixed_cost_for_the_hours_offered_and_the_launches_in_it() -> None:
    """Month 1: old's 30 days (900). Month 2: old's 15 days (450), new's 20 days (200) and its
    launch (1000). Month 3: new's 30 days (300). Counting every service's fixed cost for the whole
    month and leaving launches out gave 1200, 1200, 1200."""
    record = run(_portfolio()).record
    months = record["months"]
    assert [months[k]["cost"] for k in ("1", "2", "3")] == pytest.approx([900.0, 1650.0, 300.0], rel=1e-12)
    assert months["2"]["variance"] == pytest.approx(2000.0 - 1650.0, rel=1e-12)


def test_the_months_add_up_to_the_windows_cost_less_promotions() -> None:
    """With a warm-up (the window's months start at its end) and every kind of cost."""
    sc = _portfolio(warmup_days=10.0)
    data = sc.model_dump(mode="json", exclude_none=True)
    for svc in data["services"]:
        svc["costs"].update({"staff_hour": 3.0, "per_request": 0.5})
    record = run(type(sc).model_validate(data)).record
    kpis = record["kpis"]
    total = math.fsum(month["cost"] for month in record["months"].values())
    assert kpis["cost_launch"] == 1000.0
    assert total == pytest.approx(kpis["cost"] - kpis["promotion_cost"], rel=1e-12)


def test_the_months_count_the_complaints_desk_requests_completed_in_them() -> None:
    """The desk's per-request cost is paid on the complaint requests it completed: the months
    still add up to the window's cost, which holds the desk's requests (a month that missed the
    desk's request accounts would come short by per_request × its completions)."""
    slow = {"dist": "exponential", "mean": 0.25}
    sc = scenario(
        [service("help", staff=2, service_time=slow, costs={"staff_hour": 3.0, "per_request": 0.5}),
         service("desk", staff=1, price=0.0, costs={"staff_hour": 2.0, "per_request": 7.0})],
        [segment("g", {"help": 1.0}, rate=10.0, patience={"dist": "exponential", "mean": 0.2},
                 complaints={"probability": 0.8, "desk": "desk"})],
        {"plan": {"budget": {"per_month": 2000.0}}}, horizon=70 * DAY_H, warmup=5 * DAY_H)
    record = run(sc).record
    desk = record["services"]["desk"]
    assert desk["completed"] > 0 and desk["cost_requests"] == 7.0 * desk["completed"]
    total = math.fsum(month["cost"] for month in record["months"].values())
    assert total == pytest.approx(record["kpis"]["cost"] - record["kpis"]["promotion_cost"], rel=1e-12)
