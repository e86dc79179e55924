"""Comparisons on common random numbers: pairing, exact zeros, Holm, files, errors, the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stratsim.analysis.comparison import unpaired_difference
from stratsim.engine.compile import compile_scenario
from stratsim.errors import ScenarioError, StratsimError
from stratsim.runner.compare import (
    COMPARISON_COLUMNS,
    compare,
    load_contenders,
    write_comparison_files,
)
from stratsim.runner.batches import ModelRun, run_batch
from stratsim.runner.evaluators import SerialEvaluator
from tests.conftest import SMALL_SCENARIO, write

MORE_STAFF = """\
stratsim: 1
extends: small.yaml
name: small-more-staff
strategy:
  pattern:
    rosters:
      desk:
        - {days: mon-fri, from: "08:00", to: "18:00", staff: 5}
"""
TWIN = "stratsim: 1\nextends: small.yaml\nname: small-twin\n"
PERSPECTIVE = """\
strategy:
  perspective:
    objectives: {satisfaction: 0.5, profit: 0.5}
    constraints: ["satisfaction >= 4", "cost <= budget"]
  plan:
    budget: {per_month: 70000}   # 16,333 for the 7-day window
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {"small": write(tmp_path, "small.yaml", SMALL_SCENARIO),
            "more": write(tmp_path, "more.yaml", MORE_STAFF),
            "twin": write(tmp_path, "twin.yaml", TWIN)}


