"""The command line's scale options end to end: --replication, --precision, --warmup auto,
--backend, and the sweep verb with its resume."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from stratsim.cli import main
from tests.conftest import SMALL_SCENARIO, write


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


def test_one_replication_alone_equals_its_row_in_a_full_run(small_scenario, tmp_path):
    ok("run", small_scenario, "--out", tmp_path / "full")
    with open(tmp_path / "full" / "replications.csv") as handle:
        row = {r["kpi"]: r["value"] for r in csv.DictReader(handle)
               if r["replication"] == "2" and r["scope"] == "portfolio"}
    single = ok("run", small_scenario, "--replication", "2")
    assert "replication 2 (seed 5)" in single.output
    from stratsim.runner.execution import single_replication
    from stratsim.scenario import load_scenario

    record = single_replication(load_scenario(small_scenario), 2)
    assert {k: str(v) for k, v in record["kpis"].items() if v is not None} == {k: v for k, v in row.items() if v}
    assert not (tmp_path / "results").exists()


def test_one_replication_refuses_options_of_a_full_run(small_scenario, tmp_path):
    refused = invoke("run", small_scenario, "--replication", "0", "--out", tmp_path / "o", "--precision", "5%")
    assert refused.exit_code == 2 and "cannot be combined with --out, --precision" in refused.output


def test_precision_stops_when_met_and_says_so(small_scenario, tmp_path):
    result = ok("run", small_scenario, "--out", tmp_path / "p", "--precision", "5%")
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    report = manifest["precision"]
    assert report["met"] and report["stopped_by"] == "target met"
    n = report["replications"]
    assert f"met after {n} replications" in result.output
    ok("run", small_scenario, "--out", tmp_path / "plain", "--replications", n)
    assert (tmp_path / "p" / "summary.json").read_bytes() == (tmp_path / "plain" / "summary.json").read_bytes()
    with open(tmp_path / "p" / "timeseries.csv") as handle:
        assert {r["replication"] for r in csv.DictReader(handle)} == {str(r) for r in range(n)}


def test_precision_capped_says_the_cap_stopped_it(small_scenario, tmp_path):
    result = ok("run", small_scenario, "--out", tmp_path / "p", "--precision", "0.1%", "--max-replications", "4")
    assert "NOT met: --max-replications reached first after 4 replications" in " ".join(result.output.split())
    assert "limited the count" in result.output
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert manifest["precision"]["stopped_by"] == "max replications"
    assert any("not met after 4 replications" in w for w in manifest["warnings"])


@pytest.mark.parametrize("args, message", [
    (("--precision", "150%"), "between 0% and 100%"),
    (("--precision", "tight"), "such as 5% or 0.05"),
    (("--precision", "5%", "--replications", "10", "--max-replications", "5"), "below the starting replications"),
    (("--scheduler", "tcp://127.0.0.1:8786"), "--scheduler needs --backend dask"),
])
def test_bad_options_exit_2(small_scenario, args, message):
    result = invoke("run", small_scenario, *args)
    assert result.exit_code == 2 and message in result.output


def test_warmup_auto_reports_its_choice(small_scenario, tmp_path):
    result = ok("run", small_scenario, "--out", tmp_path / "w", "--warmup", "auto")
    manifest = json.loads((tmp_path / "w" / "manifest.json").read_text())
    summary = json.loads((tmp_path / "w" / "summary.json").read_text())
    chosen = manifest["warmup_auto"]["warmup_hours"]
    assert summary["warmup_hours"] == chosen and summary["horizon_hours"] == chosen + 192 - 24
    assert {s["service"] for s in manifest["warmup_auto"]["series"]} == {"desk", "backup"}
    assert "MSER-5 evidence" in result.output and f"warm-up (--warmup auto, MSER-5): {chosen:g}h" in result.output


def test_dask_backend_without_the_extra_exits_2(small_scenario, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = invoke("run", small_scenario, "--out", tmp_path / "d", "--backend", "dask")
    assert result.exit_code == 2 and 'pip install -e ".[dask]"' in result.output
    assert not (tmp_path / "d").exists()


SWEPT = SMALL_SCENARIO.replace("replications: 3", "replications: 2") + """\
sweep:
  params:
    services.desk.staff: 1..3
    services.desk.price: [30, 60]
  pareto: [profit, wait_mean_min]
