"""The README's examples stay true: its scenario example validates, its quick start is two commands."""

from __future__ import annotations

import re
from pathlib import Path

from stratsim.scenario import load_scenario_text

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_scenario_example_in_the_readme_is_valid():
    block = re.search(r"```yaml\n(.*?)```", README, re.S).group(1)
    standalone = "\n".join(line for line in block.splitlines() if not line.startswith("extends:"))
    scenario = load_scenario_text(standalone, "README.md")
    assert scenario.name == "helpdesk-baseline" and scenario.services[0].tiers


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, re.S)
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert "stratsim run scenarios/" in commands[0]
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
