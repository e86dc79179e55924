"""The command line end to end: files, folders, reproducibility, errors with exit status 2."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stratsim.cli import main
from tests.conftest import SMALL_SCENARIO, write


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


RESULT_FILES = ["manifest.json", "model.json", "replications.csv", "rules.csv", "scenario.yaml",
                "summary.json", "timeseries.csv", "waits.csv", "week.csv"]


def run_ok(*args, report: bool = False) -> None:
    """Run; without the charts and report unless they are what the test is about (they take seconds)."""
    result = invoke("run", *args, *([] if report else ["--no-report"]))
    assert result.exit_code == 0, result.output


def test_run_writes_every_result_file(small_scenario, tmp_path):
    out = tmp_path / "out"
    run_ok(small_scenario, "--out", out, report=True)
    assert sorted(p.name for p in out.iterdir()) == sorted([*RESULT_FILES, "charts", "report.html"])
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert "wait-by-hour.png" in charts and "wait-by-hour.svg" in charts and len(charts) % 2 == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "small" and summary["replications"] == 3 and summary["seed"] == 5
    assert summary["horizon_hours"] == 192 and summary["warmup_hours"] == 24
    assert set(summary) == {"stratsim_version", "scenario", "scenario_sha256", "replications", "seed",
                            "horizon_hours", "warmup_hours", "kpis", "services", "segments",
                            "perspective"}   # desk's SLA target is judged
    assert [t["service"] for t in summary["perspective"]["sla_targets"]] == ["desk"]
    wait = summary["services"]["desk"]["tiers"]["gold"]["wait_mean_min"]
    assert set(wait) == {"mean", "ci95", "std", "n"} and wait["n"] == 3
    assert "utilization" in summary["services"]["backup"] and "tiers" not in summary["services"]["backup"]
    assert "utilization" not in summary["segments"]["staff"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["bit_generator"] == "PCG64" and manifest["jobs"] == 1 and "wall_time_s" in manifest
    with open(out / "timeseries.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 * 2 * 192  # replications × services × hourly bins
    assert rows[0]["datetime"] == ""   # no start date in the scenario
    with open(out / "replications.csv") as handle:
        reps = {row["replication"] for row in csv.DictReader(handle)}
    assert reps == {"0", "1", "2"}


def test_same_seed_identical_any_jobs_and_other_seed_differs(small_scenario, tmp_path):
    for name, extra in (("a", ()), ("b", ()), ("jobs2", ("--jobs", "2")), ("seed", ("--seed", "6"))):
        run_ok(small_scenario, "--out", tmp_path / name, *extra)
    summary = {n: (tmp_path / n / "summary.json").read_bytes() for n in ("a", "b", "jobs2", "seed")}
    assert summary["a"] == summary["b"] == summary["jobs2"]
    assert summary["seed"] != summary["a"]
    assert (tmp_path / "a" / "timeseries.csv").read_bytes() == (tmp_path / "jobs2" / "timeseries.csv").read_bytes()


def test_replications_option_overrides_file(small_scenario, tmp_path):
    run_ok(small_scenario, "--out", tmp_path / "o", "--replications", "2")
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["replications"] == 2


def test_out_folder_with_result_is_refused_without_force(small_scenario, tmp_path):
    out = tmp_path / "o"
    run_ok(small_scenario, "--out", out, "-r", "1", report=True)
    refused = invoke("run", small_scenario, "--out", out, "-r", "1", "--no-report")
    assert refused.exit_code == 2 and "--force" in refused.output
    (out / "charts" / "mine.txt").write_text("kept")
    run_ok(small_scenario, "--out", out, "-r", "1", "--force")
    # --force deleted the earlier report and charts (stratsim's files), and nothing of the user's
    assert not (out / "report.html").exists() and sorted(p.name for p in (out / "charts").iterdir()) == ["mine.txt"]
    run_ok(small_scenario, "--out", out, "-r", "1", "--force", report=True)
    assert (out / "report.html").exists() and (out / "charts" / "mine.txt").read_text() == "kept"


def test_no_report_skips_charts_and_report(small_scenario, tmp_path):
    run_ok(small_scenario, "--out", tmp_path / "o", "-r", "1")
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == RESULT_FILES


def test_a_report_that_cannot_be_drawn_costs_the_report_not_the_run(small_scenario, tmp_path, monkeypatch):
    def broken(folder, **kwargs):
        (folder / "charts").mkdir()
        (folder / "charts" / "half.png").write_bytes(b"")
        raise ValueError("a bug in a chart")

    monkeypatch.setattr("stratsim.report.write_report", broken)
    result = invoke("run", small_scenario, "--out", tmp_path / "o", "-r", "1")
    assert result.exit_code == 0, result.output
    assert "the report could not be drawn (ValueError: a bug in a chart)" in result.output
    assert f"stratsim report {tmp_path / 'o'}" in result.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == RESULT_FILES


def test_default_folder_never_overwrites(small_scenario, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_ok(small_scenario, "-r", "1")
    run_ok(small_scenario, "-r", "1")
    runs = [p for p in (tmp_path / "results" / "small").iterdir() if p.name != "latest"]
    assert len(runs) == 2
    assert (tmp_path / "results" / "small" / "latest" / "summary.json").exists()


def test_validate_and_schema(small_scenario):
    assert invoke("validate", small_scenario).exit_code == 0
    schema = json.loads(invoke("schema").output)
    assert {"services", "segments", "strategy", "horizon"} <= set(schema["properties"])


BAD_INPUTS = {
    # name: (edit of the small scenario, field path, words of the message); the error must be
    # located on the edited line
    "malformed yaml": (("    staff: 2\n", "    staff: 2\n\tprice: 3\n"), "", "invalid YAML"),
    "unknown field": (("    staff: 2\n", "    stafff: 2\n"), "services[desk].stafff", "did you mean 'staff'"),
    "negative staff": (("    staff: 2\n", "    staff: -2\n"), "services[desk].staff", "-2"),
    "unknown service in mix": (("mix: {desk: 1}", "mix: {desks: 1}"), "segments[branches].mix.desks", "desks"),
    "bad duration": (("horizon: 8d", "horizon: 8 weeks"), "horizon", "duration"),
    "cv not positive": (("cv: 0.8}", "cv: 0}"), "services[desk].service_time.cv", "cv must be > 0"),
}


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_located_with_exit_2(case, tmp_path):
    (old, new), field, words = BAD_INPUTS[case]
    line = line_of(SMALL_SCENARIO, old) + (1 if case == "malformed yaml" else 0)
    path = write(tmp_path, "bad.yaml", SMALL_SCENARIO.replace(old, new, 1))
    for verb in ("run", "validate"):
        result = invoke(verb, path, *(["--out", tmp_path / "o"] if verb == "run" else []))
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert f"bad.yaml:{line}:" in result.output and field in result.output
        assert words in result.output
    assert not (tmp_path / "o").exists()


def test_empty_portfolio_is_located(tmp_path):
    text = SMALL_SCENARIO.split("services:")[0] + "services: []\nsegments: []\n"
    result = invoke("validate", write(tmp_path, "empty.yaml", text))
    assert result.exit_code == 2
    assert f"empty.yaml:{line_of(text, 'services: []')}:" in result.output
    assert "services" in result.output


def test_console_script_reports_without_traceback(tmp_path):
    path = write(tmp_path, "bad.yaml", SMALL_SCENARIO.replace("    staff: 2\n", "    staff: -2\n", 1))
    completed = subprocess.run([sys.executable, "-m", "stratsim.cli", "run", str(path)],
                               capture_output=True, text=True, cwd=tmp_path)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr and "bad.yaml:9:" in completed.stderr
    assert not (tmp_path / "results").exists()


def test_the_console_script_freezes_the_collector_only_as_it_exits(monkeypatch):
    """``stratsim`` (the console script) runs :func:`main`, then freezes what the process holds
    so that the interpreter's shutdown does not collect over it; ``main`` alone does not."""
    import gc
    import tomllib

    from stratsim import cli

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    assert tomllib.loads(pyproject.read_text())["project"]["scripts"]["stratsim"] == "stratsim.cli:entry"
    steps = []

    def command() -> None:
        steps.append("command")
        raise SystemExit(3)

    monkeypatch.setattr(cli, "main", command)
    monkeypatch.setattr(gc, "freeze", lambda: steps.append("freeze"))
    with pytest.raises(SystemExit) as exited:
        cli.entry()
    assert exited.value.code == 3   # the command's own status
    assert steps == ["command", "freeze"]


