"""The README's examples stay true: its scenario example validates, its quick start is two commands."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from stratsim.scenario import load_scenario_text

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, re.S)


def scenario_example() -> str:
    block = next(b for b in yaml_blocks() if b.startswith("stratsim: 1"))
    return "\n".join(line for line in block.splitlines() if not line.startswith("extends:"))


def test_scenario_example_in_the_readme_is_valid():
    scenario = load_scenario_text(scenario_example(), "README.md")
    assert scenario.name == "helpdesk-baseline" and scenario.services[0].tiers


def test_strategy_example_in_the_readme_is_valid_on_the_scenario_example():
    fragment = yaml.safe_load(next(b for b in yaml_blocks() if b.startswith("strategy:")))
    data = yaml.safe_load(scenario_example())
    for key in ("plan", "pattern"):
        data["strategy"][key].update(fragment["strategy"][key])
    for segment in fragment["segments"]:
        next(s for s in data["segments"] if s["id"] == segment["id"]).update(segment)
    scenario = load_scenario_text(yaml.safe_dump(data, sort_keys=False), "README.md")
    assert [r.name for r in scenario.strategy.pattern.rules] == ["surge", "busy-price"]


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, re.S)
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert "stratsim compare scenarios/helpdesk-baseline.yaml scenarios/" in commands[0]
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
