"""``stratsim forecast`` and ``stratsim staff`` end to end, in process."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from stratsim.cli import main
from stratsim.scenario import load_scenario, load_scenario_text
from tests.conftest import write

ROOT = Path(__file__).parents[1]
SAMPLE_HISTORY = ROOT / "scenarios" / "data" / "helpdesk-history.csv"

DESK = """\
stratsim: 1
name: desk
horizon: 8d
warmup: 1d
replications: 10
seed: 3
services:
  - id: desk
    staff: 1
    service_time: {dist: exponential, mean: 15min}
    costs: {staff_hour: 30}
segments:
  - id: callers
    rate: 6
    daily_profile: business-hours
    mix: {desk: 1}
"""


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def count_history(tmp_path: Path, weeks: int = 4, seed: int = 1) -> Path:
    """Hourly counts of a known weekday/weekend office demand."""
    rng = np.random.default_rng(seed)
    lines = ["timestamp,count"]
    for k in range(weeks * 168):
        hour, day = k % 24, (k // 24) % 7
        rate = (6.0 if 8 <= hour < 18 else 0.5) * (1.0 if day < 5 else 0.3)
        lines.append(f"2025-01-{6 + k // 24:02d} {hour:02d}:00,{rng.poisson(rate)}"
                     if k // 24 < 26 else f"2025-02-{k // 24 - 25:02d} {hour:02d}:00,{rng.poisson(rate)}")
    return write(tmp_path, "calls.csv", "\n".join(lines) + "\n")


def test_forecast_writes_a_segments_fragment_that_runs_in_a_scenario(tmp_path):
    history = count_history(tmp_path)
    out = tmp_path / "fc" / "callers.yaml"
    result = invoke("forecast", history, "--service", "desk", "--segment", "callers", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "callers.csv", "callers.json", "callers.png", "callers.yaml"]
    fragment = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(fragment) == ["segments"] and len(fragment["segments"]) == 1
    segment = fragment["segments"][0]
    assert list(segment) == ["id", "rate", "daily_profile", "weekly_profile", "growth_per_year", "mix"]
    assert segment["mix"] == {"desk": 1.0} and len(segment["daily_profile"]) == 24
    # pasted under segments: of a scenario, it loads (and its service exists there)
    scenario_text = DESK.split("segments:")[0] + out.read_text(encoding="utf-8")
    scenario = load_scenario_text(scenario_text, "pasted.yaml")
    assert scenario.segments[0].id == "callers"
    text = " ".join(result.output.split())
    assert "Hold-out, last 2 week(s)" in text and "seasonal-naive" in text
    evidence = json.loads((tmp_path / "fc" / "callers.json").read_text())
    assert evidence["holdout"]["wape_forecast"] < evidence["holdout"]["wape_seasonal_naive"]
    week = (tmp_path / "fc" / "callers.csv").read_text().splitlines()
    assert week[0].startswith("hour_of_week,label,observed_mean") and len(week) == 169


def test_forecast_without_out_prints_the_fragment_and_refuses_to_overwrite(tmp_path):
    history = count_history(tmp_path, weeks=2)
    result = invoke("forecast", history)
    assert result.exit_code == 0, result.output
    assert "segments:\n- id: calls\n" in result.output    # the file's name is the default id
    out = write(tmp_path, "taken.yaml", "keep me\n")
    result = invoke("forecast", history, "--out", out)
    assert result.exit_code == 2 and "already exist" in result.output
    assert out.read_text() == "keep me\n"
    assert invoke("forecast", history, "--out", out, "--force").exit_code == 0
    assert "segments" in yaml.safe_load(out.read_text())


@pytest.mark.parametrize(
    "text, located",
    [
        ("timestamp\n", "no rows"),
        ("timestamp\n2025-03-03 08:00\n2025-03-03 8 o'clock\n", "bad.csv:3: timestamp: expected an ISO 8601"),
        ("timestamp,count\n2025-03-03 08:00,1\n2025-03-03 09:00,-1\n", "bad.csv:3: count: expected a whole number"),
    ],
)
def test_forecast_bad_history_exits_2_naming_the_row(tmp_path, text, located):
    result = invoke("forecast", write(tmp_path, "bad.csv", text))
    assert result.exit_code == 2
    assert located in " ".join(result.output.split()) and "Traceback" not in result.output


def test_forecast_bad_options_exit_2(tmp_path):
    history = count_history(tmp_path, weeks=2)
    assert invoke("forecast", history, "--segment", "9lives").exit_code == 2
    result = invoke("forecast", history, "--out", tmp_path / "x.png")
    assert result.exit_code == 2 and "ending in .yaml" in result.output


def test_forecast_without_statsmodels_says_how_to_install(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_statsmodels(name, *args, **kwargs):
        if name.startswith("statsmodels"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_statsmodels)
    result = invoke("forecast", count_history(tmp_path, weeks=2))
    assert result.exit_code == 2 and 'pip install "stratsim[plan]"' in result.output


def test_the_sample_history_is_what_its_script_makes(tmp_path, monkeypatch):
    """scenarios/data/make_history.py, run again, writes the committed file byte for byte."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_history", SAMPLE_HISTORY.with_name("make_history.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path / "history.csv")
    module.main()
    assert (tmp_path / "history.csv").read_bytes() == SAMPLE_HISTORY.read_bytes()


def test_staff_writes_a_roster_fragment_that_runs_and_meets_the_target(tmp_path):
    scenario = write(tmp_path, "desk.yaml", DESK)
    out = tmp_path / "plan" / "desk.yaml"
    result = invoke("staff", scenario, "--service", "desk", "--target", "80%/20min",
                    "--shrinkage", "0.3", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "desk.csv", "desk.json", "desk.png", "desk.yaml"]
    fragment = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(fragment) == ["rosters"] and list(fragment["rosters"]) == ["desk"]
    assert all(set(w) == {"days", "from", "to", "staff"} for w in fragment["rosters"]["desk"])
    # pasted under strategy: pattern: rosters:, through extends
    staffed = write(tmp_path, "staffed.yaml", "stratsim: 1\nextends: desk.yaml\nname: staffed\n"
                    "strategy:\n  pattern:\n" + "".join(
                        f"    {line}\n" for line in out.read_text().splitlines() if not line.startswith("#")))
    assert load_scenario(staffed).strategy.pattern.rosters["desk"]
    document = json.loads((tmp_path / "plan" / "desk.json").read_text())
    assert document["reachable"] is True and document["intervals_short"] == 0
    assert document["scheduled_hours_per_week"] == pytest.approx(document["staff_hours_per_week"] / 0.7)
    assert document["staff_cost_per_week"] == pytest.approx(30 * document["scheduled_hours_per_week"])
    rows = (tmp_path / "plan" / "desk.csv").read_text().splitlines()
    assert rows[0].startswith("interval,days,from,to,arrival_rate_per_h") and len(rows) == 25
    assert all(row.endswith((",met", ",no demand")) for row in rows[1:])
    text = " ".join(result.output.split())
    assert "every interval meets 80%/20min" in text and "Erlang alone" in text


def test_staff_unreachable_target_exits_1_with_the_best_found(tmp_path):
    scenario = write(tmp_path, "desk.yaml", DESK)
    result = invoke("staff", scenario, "--service", "desk", "--target", "80%/20min", "--max-staff", "2")
    assert result.exit_code == 1, result.output
    assert "Unreachable" in result.output and "Best found" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--service", "desk", "--target", "80/20min"], "--target: expected PERCENT/WAIT"),
        (["--service", "desk", "--target", "80%/20min", "--interval", "45min"], "--interval"),
        (["--service", "desk", "--target", "80%/20min", "--shifts", "7.5h"], "--shifts"),
        (["--service", "counter", "--target", "80%/20min"], "no service 'counter'"),
    ],
)
def test_staff_bad_options_exit_2(tmp_path, args, message):
    result = invoke("staff", write(tmp_path, "desk.yaml", DESK), *args)
    assert result.exit_code == 2 and message in " ".join(result.output.split())


def test_the_walk_through_scenarios_hold_what_the_commands_make():
    """scenarios/helpdesk-forecast.yaml holds the forecast of the sample history as the
    README's command makes it; both walk-through scenarios load, the staffed one with a
    helpdesk roster covering every hour of the week."""
    from stratsim.analysis.forecast import segment_fragment
    from stratsim.runner.forecasting import forecast_file
    from stratsim.strategy.rosters import weekly_schedule

    fitted = forecast_file(SAMPLE_HISTORY, trend=False)
    text = (ROOT / "scenarios" / "helpdesk-forecast.yaml").read_text(encoding="utf-8")
    pasted = yaml.safe_load(text)["segments"]
    assert pasted == [segment_fragment(fitted.segment, "employees")]
    forecast = load_scenario(ROOT / "scenarios" / "helpdesk-forecast.yaml")
    assert str(forecast.start) == fitted.origin.date().isoformat()
    staffed = load_scenario(ROOT / "scenarios" / "helpdesk-forecast-staffed.yaml")
    windows = staffed.strategy.pattern.rosters["helpdesk"]
    covered = weekly_schedule(windows, base_staff=-1)
    assert all(covered.staff_at(h + 0.5, -1) >= 1 for h in range(168))