@pytest.mark.parametrize("jobs, signal_name", [("1", "SIGINT"), ("2", "SIGINT"), ("1", "SIGTERM")])
def test_interrupted_run_stops_at_once_and_leaves_nothing(tmp_path, jobs, signal_name, start_in_own_group):
    import signal
    import time

    long_run = SMALL_SCENARIO.replace("horizon: 8d", "horizon: 2000w").replace("replications: 3", "replications: 50")
    path = write(tmp_path, "long.yaml", long_run)
    process = start_in_own_group(
        [sys.executable, "-m", "stratsim.cli", "run", str(path), "--out", "o", "--jobs", jobs], tmp_path)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("o/.stratsim-partial-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert time.monotonic() < deadline, "the run never started"
    time.sleep(1.5)   # workers, if any, are busy by now
    sent = time.monotonic()
    os.killpg(process.pid, getattr(signal, signal_name))   # as a terminal sends Ctrl-C to the group
    _, stderr = process.communicate(timeout=60)
    assert time.monotonic() - sent < 10, "the run went on after the interrupt"
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "o").exists()


def test_disk_full_while_writing_is_a_located_error_not_a_traceback(small_scenario, tmp_path, monkeypatch):
    import errno

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("stratsim.runner.results.write_run_files", full)
    result = invoke("run", small_scenario, "--out", tmp_path / "o", "-r", "1", "--no-report")
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def test_an_unlinkable_latest_is_a_warning_and_the_result_stands(small_scenario, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results" / "small" / "latest").mkdir(parents=True)   # a folder where the link goes
    result = invoke("run", small_scenario, "-r", "1", "--no-report")
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "latest" in result.output
    runs = [p for p in (tmp_path / "results" / "small").iterdir() if p.name[0].isdigit()]
    assert len(runs) == 1 and (runs[0] / "manifest.json").exists()
    assert not list((tmp_path / "results" / "small").glob(".latest-*"))


def test_an_interrupt_while_moving_the_result_in_waits_for_it(small_scenario, tmp_path, monkeypatch):
    import signal

    import stratsim.cli as cli

    real_commit = cli.commit

    def interrupted_commit(plan):
        os.kill(os.getpid(), signal.SIGTERM)   # arrives between the moves if not held back
        return real_commit(plan)

    monkeypatch.setattr(cli, "commit", interrupted_commit)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        result = invoke("run", small_scenario, "--out", tmp_path / "o", "-r", "1", "--no-report")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result.exit_code == 130 and "the result was complete" in result.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == RESULT_FILES


def test_an_interrupt_before_anything_is_staged_exits_130_too(small_scenario, tmp_path, monkeypatch):
    def interrupted(path):
        raise KeyboardInterrupt   # Ctrl-C while the scenario is read

    monkeypatch.setattr("stratsim.scenario.load_scenario", interrupted)
    result = invoke("run", small_scenario, "--out", tmp_path / "o", "-r", "1")
    assert result.exit_code == 130 and "interrupted" in result.output
    assert "Aborted" not in result.output and not (tmp_path / "o").exists()


def test_validate_counts_the_errors_of_every_file(small_scenario, tmp_path):
    two = write(tmp_path, "two.yaml", SMALL_SCENARIO.replace("    staff: 2\n", "    staff: -2\n", 1)
                .replace("horizon: 8d", "horizon: soon"))
    one = write(tmp_path, "one.yaml", SMALL_SCENARIO.replace("    staff: 1\n", "    staff: -1\n", 1))
    result = invoke("validate", two, small_scenario, one)
    assert result.exit_code == 2
    assert result.output.count("error ") == 3
    assert result.output.rstrip().endswith("3 errors in 2 of 3 files")
    single = invoke("validate", two)
    assert single.output.rstrip().endswith("2 errors")


def test_user_text_that_looks_like_markup_is_printed_as_it_is(tmp_path):
    text = SMALL_SCENARIO.replace("name: small", 'name: "[/x]"').replace(
        "    price: 60\n", '    price: 60\n    "[bold]x": 1\n    ":smile:": 2\n')
    result = invoke("validate", write(tmp_path, "[red]bad:100:.yaml", text))
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)   # no MarkupError
    assert 'name: expected a name' in result.output and 'got "[/x]"' in result.output
    assert "services[backup][\"[bold]x\"]: unknown field '[bold]x'" in result.output
    assert "services[backup][\":smile:\"]: unknown field ':smile:'" in result.output
    assert "[red]bad:100:.yaml:2:7:" in result.output and "Traceback" not in result.output


