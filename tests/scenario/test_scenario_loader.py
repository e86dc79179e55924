"""The loader: located errors (file, line, column, path), all issues in one pass, YAML quirks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scenario_testkit import issues_of, only, position

from stratsim.errors import ScenarioError
from stratsim.scenario import Scenario, load_scenario, load_scenario_text


def test_load_a_file(tmp_path: Path, valid_text: str) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text(valid_text, encoding="utf-8")
    assert isinstance(load_scenario(path), Scenario)
    assert load_scenario(str(path)).name == "helpdesk-baseline"


def test_malformed_yaml_is_located_where_the_fix_is(valid_text: str) -> None:
    text = valid_text.replace("    staff: 2\n", "    staff: [2\n")
    (issue,) = issues_of(text, "broken.yaml")
    assert issue.file == "broken.yaml"
    assert issue.message.startswith("invalid YAML: the list in brackets [ ] opened here is not closed")
    assert (issue.line, issue.column) == position(text, "[2")   # the parser notices a line later


def test_bad_indentation_is_located(valid_text: str) -> None:
    text = valid_text.replace("    staff: 5\n", "    staff: 5\n      oops: 1\n")
    (issue,) = issues_of(text)
    assert issue.line == position(text, "oops")[0]
    assert "mapping values are not allowed here" in issue.message


def test_unknown_field_with_did_you_mean_at_line_and_column(valid_text: str) -> None:
    text = valid_text.replace("    staff: 5\n", "    stafff: 5\n")
    issues = issues_of(text, "helpdesk.yaml")
    unknown = only(issues, "services[helpdesk].stafff")
    assert unknown.message == "unknown field 'stafff' (did you mean 'staff'?)"
    where = (unknown.file, unknown.line, unknown.column)
    assert where == ("helpdesk.yaml", *position(text, "stafff"))
    missing = only(issues, "services[helpdesk].staff")
    assert missing.message.startswith("missing required field 'staff'")
    assert missing.line == position(text, "id: helpdesk")[0]


def test_unknown_top_level_field_suggests_extends(valid_text: str) -> None:
    issue = only(issues_of(valid_text + "extend: base.yaml\n"), "extend")
    assert issue.message == "unknown field 'extend' (did you mean 'extends'?)"


def test_unknown_field_without_close_match_lists_fields(valid_text: str) -> None:
    text = valid_text.replace("attainment: 0.8}", "zzz: 1}")
    issue = only(issues_of(text), "services[helpdesk].sla.zzz")
    assert issue.message == "unknown field 'zzz'; expected one of: wait, attainment"
    assert (issue.line, issue.column) == position(text, "zzz")


def test_unknown_alias_field_suggests_the_yaml_key(valid_text: str) -> None:
    text = valid_text.replace('{days: mon-fri, from: "08:00"', '{days: mon-fri, form: "08:00"')
    issues = issues_of(text)
    assert only(issues, "strategy.pattern.rosters.helpdesk[0].form").message.endswith(
        "(did you mean 'from'?)"
    )
    assert "strategy.pattern.rosters.helpdesk[0].from" in {i.path for i in issues}


def test_negative_staff(valid_text: str) -> None:
    text = valid_text.replace("    staff: 5\n", "    staff: -1\n")
    (issue,) = issues_of(text, "s.yaml")
    assert issue.path == "services[helpdesk].staff"
    assert issue.message == "expected an integer ≥ 0, got -1"
    assert (issue.file, issue.line, issue.column) == ("s.yaml", *position(text, "-1"))
    assert str(issue) == f"s.yaml:{issue.line}:{issue.column}: services[helpdesk].staff: {issue.message}"


def test_unknown_service_in_a_mix(valid_text: str) -> None:
    text = valid_text.replace("mix: {helpdesk: 1}", "mix: {helpdeks: 1}")
    (issue,) = issues_of(text, "mix.yaml")
    assert issue.path == "segments[retail].mix.helpdeks"
    assert (issue.file, issue.line, issue.column) == ("mix.yaml", *position(text, "helpdeks"))
    assert 'unknown service "helpdeks" (did you mean "helpdesk"?)' in issue.message


def test_bad_duration(valid_text: str) -> None:
    text = valid_text.replace("horizon: 28d", "horizon: 4 weeks")
    (issue,) = issues_of(text)
    assert issue.path == "horizon"
    assert (issue.line, issue.column) == position(text, "4 weeks")
    assert issue.message == (
        'expected a duration such as "30s", "15min", "2h", "3d", "1w" or a number of hours, '
        'got "4 weeks"'
    )


def test_cv_not_positive_drops_the_union_tag_from_the_path(valid_text: str) -> None:
    text = valid_text.replace("cv: 0.8", "cv: -0.2")
    (issue,) = issues_of(text)
    assert issue.path == "services[helpdesk].service_time.cv"
    assert "cv must be > 0" in issue.message and "got -0.2" in issue.message
    assert (issue.line, issue.column) == position(text, "-0.2")


def test_unknown_distribution_is_located_and_lists_names(valid_text: str) -> None:
    text = valid_text.replace("{dist: exponential, mean: 10min}", "{dist: exponetial, mean: 10min}")
    (issue,) = issues_of(text)
    assert issue.path == "services[identity].service_time"
    assert (issue.line, issue.column) == position(text, "{dist: exponetial")
    assert "unknown distribution \"exponetial\" (did you mean 'exponential'?)" in issue.message
    assert "exponential, lognormal, gamma, deterministic, uniform, triangular, empirical" in (
        issue.message
    )


def test_empty_portfolio(valid_text: str) -> None:
    start = valid_text.index("services:\n")
    end = valid_text.index("segments:\n")
    text = valid_text[:start] + "services: []\n" + valid_text[end:]
    issues = issues_of(text, "empty.yaml")
    issue = only(issues, "services")
    assert issue.message.startswith("empty portfolio")
    assert (issue.file, issue.line) == ("empty.yaml", position(text, "[]")[0])


def test_several_errors_are_all_reported_in_one_error(valid_text: str) -> None:
    text = (
        valid_text.replace("horizon: 28d", "horizon: soon")
        .replace("    staff: 5\n", "    staff: -5\n")
        .replace("cv: 0.8", "cv: 0")
        .replace("mix: {helpdesk: 1}", "mix: {chatbot: 1}")
        .replace("    rate: 2\n", "    rate: 2\n    customers: 0\n")
        .replace("balk_at: 30", "balk_at: 30\n    balk_at: 31")
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "many.yaml")
    issues = caught.value.issues
    assert [i.path for i in issues] == [
        "horizon",
        "services[helpdesk].staff",
        "services[helpdesk].service_time.cv",
        "segments[enterprise].balk_at",
        "segments[retail].customers",
        "segments[retail].mix.chatbot",
    ]
    assert [i.line for i in issues] == sorted(i.line or 0 for i in issues)
    assert all(i.file == "many.yaml" for i in issues)
    assert str(caught.value).count("\n") == len(issues) - 1


def test_duplicate_keys_are_reported(valid_text: str) -> None:
    text = valid_text.replace("    staff: 5\n", "    staff: 5\n    price: 1\n    staff: 6\n")
    issue = only(issues_of(text), "services[helpdesk].staff")
    assert issue.message.startswith('duplicate key "staff": already defined at line ')
    assert (issue.line, issue.column) == position(text, "staff: 6")
    assert f"line {position(text, 'staff: 5')[0]}" in issue.message


def test_duplicate_top_level_key(valid_text: str) -> None:
    issue = only(issues_of(valid_text + "seed: 7\n"), "seed")
    assert "duplicate key" in issue.message


def test_anchors_aliases_and_merge_keys_are_fine(valid_text: str) -> None:
    text = valid_text.replace(
        "    service_time: {dist: exponential, mean: 10min}",
        "    service_time: &quick {dist: exponential, mean: 10min}",
    ).replace(
        "    patience: {dist: exponential, mean: 45min}",
        "    patience:\n      <<: *quick\n      mean: 45min",
    )
    scenario = load_scenario_text(text)
    patience = scenario.segments[0].patience
    assert patience is not None and patience.mean_hours == 0.75


def test_recursive_alias_is_an_issue_not_a_crash(valid_text: str) -> None:
    issues = issues_of(valid_text + "description2: &loop [*loop]\n")
    assert any("alias" in i.message for i in issues)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "the file is empty", None),
        ("# only a comment\n", "the file is empty", None),
        ("- a\n- b\n", "expected a mapping of scenario fields", 1),
        ("just text\n", 'got "just text"', 1),
        ("---\na: 1\n---\nb: 2\n", "expected a single document", 3),
        ("a: 1\n\tb: 2\n", "invalid YAML", 2),
        ("a: !python/object:os.system x\n", "could not determine a constructor", 1),
    ],
)
def test_not_a_scenario_mapping(text: str, message: str, line: int | None) -> None:
    issues = issues_of(text, "odd.yaml")
    issue = next(i for i in issues if message in i.message)
    assert issue.line == line and issue.file == "odd.yaml"


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(missing)
    (issue,) = caught.value.issues
    assert (issue.file, issue.line, issue.message) == (str(missing), None, "file not found")


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(path)


def test_missing_required_fields_are_located_at_their_mapping(valid_text: str) -> None:
    text = valid_text.replace("    rate: 2\n", "")
    issue = only(issues_of(text), "segments[retail].rate")
    assert issue.message.startswith("missing required field 'rate': Arrival rate of the segment")
    assert "customers per hour" in issue.message and "\n" not in issue.message   # one line
    assert issue.line == position(text, "id: retail")[0]


def test_wrong_container_types(valid_text: str) -> None:
    text = valid_text.replace("mix: {helpdesk: 1}", "mix: helpdesk")
    issue = only(issues_of(text), "segments[retail].mix")
    assert issue.message == 'expected a mapping (key: value pairs), got "helpdesk"'
    text = valid_text.replace("    sla: {wait: 30min, attainment: 0.8}", "    sla: [30min]")
    assert "expected a mapping" in only(issues_of(text), "services[helpdesk].sla").message


@pytest.mark.parametrize("value", ["none", "never", "30min"])
def test_patience_that_is_not_a_distribution_says_how_to_write_forever(valid_text: str, value: str) -> None:
    text = valid_text.replace("    patience: {dist: exponential, mean: 45min}",
                              f"    patience: {value}")  # fmt: skip
    issue = only(issues_of(text), "segments[enterprise].patience")
    assert issue.message == (f'expected a distribution such as {{dist: exponential, mean: 10min}}, '
                             f'got "{value}"; for customers who wait for ever, leave patience out '
                             f'(or write null)')  # fmt: skip


def test_patience_null_means_for_ever(valid_text: str) -> None:
    text = valid_text.replace("    patience: {dist: exponential, mean: 45min}", "    patience: null")
    assert load_scenario_text(text).segments[0].patience is None


def test_a_number_yaml_reads_as_text_says_how_to_write_it(valid_text: str) -> None:
    text = valid_text.replace("    rate: 2\n", "    rate: 2e3\n")
    issue = only(issues_of(text), "segments[retail].rate")
    assert 'got "2e3" (YAML reads 1e6 or 1.0e6 as text: write 1.0e+6 or 1000000)' in issue.message
    assert load_scenario_text(valid_text.replace("    rate: 2\n", "    rate: 2.0e+3\n")).segments[1].rate == 2000


@pytest.mark.parametrize(("word", "read_as"), [("off", "false"), ("no", "false"), ("yes", "true")])
def test_a_word_yaml_reads_as_a_boolean_says_to_quote_it(valid_text: str, word: str, read_as: str) -> None:
    """``name: off`` is false in YAML 1.1, not the word: the message says why and what to do."""
    text = re.sub(r"(?m)^name: .*$", f"name: {word}", valid_text, count=1)
    issue = only(issues_of(text), "name")
    assert issue.message.startswith(f"expected text, got {read_as} (YAML reads ")
    assert issue.message.endswith(f" as {read_as}: put the word in quotes)") and word in issue.message
