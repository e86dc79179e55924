"""The documentation stays true: its links resolve, and it documents every KPI a run reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import stratsim
from stratsim.runner.results import FINANCE_SCOPES
from stratsim.runner.statistics import iter_leaves

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {github_anchor(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.M)}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_and_anchors_resolve(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = (page.parent / file).resolve() if file else page
        assert linked.exists(), f"{page.name}: link to missing {target}"
        if anchor:
            assert anchor in anchors(linked), f"{page.name}: no heading for #{anchor} in {linked.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_user_documentation_never_cites_the_internal_design_notes(page: Path) -> None:
    assert "DESIGN" not in page.read_text(encoding="utf-8")


def documented_kpis() -> dict[str, str]:
    """KPI name → its "levels" cell, from the table of docs/kpis.md."""
    text = (ROOT / "docs" / "kpis.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| (cohort|period) \| ([^|]+) \|", text, re.M)
    return {name: levels.strip() for name, _basis, levels in rows}


def test_every_reported_kpi_is_documented_at_its_level() -> None:
    scenario = stratsim.load_scenario(ROOT / "scenarios" / "helpdesk-baseline.yaml")
    short = scenario.model_copy(update={"horizon": 48.0, "warmup": 24.0})
    record = stratsim.simulate(short, replications=1).records[0]
    documented = documented_kpis()
    levels = {"kpis": "portfolio", "services": "service", "segments": "segment"}
    seen = set()
    kpis_page = (ROOT / "docs" / "kpis.md").read_text(encoding="utf-8")
    for path, _value in iter_leaves(record):
        if path[0] in FINANCE_SCOPES:  # flows, showback, months: their own table in docs/kpis.md
            assert f"`{path[-1].split(':')[0]}" in kpis_page, f"{path} is reported but not documented"
            continue
        level = "tier" if "tiers" in path else levels[path[0]]
        kpi = path[-1]
        seen.add(level)
        assert kpi in documented, f"KPI {kpi} is reported but not in docs/kpis.md"
        where = documented[kpi]
        assert where.startswith("all") or level in where, f"{kpi} is reported at {level} level"
    assert seen == {"portfolio", "service", "tier", "segment"}
