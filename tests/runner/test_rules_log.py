"""A run with a strategy writes ``rules.csv`` and counts the firings in ``summary.json``."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from stratsim.cli import main
from tests.conftest import SMALL_SCENARIO, write

STRATEGY = """\
  plan:
    actions:
      - {at: 2d, set_staff: {backup: 2}}
    pricing:
      - {name: evening, services: [desk], when: "hour >= 18", factor: 0.8}
  pattern:
    rosters:
      desk:
        - {days: mon-fri, from: "08:00", to: "18:00", staff: 4}
    rules:
      - {name: surge, every: 30min, when: "queue('desk') > 3", then: {add_staff: {desk: 1}, for: 2h},
         cooldown: 1h, max_staff: 5}
"""


def strategy_scenario(tmp_path: Path) -> Path:
    text = SMALL_SCENARIO.replace("strategy:\n  pattern:\n    rosters:\n      desk:\n"
                                  "        - {days: mon-fri, from: \"08:00\", to: \"18:00\", staff: 4}\n",
                                  "strategy:\n" + STRATEGY)
    assert "surge" in text
    return write(tmp_path, "rules.yaml", text)


def run(tmp_path: Path, name: str, *options: str) -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(main, ["run", str(strategy_scenario(tmp_path)), "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


def test_rules_csv_holds_every_firing_and_the_summary_counts_them(tmp_path: Path) -> None:
    out = run(tmp_path, "out")
    with open(out / "rules.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["replication", "datetime", "time_h", "kind", "name", "service", "action",
                             "outcome", "detail", "condition", "values"]
    summary = json.loads((out / "summary.json").read_text())
    counted = Counter((r["replication"], r["name"], r["outcome"]) for r in rows
                      if 24.0 <= float(r["time_h"]) < 192.0)
    with open(out / "replications.csv", encoding="utf-8") as handle:
        per_replication = {(r["replication"], r["id"], r["kpi"]): float(r["value"])
                           for r in csv.DictReader(handle) if r["scope"] == "rule"}
    for name in ("surge", "evening", "actions[0]"):
        for kpi, outcome in (("fired", "applied"), ("refused", "refused")):
            values = [counted[(str(r), name, outcome)] for r in range(3)]
            assert [per_replication[(str(r), name, kpi)] for r in range(3)] == values
            assert summary["rules"][name][kpi]["mean"] == sum(values) / 3
    assert summary["rules"]["surge"]["fired"]["mean"] > 0
    assert {r["kind"] for r in rows} == {"action", "pricing", "rule"}
    with open(out / "timeseries.csv", encoding="utf-8") as handle:
        series = list(csv.DictReader(handle))
    assert list(series[0])[-4:] == ["price_mean", "staff_mean", "surge_mean", "customers"]
    assert {float(r["price_mean"]) for r in series if r["service"] == "desk"} == {32.0, 40.0}
    assert max(float(r["staff_mean"]) for r in series if r["service"] == "desk") <= 5.0


def test_the_strategy_log_is_identical_for_any_number_of_workers(tmp_path: Path) -> None:
    one, two = run(tmp_path, "one"), run(tmp_path, "two", "--jobs", "2")
    for name in ("summary.json", "rules.csv", "timeseries.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