@pytest.fixture(scope="module")
def staffed(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("staffed")
    base = SMALL_SCENARIO.replace("strategy:\n", PERSPECTIVE, 1)
    write(folder, "small.yaml", base.replace("sla: {wait: 15min}", "sla: {wait: 15min, attainment: 0.7}"))
    more, twin = write(folder, "more.yaml", MORE_STAFF), write(folder, "twin.yaml", TWIN)
    return compare([folder / "small.yaml", more, twin], replications=6)


def test_same_streams_make_arrivals_identical_and_differences_exactly_zero(staffed) -> None:
    more = staffed.document["differences"]["small-more-staff"]
    for arrivals in (more["kpis"]["arrivals"], more["services"]["desk"]["arrivals"],
                     more["segments"]["staff"]["arrivals"]):
        assert arrivals["mean"] == 0 and arrivals["ci95"] == [0.0, 0.0]
        assert arrivals["p_value"] == 1.0 and arrivals["significant"] is False
    # backup is untouched by desk's staff: its every KPI is identical, replication by replication
    backup = _entries(more["services"]["backup"])
    assert len(backup) > 15
    assert all(d["mean"] in (0, None) and d["ci95"] in ([0.0, 0.0], None) for d in backup)
    twin = staffed.document["differences"]["small-twin"]
    leaves = [d for d in _entries(twin)]
    assert leaves and all(d["mean"] in (0, None) and not d["significant"] for d in leaves)


def _entries(tree: dict) -> list[dict]:
    found = []
    for value in tree.values():
        if isinstance(value, dict):
            found.extend([value] if "p_value" in value else _entries(value))
    return found


def test_more_staff_cuts_the_wait_significantly_and_the_verdict_names_it(staffed) -> None:
    wait = staffed.document["differences"]["small-more-staff"]["kpis"]["wait_mean_min"]
    assert wait["significant"] and wait["ci95"][1] < 0
    cost = staffed.document["differences"]["small-more-staff"]["kpis"]["cost"]
    assert cost["significant"] and cost["ci95"][0] > 0
    verdict = staffed.verdict
    assert "small-more-staff cuts mean wait by" in verdict and "costs" in verdict and "more per week" in verdict
    assert "small-twin: no significant difference in mean wait" in verdict


def test_paired_interval_is_narrower_than_unpaired_when_randomness_is_shared(staffed) -> None:
    records = staffed.records
    wait = [[r["kpis"]["wait_mean_min"] for r in records[name]] for name in ("small-more-staff", "small")]
    paired = staffed.document["differences"]["small-more-staff"]["kpis"]["wait_mean_min"]
    unpaired = unpaired_difference(*wait)
    assert paired["mean"] == pytest.approx(unpaired["mean"])
    assert paired["ci95"][1] - paired["ci95"][0] < (unpaired["ci95"][1] - unpaired["ci95"][0]) / 2


def test_holm_families_are_recorded_and_adjusted_p_never_below_raw(staffed) -> None:
    families = staffed.document["multiple_comparisons"]["families"]
    portfolio_kpis = len(staffed.document["scenarios"]["small"]["kpis"])
    assert families["portfolio"] == 2 * portfolio_kpis and families["score"] == 2
    for name in ("small-more-staff", "small-twin"):
        for entry in _entries(staffed.document["differences"][name]):
            if entry["p_value"] is not None:
                assert entry["p_holm"] >= entry["p_value"]


def test_every_scenario_is_judged_by_the_baselines_perspective(staffed) -> None:
    scenarios = staffed.document["scenarios"]
    for name in ("small", "small-more-staff", "small-twin"):
        perspective = scenarios[name]["perspective"]
        assert [c["constraint"] for c in perspective["constraints"]] == ["satisfaction >= 4", "cost <= budget"]
        assert perspective["reference"] == "small" and perspective["budget"] == pytest.approx(70000 * 7 / 30)
    assert staffed.warnings == ()   # the variants inherit the baseline's perspective
    assert scenarios["small"]["perspective"]["feasible"] is True
    more = scenarios["small-more-staff"]["perspective"]
    assert more["feasible"] is False and more["constraints"][1]["status"] == "violated"
    # the infeasible scenario is left out; the twin scores exactly like the baseline
    assert staffed.document["ranking"] == ["small", "small-twin"]
    assert staffed.document["ranking_detail"][0]["distinguishable_from_next"] is False
    twin_score = staffed.document["differences"]["small-twin"]["score"]
    assert twin_score["mean"] == 0 and twin_score["significant"] is False
    verdict = staffed.verdict
    assert "small-more-staff is infeasible: cost 16," in verdict and "> budget 16,333" in verdict
    assert "not distinguishable: small and small-twin" in verdict


def test_a_variant_with_its_own_perspective_is_warned_about(files, tmp_path) -> None:
    own = write(tmp_path, "own.yaml", TWIN.replace("small-twin", "own") + PERSPECTIVE)
    result = compare([files["small"], own], replications=2)
    assert result.warnings == ("own: its own perspective differs from the baseline's; every scenario "
                               "is judged by the perspective of small",)
    assert "ranking" not in result.document   # the baseline has no objectives
    assert result.document["scenarios"]["own"]["perspective"]["constraints"] == []   # small has none


def test_results_do_not_depend_on_jobs_and_batches_compose(files) -> None:
    paths = [files["small"], files["more"]]
    one = compare(paths, replications=3, jobs=1)
    two = compare(paths, replications=3, jobs=2)
    assert json.dumps(one.document) == json.dumps(two.document)
    runs = [ModelRun(compile_scenario(c.scenario)) for c in load_contenders(paths)]
    whole = run_batch(runs, 5, 0, 3, SerialEvaluator())
    parts = [run_batch(runs, 5, first, stop, SerialEvaluator()) for first, stop in ((0, 1), (1, 3))]
    assert whole == [parts[0][i] + parts[1][i] for i in range(2)]


def test_seed_and_replications_default_to_the_baselines(files, tmp_path) -> None:
    other = write(tmp_path, "other.yaml", TWIN.replace("small-twin", "other") + "seed: 99\nreplications: 2\n")
    result = compare([files["small"], other])
    assert result.document["seed"] == 5 and result.document["replications"] == 3
    flipped = compare([files["small"], other], baseline="other")
    assert flipped.document["seed"] == 99 and flipped.document["replications"] == 2
    assert flipped.baseline == "other" and list(flipped.document["differences"]) == ["small"]


def test_files_rows_and_dataframe(staffed, tmp_path) -> None:
    write_comparison_files(tmp_path, staffed, {"manifest": True})
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "comparison.csv", "comparison.json", "manifest.json", "replications.csv"]
    document = json.loads((tmp_path / "comparison.json").read_text())
    assert {"baseline", "replications", "seed", "scenarios", "differences", "ranking", "verdict"} <= set(document)
    rows = staffed.rows()
    per_scenario = {name: sum(1 for r in rows if r["scenario"] == name) for name in document["scenarios"]}
    assert per_scenario["small"] == per_scenario["small-twin"] > 60
    assert {r["scope"] for r in rows} == {"portfolio", "service", "tier", "segment", "perspective"}
    baseline_rows = [r for r in rows if r["scenario"] == "small"]
    assert all(r["difference"] is None and r["significant"] is None for r in baseline_rows)
    header = (tmp_path / "comparison.csv").read_text().splitlines()[0].split(",")
    assert tuple(header) == COMPARISON_COLUMNS
    frame = staffed.to_dataframe()
    assert list(frame.columns) == list(COMPARISON_COLUMNS) and len(frame) == len(rows)
    wait = frame[(frame.scenario == "small-more-staff") & (frame.scope == "portfolio") & (frame.kpi == "wait_mean_min")]
    assert bool(wait.significant.iloc[0]) and wait.difference.iloc[0] < 0


