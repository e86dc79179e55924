"""The budget's months: each 30-day month's operating cost, a launch and a retirement included."""

from __future__ import annotations

import math

import pytest
from strategy_testkit import run, scenario, segment, service

DAY_H = 24.0


def _portfolio(budget: dict | None = None):
    """Fixed costs only, so each month's cost is the fixed cost of the days each service was
    offered plus a launch: desk always, chat launched on day 40, old retired on day 50."""
    only_fixed = {"staff_hour": 0, "per_request": 0}
    return scenario(
        [service("desk", costs={**only_fixed, "fixed_per_day": 100}),
         service("chat", status="pipeline", launch="40d", fallback="desk",
                 costs={**only_fixed, "fixed_per_day": 200, "launch": 10_000}),
         service("old", retire="50d", fallback="desk", costs={**only_fixed, "fixed_per_day": 50})],
        [segment("all", {"desk": 0.5, "chat": 0.3, "old": 0.2}, rate=2.0)],
        {"plan": {"budget": budget or {"per_month": 20_000}}}, horizon=92 * DAY_H, warmup=2 * DAY_H)


def test_months_charge_fixed_cost_only_while_offered_and_the_launch_in_its_month() -> None:
    record = run(_portfolio()).record
    months = [record["months"][k]["cost"] for k in ("1", "2", "3")]
    # month 1 = days 2-32: desk 30 d, old 30 d, chat not yet launched
    # month 2 = days 32-62: desk 30 d, chat from day 40 (22 d) and its launch, old until day 50 (18 d)
    # month 3 = days 62-92: desk 30 d, chat 30 d, old retired
    assert months == pytest.approx([30 * 100 + 30 * 50,
                                    30 * 100 + 22 * 200 + 10_000 + 18 * 50,
                                    30 * 100 + 30 * 200], rel=1e-12)
    assert math.fsum(months) == pytest.approx(record["kpis"]["cost"], rel=1e-12)
    assert record["kpis"]["cost_launch"] == 10_000