"""


def test_sweep_writes_one_row_per_point(tmp_path):
    scenario = write(tmp_path, "s.yaml", SWEPT)
    result = ok("sweep", scenario, "--out", tmp_path / "o", "--jobs", "2")
    folder = tmp_path / "o"
    assert sorted(p.name for p in folder.iterdir()) == ["charts", "manifest.json", "points", "report.html",
                                                       "sweep-plan.json", "sweep.csv"]
    with open(folder / "sweep.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 and [r["services.desk.staff"] for r in rows] == ["1", "1", "2", "2", "3", "3"]
    assert {r["pareto"] for r in rows} <= {"True", "False"} and "profit_ci95_high" in rows[0]
    assert "6 points × 2 replications (full grid)" in result.output
    assert json.loads((folder / "manifest.json").read_text())["points_run"] == 6


def interrupt_after(monkeypatch, points: int) -> tuple[list, Callable[[], None]]:
    """Make a sweep stop as if interrupted (Ctrl-C) once ``points`` points are saved; returns
    the points saved so far and a function that lets sweeps run to the end again."""
    from stratsim.runner import sweep as sweeping

    real_save, saved = sweeping.save_point, []

    def save_then_interrupt(folder, document):
        real_save(folder, document)
        saved.append(document["point"])
        if len(saved) == points:
            raise KeyboardInterrupt

    monkeypatch.setattr(sweeping, "save_point", save_then_interrupt)
    return saved, lambda: monkeypatch.setattr(sweeping, "save_point", real_save)


def test_interrupted_sweep_resumed_gives_the_same_csv(tmp_path, monkeypatch):
    scenario = write(tmp_path, "s.yaml", SWEPT)
    ok("sweep", scenario, "--out", tmp_path / "whole")
    saved, restore = interrupt_after(monkeypatch, 2)
    interrupted = invoke("sweep", scenario, "--out", tmp_path / "cut")
    assert interrupted.exit_code == 130 and "2 of 6 points are kept" in " ".join(interrupted.output.split())
    assert not (tmp_path / "cut" / "sweep.csv").exists() and len(list((tmp_path / "cut" / "points").iterdir())) == 2
    restore()
    refused = invoke("sweep", scenario, "--out", tmp_path / "cut")
    assert refused.exit_code == 2 and "--resume" in refused.output
    changed = invoke("sweep", scenario, "--resume", tmp_path / "cut", "--seed", "9")
    assert changed.exit_code == 2 and "seed differs from the sweep's plan" in changed.output
    resumed = ok("sweep", scenario, "--resume", tmp_path / "cut")
    assert "2 points already done" in " ".join(resumed.output.split())
    assert (tmp_path / "cut" / "sweep.csv").read_bytes() == (tmp_path / "whole" / "sweep.csv").read_bytes()
    assert json.loads((tmp_path / "cut" / "manifest.json").read_text())["points_run"] == 4
    again = invoke("sweep", scenario, "--resume", tmp_path / "cut")
    assert again.exit_code == 2 and "already complete" in again.output
    ok("sweep", scenario, "--out", tmp_path / "cut", "--force")


def test_a_scored_sweep_saves_its_base_run_and_resumes_to_the_same_csv(tmp_path, monkeypatch):
    """With objectives, the base scenario runs as the scores' reference (``points/base.json``);
    a sweep interrupted before the base was saved runs it on resuming, to the same bytes."""
    scored = SWEPT.replace("sweep:\n", "  perspective:\n    objectives: {profit: 1, wait_mean_min: 1}\nsweep:\n", 1)
    scenario = write(tmp_path, "scored.yaml", scored)
    whole = ok("sweep", scenario, "--out", tmp_path / "whole", "--no-report")
    assert "6 points × 2 replications" in whole.output
    with open(tmp_path / "whole" / "sweep.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert (tmp_path / "whole" / "points" / "base.json").exists() and len(rows) == 6
    assert all(float(r["score_ci95_low"]) <= float(r["score"]) <= float(r["score_ci95_high"]) for r in rows)
    saved, restore = interrupt_after(monkeypatch, 3)
    assert invoke("sweep", scenario, "--out", tmp_path / "cut", "--no-report").exit_code == 130
    assert saved[0] == "base"
    (tmp_path / "cut" / "points" / "base.json").unlink()   # as if interrupted before the base ended
    restore()
    ok("sweep", scenario, "--resume", tmp_path / "cut", "--no-report")
    assert (tmp_path / "cut" / "sweep.csv").read_bytes() == (tmp_path / "whole" / "sweep.csv").read_bytes()


def test_sweep_path_that_names_nothing_is_located_in_the_file(tmp_path):
    scenario = write(tmp_path, "s.yaml", SWEPT.replace("services.desk.price:", "services.desk.prise:"))
    result = invoke("sweep", scenario, "--out", tmp_path / "o")
    assert result.exit_code == 2
    line = [n for n, text in enumerate(SWEPT.splitlines(), 1) if "services.desk.price" in text][0]
    assert (f"s.yaml:{line}:5: sweep.params.services.desk.prise: services[0] has no field \"prise\" "
            "(did you mean \"price\"?)") in result.output
    assert not (tmp_path / "o").exists()


def test_sweep_option_path_that_names_nothing_names_the_option(small_scenario, tmp_path):
    result = invoke("sweep", small_scenario, "--param", "services.desks.staff=1..2")
    assert result.exit_code == 2
    assert 'error --param services.desks.staff=1..2: services has no item with id "desks"' in result.output


def test_a_sweep_of_command_line_parameters_resumes_without_them(small_scenario, tmp_path, monkeypatch):
    _, restore = interrupt_after(monkeypatch, 1)
    args = ("sweep", small_scenario, "--param", "services.desk.staff=2..3", "-r", "2")
    assert invoke(*args, "--out", tmp_path / "o").exit_code == 130
    restore()
    changed = invoke("sweep", small_scenario, "--param", "services.desk.staff=2..4", "--resume", tmp_path / "o")
    assert changed.exit_code == 2 and "params differs from the sweep's plan" in changed.output
    ok("sweep", small_scenario, "--resume", tmp_path / "o")
    with open(tmp_path / "o" / "sweep.csv") as handle:
        assert len(list(csv.DictReader(handle))) == 2


def test_warmup_auto_on_a_horizon_too_short_for_mser_exits_2(tmp_path):
    short = write(tmp_path, "short.yaml", SMALL_SCENARIO.replace("horizon: 8d", "horizon: 18h").replace("warmup: 1d", "warmup: 1h"))
    result = invoke("run", short, "--warmup", "auto", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "needs at least 20 time bins" in result.output
    assert not (tmp_path / "o").exists()


def test_a_bad_sweep_block_is_a_located_validation_error(tmp_path):
    bad = write(tmp_path, "bad.yaml", SWEPT.replace("  pareto: [profit, wait_mean_min]\n", "  samples: 0\n"))
    result = invoke("validate", bad)
    line = len(SWEPT.splitlines())
    assert result.exit_code == 2 and f"bad.yaml:{line}:" in result.output and "sweep.samples" in result.output
    assert invoke("run", write(tmp_path, "ok.yaml", SWEPT), "--out", tmp_path / "o").exit_code == 0   # run ignores it