def test_an_error_on_line_100_is_not_an_emoji(tmp_path):
    text = SMALL_SCENARIO + "\n" * (99 - SMALL_SCENARIO.count("\n")) + "  foo: 1\n"
    result = invoke("validate", write(tmp_path, "bad.yaml", text))
    assert "bad.yaml:100:3: strategy.foo: unknown field 'foo'" in result.output
    assert "\N{HUNDRED POINTS SYMBOL}" not in result.output


def test_an_output_folder_that_looks_like_markup(small_scenario, tmp_path):
    out = tmp_path / "[/y]" / ":100:"
    result = invoke("run", small_scenario, "--out", out, "-r", "1")
    assert result.exit_code == 0, result.output
    assert f"results in {out}/" in result.output and (out / "manifest.json").exists()


def test_control_characters_in_user_text_are_shown_escaped(tmp_path):
    text = SMALL_SCENARIO.replace("name: small", 'name: "\\e[2Jx"')
    result = invoke("validate", write(tmp_path, "esc.yaml", text))
    assert "\x1b" not in result.output and 'got "\\u001b[2Jx"' in result.output


@pytest.mark.parametrize("edit, words", [
    (('extends: "a\\0b"\n'), "cannot contain a NUL character"),
    ("services:\n  - id: desk\n    price: " + "9" * 400 + "\n", "a limit of stratsim"),
    ("segments:\n  - id: staff\n    rate: 1.0e+300\n", "at most 1,000,000 customers per hour"),
])
def test_hostile_numbers_and_paths_are_errors_not_tracebacks(tmp_path, edit, words):
    write(tmp_path, "base.yaml", SMALL_SCENARIO)
    path = write(tmp_path, "v.yaml", "extends: base.yaml\n" + edit if "extends" not in edit else edit)
    result = invoke("validate", path)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert words in result.output and "Traceback" not in result.output


