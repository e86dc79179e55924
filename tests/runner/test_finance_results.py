"""Dependencies and finance in a run's files: summary.json's flows, sojourn and finance,
finance.csv and replications.csv; a scenario with neither writes none of them."""

from __future__ import annotations

import csv
import json
import math

import pytest

from stratsim.runner.finance import FINANCE_COLUMNS
from stratsim.runner.results import manifest, write_run_files
from stratsim.runner.simulation import simulate
from stratsim.scenario.models import Scenario

SCENARIO = {
    "stratsim": 1, "name": "portfolio", "horizon": "40d", "warmup": "2d",
    "services": [
        {"id": "shop", "staff": 2, "price": 12, "service_time": {"dist": "exponential", "mean": "30min"},
         "costs": {"staff_hour": 20, "per_request": 1},
         "depends_on": [{"service": "identity", "share": 0.5, "mode": "blocking"}]},
        {"id": "mail", "staff": 1, "price": 3, "service_time": {"dist": "exponential", "mean": "10min"},
         "costs": {"staff_hour": 20}},
        {"id": "identity", "staff": 1, "internal": True,
         "service_time": {"dist": "exponential", "mean": "5min"},
         "costs": {"staff_hour": 30, "per_request": 0.5, "fixed_per_day": 40}},
    ],
    "segments": [{"id": "all", "rate": 3, "mix": {"shop": 0.7, "mail": 0.3}}],
    "strategy": {"plan": {"budget": {"per_month": 40000}}},
}


def _write(folder, data):
    result = simulate(Scenario.model_validate(data), replications=3, seed=2, timeseries_dir=folder)
    write_run_files(folder, result, manifest(result, scenario_file=None, scenario_file_sha256=None,
                                             jobs=1, backend="serial", started_at="", wall_time_s=0.0,
                                             warnings=[]))
    return result


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("finance")
    return folder, _write(folder, SCENARIO)


def test_summary_flows_per_edge(written):
    folder, result = written
    summary = json.loads((folder / "summary.json").read_text())
    (flow,) = summary["flows"]
    assert (flow["from"], flow["to"], flow["mode"], flow["share"]) == ("shop", "identity", "blocking", 0.5)
    assert flow["sent"]["mean"] == summary["services"]["identity"]["arrivals"]["mean"]
    assert 0.4 < flow["realised_share"]["mean"] < 0.6
    assert flow["added_sojourn_mean_min"]["mean"] > 5.0 * 0.9
    assert summary["sojourn"]["shop"]["sojourn_mean_min"]["mean"] > 30.0


def test_budget_months_and_showback_in_summary_and_finance_csv(written):
    folder, result = written
    finance = json.loads((folder / "summary.json").read_text())["finance"]
    months = finance["budget"]["months"]
    assert [(m["month"], m["start_hours"], m["hours"]) for m in months] == [(1, 48.0, 720.0), (2, 768.0, 192.0)]
    assert months[1]["budget"] == pytest.approx(40000 * 192 / 720)
    for replication, record in enumerate(result.records):
        costs = [record["months"][k]["cost"] for k in ("1", "2")]
        assert math.fsum(costs) == pytest.approx(record["kpis"]["cost"], rel=1e-12)
        totals = record["showback_totals"]
        assert totals["internal_cost"] == record["services"]["identity"]["cost"]
        assert record["showback"]["shop"]["allocated_cost"] == totals["internal_cost"]
        assert record["showback"]["mail"]["allocated_cost"] == 0.0   # sends no requests
    with open(folder / "finance.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == FINANCE_COLUMNS
    keyed = {(r[0], r[1], r[2]): r for r in rows[1:]}
    assert float(keyed["budget", "2", "budget"][3]) == pytest.approx(40000 * 192 / 720)
    assert float(keyed["budget", "1", "variance"][3]) == pytest.approx(
        months[0]["budget"] - months[0]["cost"]["mean"])
    assert float(keyed["showback", "mail", "allocated_cost"][3]) == 0.0
    assert ("showback", "shop", "allocated_from:identity") in keyed
    with open(folder / "replications.csv", newline="") as handle:
        scopes = {row["scope"] for row in csv.DictReader(handle)}
    assert {"flow", "sojourn", "showback", "month"} <= scopes


def test_without_dependencies_or_budget_no_finance_is_written(tmp_path):
    data = json.loads(json.dumps(SCENARIO))
    data["services"][0].pop("depends_on")
    data.pop("strategy")
    _write(tmp_path, data)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert not {"flows", "sojourn", "finance"} & set(summary)
    assert not (tmp_path / "finance.csv").exists()