def test_dataframe_without_pandas_says_how_to_get_it(staffed, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"stratsim\[pandas\]"):
        staffed.to_dataframe()


def test_the_api_is_exported_from_the_package() -> None:
    import stratsim

    assert stratsim.compare is compare and "compare" in stratsim.__all__


def test_printable_table_and_verdict(staffed) -> None:
    text = str(staffed)
    assert "wait_mean_min" in text and "Δ small-more-staff" in text and "score" in text
    assert text.rstrip().endswith(staffed.verdict.rstrip()) and "\x1b[" not in text


def test_duplicate_names_are_located_at_the_name(files, tmp_path) -> None:
    copy = write(tmp_path, "copy.yaml", TWIN)
    with pytest.raises(ScenarioError) as caught:
        compare([files["small"], files["twin"], copy])
    (issue,) = caught.value.issues
    assert (issue.file, issue.line, issue.column, issue.path) == (str(copy), 3, 1, "name")
    assert "distinct names" in issue.message
    with pytest.raises(ScenarioError) as inherited:
        compare([files["small"], write(tmp_path, "nameless.yaml", "stratsim: 1\nextends: small.yaml\n")])
    assert "inherited through extends" in str(inherited.value)


def test_baseline_must_be_among_the_scenarios(files) -> None:
    with pytest.raises(StratsimError, match=r'--baseline: "small-more" is not the name .*did you mean "small-more-staff"'):
        compare([files["small"], files["more"]], baseline="small-more")


def test_different_windows_and_a_single_scenario_are_refused(files, tmp_path) -> None:
    longer = write(tmp_path, "longer.yaml", TWIN.replace("small-twin", "longer") + "horizon: 15d\n")
    with pytest.raises(ScenarioError) as caught:
        compare([files["small"], longer])
    (issue,) = caught.value.issues
    assert issue.path == "horizon" and issue.line == 4 and "same window" in issue.message
    with pytest.raises(StratsimError, match="at least two"):
        compare([files["small"]])


def test_every_bad_file_is_reported_in_one_pass(files, tmp_path) -> None:
    bad = write(tmp_path, "bad.yaml", TWIN + 'strategy:\n  perspective:\n    constraints: ["open(\'x\') > 1"]\n')
    worse = write(tmp_path, "worse.yaml", TWIN.replace("small-twin", "worse") + "horizon: -1d\n")
    with pytest.raises(ScenarioError) as caught:
        compare([files["small"], bad, worse])
    assert {Path(i.file).name for i in caught.value.issues} == {"bad.yaml", "worse.yaml"}


def test_a_contender_left_with_unfinished_customers_is_warned_about(tmp_path) -> None:
    """One server against three customers an hour for a day: a drain of a day cannot finish."""
    base = ("stratsim: 1\nname: two\nhorizon: 1d\nservices:\n  - {id: desk, staff: 2, "
            "service_time: {dist: exponential, mean: 1h}}\nsegments:\n"
            "  - {id: all, rate: 1, mix: {desk: 1}}\n")
    write(tmp_path, "two.yaml", base)
    one = write(tmp_path, "one.yaml", "stratsim: 1\nextends: two.yaml\nname: one\n"
                "services:\n  - {id: desk, staff: 1}\nsegments:\n  - {id: all, rate: 3}\n")
    comparison = compare([tmp_path / "two.yaml", one], replications=2)
    unfinished = [w for w in comparison.warnings if "unfinished" in w]
    assert len(unfinished) == 1 and unfinished[0].startswith("one: desk:")
