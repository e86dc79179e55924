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


SELF_DOCUMENTED = [ROOT / "README.md", ROOT / "src", ROOT / "tests", ROOT / "docs"]
TEXT_SUFFIXES = {".py", ".md", ".txt", ".j2", ".css", ".html", ".yaml", ".yml", ".toml", ".json"}
DESIGN_CITATION = re.compile(r"\bDESIGN\b")  # the notes by name, with or without ".md" or a section


def self_documented_files() -> list[Path]:
    """The project's text files that must point to README.md and docs/, never to the design notes.

    Generated metadata (``*.egg-info``, caches) is left out, and so is this file, which has to
    spell the pattern it looks for.
    """
    files = []
    for root in SELF_DOCUMENTED:
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            generated = any(part.endswith((".egg-info", "__pycache__")) for part in path.parts)
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not generated:
                files.append(path)
    return [path for path in files if path.resolve() != Path(__file__).resolve()]


def test_the_scan_covers_code_tests_and_documentation() -> None:
    scanned = {path.relative_to(ROOT).parts[0] for path in self_documented_files()}
    assert scanned == {"README.md", "src", "tests", "docs"}


def test_nothing_cites_the_external_design_notes() -> None:
    """Code, tests and documentation cite README.md and docs/: the project documents itself."""
    citations = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in self_documented_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DESIGN_CITATION.search(line)
    ]
    assert not citations, "cite README.md or docs/ instead:\n" + "\n".join(citations)


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