def test_replications_option_has_the_file_limit(small_scenario):
    result = invoke("run", small_scenario, "--replications", "100001")
    assert result.exit_code == 2 and "100000" in result.output


def test_kpis_zero_by_construction_are_left_out_of_the_table_but_kept_in_the_summary(tmp_path):
    plain = (SMALL_SCENARIO.replace("    queue_capacity: 10\n", "")
             .replace("    patience: {dist: exponential, mean: 30min}\n", "")
             .replace("    balk_at: 8\n", ""))
    out = tmp_path / "o"
    result = invoke("run", write(tmp_path, "plain.yaml", plain), "--out", out, "-r", "2")
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip() for line in result.output.splitlines() if line.startswith("│")}
    hidden = {"blocked", "balked", "reneged", "unavailable", "deferred",
              "blocked_share", "balked_share", "reneged_share"}
    assert {"arrivals", "served", "wait_mean_min", "profit"} <= rows and not hidden & rows
    summary = json.loads((out / "summary.json").read_text())
    assert hidden <= set(summary["kpis"]) and hidden <= set(summary["services"]["desk"])


def test_kpis_a_scenario_can_make_non_zero_stay_in_the_table(small_scenario, tmp_path):
    result = invoke("run", small_scenario, "--out", tmp_path / "o", "-r", "1")
    rows = {line.split("│")[1].strip() for line in result.output.splitlines() if line.startswith("│")}
    assert {"blocked", "balked", "reneged", "reneged_share"} <= rows
    assert not {"unavailable", "deferred"} & rows


def test_the_readme_error_example_is_what_validate_prints(tmp_path, monkeypatch):
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    bad = readme.split("For this `bad.yaml`:\n\n```\n", 1)[1].split("```", 1)[0]
    printed = readme.split("`stratsim validate bad.yaml` prints\n\n```\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "bad.yaml", bad)
    result = invoke("validate", "bad.yaml")
    assert result.exit_code == 2 and result.output == printed


LOSSY = """\
stratsim: 1
name: lossy
horizon: 1w
services:
  - {id: desk, staff: 1, queue_capacity: 0, service_time: {dist: exponential, mean: 30min}}
  - {id: chat, staff: 2, service_time: {dist: exponential, mean: 30min}}
segments:
  - {id: all, rate: 2, mix: {desk: 1}}
  - {id: hasty, rate: 6, mix: {chat: 1}, patience: {dist: exponential, mean: 20min}}
"""


def test_validate_says_what_happens_instead_of_queueing_without_bound(tmp_path):
    result = invoke("validate", write(tmp_path, "lossy.yaml", LOSSY))
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())    # the console may wrap long warnings
    # Erlang B(1, 1) = 0.5 by hand; Erlang-A from the formulas
    assert ("desk: average offered load 1.00 ≥ average staff 1.00, so customers are lost instead of "
            "queueing without bound: expected blocking ≈ 50 % of arrivals over the week") in text
    assert "Erlang B, no waiting room" in text
    assert "chat: average offered load 3.00 ≥ average staff 2.00, so customers are lost" in text
    assert "would abandon over the week" in text and "Erlang-A" in text
    assert "grows without bound" not in text


def test_the_command_line_loads_no_heavy_library_until_a_verb_needs_it():
    """``stratsim --help`` must answer at once: importing the CLI (every verb declared) loads
    click and rich, not the scenario models, the engine or the charts. A structural check in a
    fresh interpreter (timings belong in benchmarks/bench_mm3.py --cli)."""
    import subprocess
    import sys

    heavy = ("numpy", "pydantic", "simpy", "scipy", "matplotlib", "networkx", "yaml", "jinja2")
    probe = (f"import sys, stratsim.cli; print(','.join(m for m in {heavy!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""
    shown = subprocess.run([sys.executable, "-m", "stratsim.cli", "--help"], capture_output=True,
                           text=True, check=True)
    assert all(verb in shown.stdout for verb in ("run", "compare", "sweep", "report", "validate"))
