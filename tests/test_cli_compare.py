"""``stratsim compare`` and the perspective of ``stratsim run`` end to end, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stratsim.cli import main
from tests.conftest import SMALL_SCENARIO, write

VARIANT = """\
stratsim: 1
extends: small.yaml
name: small-late
strategy:
  pattern:
    rosters:
      desk:
        - {days: mon-fri, from: "08:00", to: "18:00", staff: 5}
"""
PERSPECTIVE = """\
strategy:
  perspective:
    objectives: {satisfaction: 1, profit: 1}
    constraints: ["satisfaction >= 4", "cost <= budget"]
  plan:
    budget: {per_month: 70000}
"""


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    base = write(tmp_path, "small.yaml", SMALL_SCENARIO.replace("strategy:\n", PERSPECTIVE, 1))
    return base, write(tmp_path, "late.yaml", VARIANT)


def test_compare_writes_its_files_and_prints_table_and_verdict(pair, tmp_path) -> None:
    result = invoke("compare", *pair, "--out", tmp_path / "o", "-r", "3", "--no-report")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "comparison.csv", "comparison.json", "manifest.json", "replications.csv", "scenarios"]
    document = json.loads((tmp_path / "o" / "comparison.json").read_text())
    assert document["baseline"] == "small" and document["replications"] == 3 and document["seed"] == 5
    assert "Δ small-late" in result.output and "wait_mean_min" in result.output
    assert document["verdict"].split(".")[0] in " ".join(result.output.split())
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert [s["name"] for s in manifest["scenarios"]] == ["small", "small-late"]
    assert all(len(s["scenario_file_sha256"]) == 64 for s in manifest["scenarios"])
    replications = (tmp_path / "o" / "replications.csv").read_text().splitlines()
    assert replications[0] == "scenario,replication,scope,id,tier,kpi,value"
    assert {line.split(",")[0] for line in replications[1:]} == {"small", "small-late"}


def test_compare_is_identical_for_any_jobs_and_takes_baseline_and_seed(pair, tmp_path) -> None:
    for name, extra in (("a", ()), ("b", ("--jobs", "2")), ("c", ("--baseline", "small-late", "--seed", "9"))):
        result = invoke("compare", *pair, "--out", tmp_path / name, "-r", "2", *extra)
        assert result.exit_code == 0, result.output
    first, second = ((tmp_path / n / "comparison.json").read_bytes() for n in ("a", "b"))
    assert first == second
    other = json.loads((tmp_path / "c" / "comparison.json").read_text())
    assert other["baseline"] == "small-late" and other["seed"] == 9 and list(other["differences"]) == ["small"]


def test_default_folder_force_and_refusal_follow_the_run_rules(pair, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("compare", *pair, "-r", "1").exit_code == 0
    root = tmp_path / "results" / "small-compare"
    assert (root / "latest" / "comparison.json").exists()
    out = tmp_path / "o"
    assert invoke("compare", *pair, "-r", "1", "--out", out).exit_code == 0
    refused = invoke("compare", *pair, "-r", "1", "--out", out)
    assert refused.exit_code == 2 and "--force" in refused.output
    assert invoke("compare", *pair, "-r", "1", "--out", out, "--force").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "charts", "comparison.csv", "comparison.json", "manifest.json", "replications.csv", "report.html",
        "scenarios"]


def test_bad_constraint_is_located_exit_2_and_nothing_is_written(pair, tmp_path) -> None:
    bad = write(tmp_path, "bad.yaml", VARIANT.replace("small-late", "bad") + (
        '  perspective:\n    constraints: ["__import__(\'os\').system(\'touch pwned\') == 0"]\n'))
    result = invoke("compare", pair[0], bad, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "bad.yaml:10:19: strategy.perspective.constraints[0]: invalid constraint" in result.output
    assert not (tmp_path / "o").exists() and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(("args", "words"), [
    (("--baseline", "smal"), '--baseline: "smal" is not the name of any scenario compared (did you mean "small"?)'),
    (("--jobs", "0"), "Invalid value for '--jobs'"),
])  # fmt: skip
def test_bad_options_exit_2(pair, tmp_path, args, words) -> None:
    result = invoke("compare", *pair, "--out", tmp_path / "o", *args)
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_same_file_twice_is_a_located_name_clash(pair, tmp_path) -> None:
    result = invoke("compare", pair[1], pair[1], "--out", tmp_path / "o")
    assert result.exit_code == 2 and "late.yaml:3:1: name:" in result.output


def test_user_text_is_never_markup(pair, tmp_path) -> None:
    out = tmp_path / "[bold]o[/bold]"
    result = invoke("compare", *pair, "-r", "1", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"results in {out}/" in result.output


def test_run_prints_score_and_feasibility_and_writes_them(pair, tmp_path) -> None:
    result = invoke("run", pair[0], "--out", tmp_path / "o", "-r", "3")
    assert result.exit_code == 0, result.output
    assert "score " in result.output and "feasibility:" in result.output
    assert "satisfaction >= 4" in result.output and "cost <= budget" in result.output
    perspective = json.loads((tmp_path / "o" / "summary.json").read_text())["perspective"]
    assert set(perspective) >= {"score", "objectives", "feasible", "constraints", "sla_targets", "budget"}
    assert perspective["reference"] == "small"


def test_compare_keeps_each_scenarios_run_files_and_draws_the_report(pair, tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = invoke("compare", *pair, "--out", out, "-r", "2")
    assert result.exit_code == 0, result.output
    for name in ("small", "small-late"):
        folder = out / "scenarios" / name
        assert json.loads((folder / "summary.json").read_text())["scenario"] == name
        assert {"timeseries.csv", "week.csv", "waits.csv", "model.json", "scenario.yaml", "rules.csv",
                "replications.csv"} <= {p.name for p in folder.iterdir()}
    assert (out / "report.html").exists() and f"report: {out / 'report.html'}" in result.output
    again = invoke("compare", *pair, "--out", out, "-r", "2", "--force", "--no-report")
    assert again.exit_code == 0, again.output
    assert not (out / "report.html").exists() and not (out / "charts").exists()
    assert sorted(p.name for p in (out / "scenarios").iterdir()) == ["small", "small-late"]


def test_compare_has_the_file_limit_on_replications(pair) -> None:
    result = invoke("compare", *pair, "--replications", "100001")
    assert result.exit_code == 2 and "100000" in result.output


def test_a_warning_every_scenario_shares_is_printed_once_and_briefly(tmp_path: Path):
    busy = SMALL_SCENARIO.replace("rate: 5", "rate: 40")   # the desk runs past its staff
    write(tmp_path, "small.yaml", busy)
    variant = write(tmp_path, "variant.yaml", "stratsim: 1\nextends: small.yaml\nname: small-priced\n"
                                              "services:\n  - {id: desk, price: 45}\n")
    out = tmp_path / "out"
    result = invoke("compare", tmp_path / "small.yaml", variant, "--replications", 2, "--no-report",
                    "--out", out)
    assert result.exit_code == 0, result.output
    shared = [line for line in result.output.splitlines() if "every scenario: desk:" in line]
    assert len(shared) == 1 and "offered load" in shared[0]
    assert "Erlang" not in shared[0] and "stratsim validate" in result.output   # brief; where the rest is
    manifest = json.loads((out / "manifest.json").read_text())
    assert sum(w.startswith("small: desk:") or w.startswith("small-priced: desk:")
               for w in manifest["warnings"]) == 2
    assert all("Erlang" in w for w in manifest["warnings"] if ": desk:" in w)   # the manifest keeps it all


def test_shared_warnings_keep_the_order_of_first_appearance():
    from stratsim.cli_compare import shared_warnings

    assert shared_warnings([("a", "x"), ("b", "y"), ("b", "x"), ("c", "y")]) == ["a, b: x", "b, c: y"]
    assert shared_warnings([("a", "x"), ("b", "y"), ("b", "x"), ("c", "y"), ("c", "x")], ["a", "b", "c"]) == [
        "every scenario: x", "b, c: y"]
    assert shared_warnings([("a", "x")], ["a"]) == ["a: x"]
