"""The time series' waits: customers starting service per bin and their mean wait."""

from __future__ import annotations

import math

import pytest

from stratsim.engine.compile import compile_scenario
from stratsim.engine.replication import run_replication
from stratsim.scenario.models import Scenario


def day_desk(staff: int, queue: bool = True) -> Scenario:
    """Arrivals 08:00–18:00 only, measured over one day from time 0: every customer arrives
    and starts service inside the horizon (two agents drain the evening queue by midnight)."""
    profile = [0.0] * 8 + [1.0] * 10 + [0.0] * 6
    return Scenario.model_validate({
        "stratsim": 1, "name": "day", "horizon": "1d", "time_bin": "1h",
        "services": [{"id": "desk", "staff": staff, "queue_capacity": None if queue else 0,
                      "service_time": {"dist": "exponential", "mean": "20min"}}],
        "segments": [{"id": "all", "rate": 5, "daily_profile": profile, "mix": {"desk": 1}}],
    })


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bin_waits_add_up_to_the_cohorts_waits(seed):
    """Σ started·wait over the bins is the cohort's total wait, exactly: everyone starts in the day."""
    rows = []
    record = run_replication(compile_scenario(day_desk(2)), seed, 0, rows.append)
    kpis = record["services"]["desk"]
    assert kpis["in_system_at_horizon"] == 0 and kpis["served"] > 20
    started = sum(row.started for row in rows)
    assert started == kpis["served"] + kpis["in_system_at_horizon"]
    total = math.fsum(row.started * row.wait_mean_min for row in rows if row.started)
    assert total == pytest.approx(kpis["wait_mean_min"] * kpis["served"], rel=1e-12)
    assert all(row.wait_mean_min is None for row in rows if row.started == 0)
    assert any(row.wait_mean_min and row.wait_mean_min > 0 for row in rows)


def test_a_loss_system_starts_every_admitted_customer_at_once():
    rows = []
    run_replication(compile_scenario(day_desk(3, queue=False)), 4, 0, rows.append)
    started = [row for row in rows if row.started]
    assert started and all(row.wait_mean_min == 0.0 for row in started)
