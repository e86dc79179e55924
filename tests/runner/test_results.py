"""The files a run adds for its charts: waits.csv, model.json, scenario.yaml, and the time series' waits."""

from __future__ import annotations

import csv
import json

import pytest

from stratsim.analysis.capacity import load_by_hour, rate_by_hour, staff_by_hour
from stratsim.runner.results import manifest, write_run_files
from stratsim.runner.simulation import scenario_sha256, simulate
from stratsim.scenario import load_scenario_text

from tests.conftest import SMALL_SCENARIO


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    result = simulate(load_scenario_text(SMALL_SCENARIO, "small.yaml"), replications=3, seed=5,
                      timeseries_dir=folder)
    write_run_files(folder, result, manifest(result, scenario_file=None, scenario_file_sha256=None, jobs=1,
                                             backend="serial", started_at="", wall_time_s=0.0, warnings=[]))
    return folder, result


def test_waits_csv_holds_every_cohort_start_by_service_tier(written):
    folder, result = written
    with open(folder / "waits.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["service", "tier", "wait_from_min", "wait_to_min", "customers"]
    assert not list(folder.glob("waits.part*"))
    for service, tier in (("desk", "gold"), ("desk", "std"), ("backup", "")):
        mine = [r for r in rows if (r["service"], r["tier"]) == (service, tier)]
        level = result.records
        served = sum((r["services"][service]["tiers"][tier] if tier else r["services"][service])["served"]
                     for r in level)
        unfinished = sum(r["services"][service]["unfinished"] for r in level)
        assert unfinished == 0 and sum(int(r["customers"]) for r in mine) == served
        lows = [float(r["wait_from_min"]) for r in mine]
        assert lows == sorted(lows) and lows[0] == 0.0
        assert all(float(r["wait_to_min"]) > float(r["wait_from_min"]) for r in mine)


def test_model_json_holds_the_capacity_checks_numbers_and_the_slas(written):
    folder, result = written
    model = json.loads((folder / "model.json").read_text())
    for spec in result.model.stations:
        entry = model["services"][spec.id]
        assert entry["offered_load_erlangs"] == load_by_hour(result.model, spec)
        assert entry["arrival_rate_per_h"] == rate_by_hour(result.model, spec)
        assert entry["staff"] == staff_by_hour(spec)
    desk = model["services"]["desk"]
    assert desk["sla_wait_min"] == pytest.approx(15.0) and desk["sla_attainment_target"] == 0.8
    assert desk["tiers"]["gold"] == {"priority": 0, "price_factor": 1.5, "sla_wait_min": pytest.approx(15.0),
                                     "sla_attainment_target": 0.8}
    assert model["services"]["backup"]["sla_wait_min"] is None
    assert (model["horizon_hours"], model["warmup_hours"]) == (192.0, 24.0)


def test_scenario_yaml_is_the_scenario_as_run(written):
    folder, result = written
    copy = load_scenario_text((folder / "scenario.yaml").read_text(), "scenario.yaml")
    assert scenario_sha256(copy) == result.summary["scenario_sha256"]


def test_timeseries_keeps_its_columns_and_adds_the_waits_at_the_end(written):
    folder, _ = written
    with open(folder / "timeseries.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["replication", "datetime", "time_h", "bin_h", "service", "arrivals", "queue_mean",
                      "busy_mean", "staffed_mean", "started", "wait_mean_min",
                      "price_mean", "staff_mean", "surge_mean", "customers"]
