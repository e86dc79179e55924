"""Fuzz the command line with hostile files: every input either validates and runs a short
simulation, or fails with stratsim's own located errors; and the user's text (file and folder
names, scenario names, ids, keys, quoted values) is printed as written, never as markup.

Two generators: raw YAML text (edits of a valid file with YAML syntax, markup-like text, odd
unicode, control characters and huge numbers; and free text), and well-formed scenarios whose
names, ids, descriptions and keys carry markup-like and unusual unicode text. The command line
runs in-process (click's CliRunner); the library, called directly on the same file, says what
the command must print. Examples are few and small, and there is no deadline, so a loaded
2-core machine slows the test without failing it.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from stratsim.cli import main
from stratsim.console import printable
from stratsim.engine.compile import compile_scenario
from stratsim.errors import ScenarioError, StratsimError
from stratsim.scenario import Scenario, load_scenario
from tests.conftest import SMALL_SCENARIO

def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WIDE = {"COLUMNS": "1000"}   # tables wide enough that no id is folded over two lines

MARKUP = ["[/x]", "[bold]", "[red]x[/red]", ":100:", ":smile:", "[link=http://e.x]l[/link]",
          "\\[", "[/]", "]", "[", "%s", "{0}", "\\"]  # fmt: skip
UNUSUAL = ["é", "中文", "🙂", "👩\u200d💻", "e\u0301", "\u202eevil", "\u00a0", "𝔘", "\ufeff", "ß",
           "\u2028", "ǅ", "٣"]  # fmt: skip
text_piece = st.sampled_from(MARKUP + UNUSUAL) | st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=4)
user_text = st.lists(text_piece, min_size=1, max_size=5).map("".join)
file_name = user_text.map(lambda t: "f" + t.replace("/", "|").replace("\x00", "0")[:30])


def invoke(*args: Any):
    return CliRunner().invoke(main, [str(a) for a in args], env=WIDE)


def expected_outcome(path: Path) -> Scenario | StratsimError:
    """What the library makes of the file: a scenario that compiles, or stratsim's error (any
    other exception escapes and fails the test)."""
    try:
        scenario = load_scenario(path)
        compile_scenario(scenario)
    except StratsimError as error:
        return error
    return scenario


def check_errors_printed(output: str, error: StratsimError) -> None:
    lines = [str(i) for i in error.issues] if isinstance(error, ScenarioError) else [str(error)]
    for line in lines:
        assert f"error {printable(line)}" in output, (line, output)


def small_enough(scenario: Scenario) -> bool:
    """Whether a run takes well under a second (an edit may have made the horizon 88 days)."""
    return scenario.horizon <= 10 * 24 and sum(s.rate for s in scenario.segments) <= 20


def check_cli(path: Path, out: Path) -> None:
    """The command line agrees with the library, and prints the user's text as written."""
    expected = expected_outcome(path)
    validated = invoke("validate", path)
    assert validated.exception is None or isinstance(validated.exception, SystemExit), validated.output
    assert "Traceback" not in validated.output
    if isinstance(expected, StratsimError):
        event("refused")
        assert validated.exit_code == 2, validated.output
        check_errors_printed(validated.output, expected)
        return
    assert validated.exit_code == 0, validated.output
    assert printable(f"{path}: valid") in validated.output
    if not small_enough(expected):
        event("valid, too long to run")
        return
    event("valid, ran")
    ran = invoke("run", path, "--out", out, "--replications", 1)
    assert ran.exit_code == 0 and ran.exception is None, ran.output
    assert printable(f"results in {out}/") in ran.output
    for service in expected.services:
        assert service.id in ran.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["scenario"] == expected.name


# ---- raw YAML text ----------------------------------------------------------------------------

TOKENS = ["\t", ":", ": ", "- ", "[", "]", "{", "}", "\n", "  ", "~", "null: x\n", "&a ", "*a",
          "<<: *a\n", "!!python/name:os.system ", "%", "@", "`", '"', "'", "#", "|", ">", "---\n",
          "1e300", "1.0e+300", "9" * 400, "-1", "0", ".inf", "\x00", "\x1b[31m", '"\\ud800"',
          '"\\e[2J"', "\u202e", *MARKUP, *UNUSUAL]  # fmt: skip


@st.composite
def edited_scenarios(draw) -> str:
    """The small valid scenario with a few edits: inserted tokens, deleted spans, digits."""
    text = SMALL_SCENARIO
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "digit"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | user_text) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        else:
            text = text[:at] + draw(st.sampled_from("0123456789")) + text[at:]
    return text


free_yaml = st.lists(st.sampled_from(list(":-[]{},&*!|>#'\"\n \t~%@`\\.0123456789ab") + MARKUP + UNUSUAL),
                     max_size=40).map("".join)  # fmt: skip


@fuzz_settings(150)   # mostly refused at once: cheap
@given(text=edited_scenarios() | free_yaml, name=file_name)
def test_any_yaml_text_validates_or_fails_with_located_errors(text: str, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        check_cli(path, Path(folder) / f"out{name}")


# ---- well-formed scenarios carrying unusual text ---------------------------------------------

ids = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,12}", fullmatch=True)
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)


@st.composite
def scenarios(draw) -> dict[str, Any]:
    """A small valid scenario with free text wherever the format takes free text; and, now and
    then, unusual text where the format refuses it (a name, an id, a key, a roster's service)."""
    service_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    segment_ids = draw(st.lists(ids, min_size=1, max_size=2, unique=True))
    doc: dict[str, Any] = {
        "stratsim": 1, "name": draw(names), "description": draw(user_text), "horizon": "1d",
        "replications": 1,
        "services": [{"id": sid, "name": draw(user_text), "staff": 2,
                      "service_time": {"dist": "exponential", "mean": "20min"}} for sid in service_ids],
        "segments": [{"id": gid, "name": draw(user_text), "rate": 2,
                      "mix": {service_ids[0]: 1}} for gid in segment_ids],
        "strategy": {"perspective": {"vision": draw(user_text)}},
    }  # fmt: skip
    spoil = draw(st.sampled_from(["none", "none", "name", "id", "key", "roster", "mix"]))
    text = draw(user_text)
    if spoil == "name":
        doc["name"] = text
    elif spoil == "id":
        doc["services"][0]["id"] = text
    elif spoil == "key":
        doc["services"][-1][text] = 1
    elif spoil == "roster":
        doc["strategy"]["pattern"] = {"rosters": {text: [{"days": "daily", "from": "08:00", "to": "09:00", "staff": 1}]}}
    elif spoil == "mix":
        doc["segments"][0]["mix"] = {service_ids[0]: 0.5, text: 0.5}
    return doc


@fuzz_settings(40)   # most run a simulation
@given(doc=scenarios(), name=file_name, out=file_name)
def test_user_text_in_scenarios_files_and_folders_is_printed_as_written(doc: dict[str, Any], name: str, out: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        check_cli(path, Path(folder) / out)
