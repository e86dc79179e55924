"""The KPI table covers every KPI the engine reports, and formats numbers for people."""

from __future__ import annotations

from stratsim.engine.compile import compile_scenario
from stratsim.engine.replication import run_replication
from stratsim.kpis import KPIS, PORTFOLIO_KPIS, format_estimate, format_interval, format_number
from stratsim.runner.statistics import iter_leaves
from stratsim.scenario import load_scenario


def test_every_reported_kpi_has_a_table_entry(small_scenario):
    record = run_replication(compile_scenario(load_scenario(small_scenario)), 1, 0)
    reported = {path[-1] for path, _ in iter_leaves(record)}
    assert reported <= set(KPIS), reported - set(KPIS)
    assert set(record["kpis"]) <= set(PORTFOLIO_KPIS)
    assert "utilization" in reported and "utilization" not in PORTFOLIO_KPIS


def test_directions_of_the_kpis_a_planner_weighs():
    better = {name: info.better for name, info in KPIS.items()}
    assert better["wait_mean_min"] == better["cost"] == better["blocked_share"] == "lower"
    assert better["profit"] == better["revenue"] == better["sla_attainment"] == better["satisfaction"] == "higher"
    assert better["utilization"] is better["arrivals"] is better["served"] is None


def test_number_formats():
    assert format_number(1234.5) == "1,234" and format_number(0.12345) == "0.123" and format_number(None) == "–"
    assert format_interval((3.6, 3.8)) == "3.60–3.80" and format_interval((1210.4, 1260.2)) == "1,210–1,260"
    assert format_interval((-12.1, -9.8)) == "-12.10 – -9.80"
    assert format_estimate(3.7, (3.45, 3.95)) == "3.70 (3.45–3.95)" and format_estimate(4.0, (4.0, 4.0)) == "4"
